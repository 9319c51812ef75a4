package app

import (
	"context"
	"errors"
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/paths"
	"github.com/tremplin-numerique/tremplin/content"
)

// Following a path: the visitor's space shows their path as a row of
// pictures, one per module in order; a tap starts that module in the
// module player, done modules carry a check, the next one is framed; "Faire
// le petit test" starts a short diagnostic on exactly the path's skills.

// PathRow shows a visitor's path on their space: its name, then the
// modules that teach its skills as a row of pictures, in order.
type PathRow struct {
	Title *widget.Label
	// Modules are the path's module ids, in order (the skills' when no
	// module teaches them).
	Modules []string
	// Shown are the ids on display (at most maxPathCards, around the next
	// one) and Cards their buttons: a tap opens the module.
	Shown []string
	Cards []*widget.Button
	// Done holds the modules the learner went through to the end; Next is
	// the first module not done ("" when every one is).
	Done map[string]bool
	Next string
	// Test starts the short diagnostic on the path's skills.
	Test *widget.Button

	root fyne.CanvasObject
}

// maxPathCards is how many pictures of a path the visitor's space shows.
const maxPathCards = 5

// pathRow builds the row for a path followed by the learner ids.
func (k *Kiosk) pathRow(p paths.Path, ids ...string) *PathRow {
	r := &PathRow{Title: widget.NewLabelWithStyle(k.cat.T("paths.yours", "name", p.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	r.Title.Truncation = fyne.TextTruncateEllipsis
	done, err := paths.Done(context.Background(), k.cfg.Journal, ids...)
	if err != nil {
		slog.Error("read path progress", "err", err)
	}
	r.Done = done
	type card struct {
		id, icon, title string
		mod             *content.Module
	}
	var cards []card
	for _, id := range p.Modules {
		if m, ok := k.cfg.Pack.Module(id); ok {
			r.Modules = append(r.Modules, id)
			cards = append(cards, card{id, m.Icon, m.Title, m})
		}
	}
	if len(cards) == 0 {
		for _, id := range p.Skills {
			if sk, ok := k.cfg.Pack.Skill(id); ok {
				r.Modules = append(r.Modules, id)
				cards = append(cards, card{id: id, icon: sk.Icon, title: sk.Title})
			}
		}
	}
	next := paths.Next(r.Modules, done)
	if next >= 0 {
		r.Next = r.Modules[next]
	}
	row := container.NewHBox()
	from := paths.Window(len(cards), next, maxPathCards)
	for _, c := range cards[from:min(len(cards), from+maxPathCards)] {
		mod := c.mod
		b, o := k.pathCard(c.icon, c.title, done[c.id], c.id == r.Next, func() {
			if mod != nil {
				k.openPathModule(mod)
			}
		})
		if mod == nil {
			b.Disable()
		}
		r.Shown = append(r.Shown, c.id)
		r.Cards = append(r.Cards, b)
		row.Add(o)
	}
	r.Test = widget.NewButtonWithIcon(k.cat.T("paths.test"), theme.MediaPlayIcon(), func() { k.startPathTest(p) })
	r.Test.Importance = widget.HighImportance
	head := container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(300, 56), r.Test), r.Title)
	// The head spans the width the row may take (maxPathCards cards), so
	// the path's name is not cut when the row holds fewer.
	r.root = container.NewVBox(container.NewGridWrap(fyne.NewSize(maxPathCards*(184+theme.Padding()), 56), head), container.NewCenter(row))
	return r
}

// pathCard is one picture of a path: a button the size of the card, the
// module's picture and title on it, a check in the corner when the module
// is done, a thick frame around the next one.
func (k *Kiosk) pathCard(icon, title string, done, next bool, tapped func()) (*widget.Button, fyne.CanvasObject) {
	b := widget.NewButton("", tapped)
	img := canvas.NewImageFromResource(k.resource(icon))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(72, 72))
	lbl := widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: next})
	lbl.Wrapping = fyne.TextWrapWord
	face := container.NewBorder(container.NewPadded(img), nil, nil, nil, lbl)
	layers := []fyne.CanvasObject{b}
	if next {
		frame := canvas.NewRectangle(nil)
		frame.StrokeColor = theme.Color(theme.ColorNamePrimary)
		frame.StrokeWidth = 6
		frame.CornerRadius = 8
		layers = append(layers, frame)
	}
	layers = append(layers, face)
	if done {
		mark := widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		corner := container.NewBorder(container.NewHBox(layout.NewSpacer(), container.NewGridWrap(fyne.NewSize(44, 44), mark)), nil, nil, nil)
		layers = append(layers, corner)
	}
	return b, container.NewGridWrap(fyne.NewSize(184, 168), container.NewStack(layers...))
}

// openPathModule opens a module of the visitor's path; leaving it, or
// asking for another module, comes back to their space and its path.
func (k *Kiosk) openPathModule(m *content.Module) {
	k.touch()
	k.openModule(m)
	if k.Learn == nil {
		return
	}
	if k.visit.Returning() {
		k.Learn.OnQuit = k.showSpace
		k.Learn.OnOther = k.showSpace
	}
}

// startPathTest starts the short diagnostic on exactly the path's skills;
// its result is journaled like any diagnostic, so it feeds the learner's
// page (levels, skills) and their history.
func (k *Kiosk) startPathTest(p paths.Path) {
	k.touch()
	show := k.errorShower()
	seed := k.seeds.Uint64()
	priors, _ := k.learntPriors()
	diag, err := paths.ShortTest(ItemBank(k.cfg.Pack), p.Skills, priors, seed)
	if errors.Is(err, paths.ErrNoItems) {
		show(k.cat.T("paths.no_test"))
		return
	}
	if err != nil {
		slog.Error("start path test", "path", p.ID, "err", err)
		show(k.cat.T("save.failed"))
		return
	}
	if k.interrupted != nil {
		k.pauseInterrupted("interrupted", k.interrupted)
	}
	if err := k.visit.StartDiagnostic(context.Background(), diag, seed); err != nil {
		k.saveFailed(err, show)
		return
	}
	k.next()
}
