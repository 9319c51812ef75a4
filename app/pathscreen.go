package app

import (
	"context"
	"image/color"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/paths"
	"github.com/tremplin-numerique/tremplin/sync/event"
)

// PathScreen makes a learning path (parcours): the mediator ticks skills in
// the framework's tree (domain, competence, skill with its level), in the
// order the learner should follow them, names the path and gives it to one
// learner or to everyone on this device.
type PathScreen struct {
	Name *widget.Entry
	// Skills are the framework's skills as check boxes, by skill id.
	Skills map[string]*widget.Check
	// For is "this person" or "everyone on this device"; hidden when the
	// path is made from the learners list (everyone, then).
	For *widget.RadioGroup
	// Order says the skills ticked, in the order they will be followed.
	Order   *widget.Label
	Save    *widget.Button
	Back    *widget.Button
	Message *widget.Label

	learner string
	order   []string
	// form holds the left column, laid out again when the order grows.
	form *container.Scroll
	root fyne.CanvasObject
}

// Everyone is For's choice giving the path to everyone on the device.
func (s *PathScreen) everyone(k *Kiosk) bool {
	return s.learner == "" || s.For.Selected == k.cat.T("paths.for_everyone")
}

// showPathEditor opens the path maker, for learner (with their display
// name) or, when learner is "", for everyone on the device.
func (k *Kiosk) showPathEditor(learner, name string) {
	s := &PathScreen{learner: learner, Skills: map[string]*widget.Check{}, Message: widget.NewLabel(""), Order: widget.NewLabel("")}
	s.Message.Wrapping = fyne.TextWrapWord
	s.Order.Wrapping = fyne.TextWrapWord
	s.Name = widget.NewEntry()
	s.Name.SetPlaceHolder(k.cat.T("paths.name_hint"))
	s.Name.OnChanged = func(string) { k.touch() }
	if name == "" {
		name = k.cat.T("workspace.no_name")
	}
	// A radio's text cannot wrap: a very long name is shortened so the
	// screen still fits 1024×768.
	if r := []rune(name); len(r) > 24 {
		name = string(r[:23]) + "…"
	}
	s.For = widget.NewRadioGroup([]string{k.cat.T("paths.for_learner", "name", name), k.cat.T("paths.for_everyone")}, func(string) { k.touch() })
	s.For.Required = true
	s.For.SetSelected(s.For.Options[0])
	if learner == "" {
		s.For.SetSelected(s.For.Options[1])
		s.For.Hide()
	}

	// The framework as a tree: indentation shows domain → competence →
	// skill; ticking adds the skill at the end of the path.
	// The heading scrolls with the tree: a wrapping label above a scroll
	// is given one line's height and overlaps the tree.
	pick := widget.NewLabelWithStyle(k.cat.T("paths.pick"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	pick.Wrapping = fyne.TextWrapWord
	tree := container.NewVBox(pick)
	indent := func(n int, o fyne.CanvasObject) fyne.CanvasObject {
		pad := canvas.NewRectangle(color.Transparent)
		pad.SetMinSize(fyne.NewSize(float32(24*n), 1))
		return container.NewBorder(nil, nil, pad, nil, o)
	}
	// Titles wrap rather than widen the screen (issue 17: 1024×768); the
	// skill's text sits beside its box and ticks it too, so the target
	// stays the whole line.
	wrapped := func(text string, style fyne.TextStyle) *widget.Label {
		l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, style)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	for _, d := range k.cfg.Pack.Domains {
		tree.Add(wrapped(d.Title, fyne.TextStyle{Bold: true}))
		for _, c := range d.Competences {
			tree.Add(indent(1, wrapped(c.Title, fyne.TextStyle{Italic: true})))
			for _, sk := range c.Skills {
				id := sk.ID
				ch := widget.NewCheck("", func(on bool) { k.touch(); s.tick(k, id, on) })
				s.Skills[id] = ch
				text := newTapLabel(sk.Title+" — "+k.cat.T("paths.level", "n", strconv.Itoa(sk.Level)), func() { ch.SetChecked(!ch.Checked) })
				// The box stays at the top of a wrapped title (a check
				// stretched to two lines only answers taps on its middle).
				tree.Add(indent(2, container.NewBorder(nil, nil, container.NewVBox(ch), nil, text)))
			}
		}
	}
	s.tick(k, "", false)
	s.Save = widget.NewButtonWithIcon(k.cat.T("paths.save"), theme.DocumentSaveIcon(), func() { k.savePath(s) })
	s.Save.Importance = widget.HighImportance
	back := k.showLearners
	if learner != "" {
		back = func() { k.showLearner(learner) }
	}
	s.Back = widget.NewButtonWithIcon(k.cat.T("common.back"), theme.NavigateBackIcon(), back)
	bold := func(key string) *widget.Label {
		return widget.NewLabelWithStyle(k.cat.T(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	forTitle := bold("paths.for")
	if learner == "" {
		forTitle.SetText(k.cat.T("paths.for_everyone"))
	}
	left := container.NewVBox(bold("paths.name"), s.Name, forTitle, s.For, bold("paths.order"), s.Order,
		container.NewHBox(s.Save), s.Message)
	s.form = container.NewVScroll(left)
	right := container.NewVScroll(tree)
	title := widget.NewLabelWithStyle(k.cat.T("paths.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	s.root = container.NewPadded(container.NewBorder(container.NewBorder(nil, nil, s.Back, nil, title), nil, nil, nil,
		container.NewGridWithColumns(2, s.form, right)))
	k.clearScreens()
	k.PathEditor = s
	k.setContent(s.root, "")
	k.win.Canvas().Focus(s.Name)
}

// tick adds a skill at the end of the path, or takes it out, and shows the
// order.
func (s *PathScreen) tick(k *Kiosk, id string, on bool) {
	if id != "" {
		s.Message.SetText("")
		s.order = slices.DeleteFunc(s.order, func(x string) bool { return x == id })
		if on {
			s.order = append(s.order, id)
		}
	}
	if len(s.order) == 0 {
		s.Order.SetText(k.cat.T("paths.none_picked"))
		return
	}
	lines := make([]string, len(s.order))
	for i, id := range s.order {
		title := id
		if sk, ok := k.cfg.Pack.Skill(id); ok {
			title = sk.Title
		}
		lines[i] = strconv.Itoa(i+1) + ". " + title
	}
	s.Order.SetText(strings.Join(lines, "\n"))
	if s.form != nil {
		s.form.Content.Refresh()
		s.form.Refresh()
	}
}

// savePath journals the path (path.assigned, with the mediator session)
// for the learner or, with no learner id, for everyone on the device.
func (k *Kiosk) savePath(s *PathScreen) {
	k.touch()
	name := strings.TrimSpace(s.Name.Text)
	if name == "" || len(s.order) == 0 {
		s.Message.SetText(k.cat.T("paths.incomplete"))
		return
	}
	p, err := paths.Make(k.cfg.Pack, name, s.order, k.mediatorSession)
	if err != nil {
		s.Message.SetText(k.cat.T("paths.incomplete"))
		return
	}
	learner := s.learner
	if s.everyone(k) {
		learner = ""
	}
	if _, err := k.cfg.Journal.Append(context.Background(), event.TypePathAssigned, learner, p); err != nil {
		k.saveFailed(err, s.Message.SetText)
		return
	}
	msg := k.cat.T("paths.saved", "name", name)
	if s.learner != "" {
		k.showLearner(s.learner)
		if k.Learner != nil {
			k.Learner.Message.SetText(msg)
		}
		return
	}
	k.showLearners()
	k.Learners.Message.SetText(msg)
}

// pathOf returns the path of the learner ids (a learner and those linked
// to them), if they have one.
func (k *Kiosk) pathOf(ids ...string) (paths.Path, bool) {
	p, ok, err := paths.For(context.Background(), k.cfg.Journal, ids...)
	if err != nil {
		slog.Error("read path", "err", err)
		return paths.Path{}, false
	}
	return p, ok
}

// pathSummary says a path for the mediator: its name, for whom, its skills
// in order.
func (k *Kiosk) pathSummary(p paths.Path) string {
	var titles []string
	for _, id := range p.Skills {
		if sk, ok := k.cfg.Pack.Skill(id); ok {
			titles = append(titles, sk.Title)
		}
	}
	who := k.cat.T("paths.for_them")
	if p.LearnerID == "" {
		who = k.cat.T("paths.for_everyone")
	}
	return k.cat.T("paths.summary", "name", p.Name, "who", who, "date", p.At.Local().Format("02/01/2006"),
		"n", strconv.Itoa(len(p.Modules))) + "\n" + strings.Join(titles, " → ")
}

// pathProgress says, for the mediator, how far the learner ids went along
// path p: modules done out of the path's, and the next one.
func (k *Kiosk) pathProgress(p paths.Path, ids ...string) string {
	done, err := paths.Done(context.Background(), k.cfg.Journal, ids...)
	if err != nil {
		slog.Error("read path progress", "err", err)
	}
	n := 0
	for _, m := range p.Modules {
		if done[m] {
			n++
		}
	}
	text := k.cat.T("paths.progress", "done", strconv.Itoa(n), "n", strconv.Itoa(len(p.Modules)))
	if i := paths.Next(p.Modules, done); i >= 0 {
		if m, ok := k.cfg.Pack.Module(p.Modules[i]); ok {
			text += " " + k.cat.T("paths.next", "module", m.Title)
		}
	}
	return text
}

// tapLabel is a wrapping label that runs onTap when tapped: a skill's
// title beside its check box ticks it, as a check's own text would, but
// wraps where a check's text cannot.
type tapLabel struct {
	widget.Label
	onTap func()
}

func newTapLabel(text string, onTap func()) *tapLabel {
	l := &tapLabel{onTap: onTap}
	l.Text = text
	l.Wrapping = fyne.TextWrapWord
	l.ExtendBaseWidget(l)
	return l
}

// Tapped runs onTap.
func (l *tapLabel) Tapped(*fyne.PointEvent) { l.onTap() }
