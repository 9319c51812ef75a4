package app

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/group"
	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/report"
	"github.com/tremplin-numerique/tremplin/app/sheet"
	"github.com/tremplin-numerique/tremplin/assets"
)

// Group sessions for outreach: the mediator starts one ("Atelier du
// mardi", 6 people); while it is open every visitor's learner is tagged
// with it (group.Tagger on the visit's journal); at the end "Résumé du
// groupe" says who did what and what the group should work on next, on
// screen and as a PDF.

// GroupScreen starts a group session, or shows the open one.
type GroupScreen struct {
	// Name and People start a new session (hidden while one is open).
	Name   *widget.Entry
	People *widget.Entry
	Start  *widget.Button
	// Current says the open session; Summary and End act on it.
	Current *widget.Label
	Summary *widget.Button
	End     *widget.Button
	// Past opens the summary of an earlier session, newest first.
	Past    []*widget.Button
	Back    *widget.Button
	Message *widget.Label

	root fyne.CanvasObject
}

// GroupSummaryScreen is "Résumé du groupe": who did what, what to work on.
type GroupSummaryScreen struct {
	Summary group.Summary
	// People holds one line per participant.
	People []*widget.Label
	// ToWork says the skills most participants have to work on.
	ToWork  *widget.Label
	PDF     *widget.Button
	Back    *widget.Button
	Message *widget.Label

	root fyne.CanvasObject
}

// openGroup returns the open group session's id, "" when none is (what
// the visit's group.Tagger asks).
func (k *Kiosk) openGroup() string {
	if k.group == nil {
		return ""
	}
	return k.group.ID
}

// loadGroup reads the device's open group session (a restart keeps it).
func (k *Kiosk) loadGroup() {
	g, ok, err := group.Current(context.Background(), k.cfg.Journal)
	if err != nil {
		slog.Error("read group session", "err", err)
	}
	k.group = nil
	if ok {
		k.group = &g
	}
}

func (k *Kiosk) showGroup() {
	k.touch()
	s := &GroupScreen{Message: widget.NewLabel("")}
	s.Message.Wrapping = fyne.TextWrapWord
	s.Message.Importance = widget.WarningImportance
	bold := func(key string) *widget.Label {
		return widget.NewLabelWithStyle(k.cat.T(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	body := container.NewVBox()
	if g := k.group; g != nil {
		s.Current = widget.NewLabel(k.groupLine(*g))
		s.Current.Wrapping = fyne.TextWrapWord
		s.Summary = widget.NewButtonWithIcon(k.cat.T("group.summary"), theme.DocumentIcon(), func() { k.showGroupSummary(g.ID) })
		s.Summary.Importance = widget.HighImportance
		s.End = widget.NewButtonWithIcon(k.cat.T("group.end"), theme.MediaStopIcon(), func() { k.endGroup(s) })
		body.Add(bold("group.current"))
		body.Add(s.Current)
		how := widget.NewLabel(k.cat.T("group.how"))
		how.Wrapping = fyne.TextWrapWord
		body.Add(how)
		body.Add(container.NewGridWrap(fyne.NewSize(300, 56), s.Summary, s.End))
	} else {
		s.Name = widget.NewEntry()
		s.Name.SetPlaceHolder(k.cat.T("group.name_hint"))
		s.Name.OnChanged = func(string) { k.touch() }
		s.People = widget.NewEntry()
		s.People.SetPlaceHolder(k.cat.T("group.people_hint"))
		s.People.OnChanged = func(string) { k.touch() }
		s.People.OnSubmitted = func(string) { k.startGroup(s) }
		s.Start = widget.NewButtonWithIcon(k.cat.T("group.start"), theme.MediaPlayIcon(), func() { k.startGroup(s) })
		s.Start.Importance = widget.HighImportance
		body.Add(bold("group.new"))
		body.Add(widget.NewForm(widget.NewFormItem(k.cat.T("group.name"), s.Name), widget.NewFormItem(k.cat.T("group.people"), s.People)))
		body.Add(container.NewHBox(s.Start))
	}
	body.Add(s.Message)
	past, err := group.List(context.Background(), k.cfg.Journal)
	if err != nil {
		slog.Error("read group sessions", "err", err)
	}
	var earlier []fyne.CanvasObject
	for _, g := range past {
		if g.Open() || len(earlier) >= 5 {
			continue
		}
		id := g.ID
		b := widget.NewButtonWithIcon(k.groupLine(g), theme.DocumentIcon(), func() { k.showGroupSummary(id) })
		b.Alignment = widget.ButtonAlignLeading
		s.Past = append(s.Past, b)
		earlier = append(earlier, b)
	}
	if len(earlier) > 0 {
		body.Add(widget.NewSeparator())
		body.Add(bold("group.past"))
		body.Add(container.NewVBox(earlier...))
	}
	s.Back = widget.NewButtonWithIcon(k.cat.T("common.back"), theme.NavigateBackIcon(), k.showMediator)
	title := widget.NewLabelWithStyle(k.cat.T("group.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	// No scrolling: the screen holds at most a form or the open session
	// and five earlier ones, and a wrapped label in a scrolled box was
	// drawn over the buttons under it.
	s.root = container.NewPadded(container.NewBorder(container.NewBorder(nil, nil, s.Back, nil, title), nil, nil, nil, body))
	k.clearScreens()
	k.Group = s
	k.setContent(s.root, "")
	relayout(s.root)
	if s.Name != nil {
		k.win.Canvas().Focus(s.Name)
	}
}

// groupLine says a group session in one line: name, people, when.
func (k *Kiosk) groupLine(g group.Group) string {
	line := g.Name
	if g.People > 0 {
		line += " — " + k.cat.T("group.n_people", "n", strconv.Itoa(g.People))
	}
	line += " — " + k.cat.T("group.started_at", "date", g.Started.Local().Format("02/01/2006 15:04"))
	return line
}

func (k *Kiosk) startGroup(s *GroupScreen) {
	k.touch()
	people, err := group.ParsePeople(s.People.Text)
	if err == nil {
		var g group.Group
		g, err = group.Start(context.Background(), k.cfg.Journal, s.Name.Text, people, k.mediatorSession)
		if err == nil {
			k.group = &g
			k.showGroup()
			k.Group.Message.SetText(k.cat.T("group.started", "name", g.Name))
			return
		}
	}
	switch {
	case errors.Is(err, group.ErrNoName):
		s.Message.SetText(k.cat.T("group.no_name"))
	case errors.Is(err, group.ErrBadPeople):
		s.Message.SetText(k.cat.T("group.bad_people", "max", strconv.Itoa(group.MaxPeople)))
	case errors.Is(err, group.ErrAlready):
		k.loadGroup()
		k.showGroup()
	default:
		k.saveFailed(err, s.Message.SetText)
	}
}

// endGroup closes the open session and shows its summary.
func (k *Kiosk) endGroup(s *GroupScreen) {
	k.touch()
	g := k.group
	if g == nil {
		return
	}
	if err := group.End(context.Background(), k.cfg.Journal, *g, k.mediatorSession); err != nil {
		k.saveFailed(err, s.Message.SetText)
		return
	}
	k.group = nil
	k.showGroupSummary(g.ID)
}

// skillOrder is the framework's skills, in order.
func (k *Kiosk) skillOrder() []string {
	var out []string
	for _, d := range k.cfg.Pack.Domains {
		for _, c := range d.Competences {
			for _, sk := range c.Skills {
				out = append(out, sk.ID)
			}
		}
	}
	return out
}

// maxGroupToWork is how many skills the summary proposes to work on.
const maxGroupToWork = 5

// groupWho names a participant: their name, else "Sans prénom".
func (k *Kiosk) groupWho(p group.Participant) string {
	who := p.Name
	if who == "" {
		who = k.cat.T("workspace.no_name")
	}
	if p.Code == "" {
		who += " " + k.cat.T("group.no_code")
	}
	return who
}

// groupDid says what a participant did: how many tests, the levels of the
// last one (one per domain tested), the modules opened.
func (k *Kiosk) groupDid(p group.Participant) (tests string, levels []string, modules string) {
	tests = k.cat.T("group.no_test")
	if n := len(p.Tests); n > 0 {
		tests = k.cat.T("group.tests", "n", strconv.Itoa(n))
		for _, d := range k.cfg.Pack.Domains {
			for _, r := range p.Tests[n-1].Results {
				if r.Domain == d.ID && r.Items > 0 {
					levels = append(levels, d.Title+" : "+k.cat.T(bandKey(r.Band)))
				}
			}
		}
	}
	if len(p.Modules) == 0 {
		return tests, levels, k.cat.T("group.no_module")
	}
	var ms []string
	for _, m := range p.Modules {
		title := m.ID
		if mod, ok := k.cfg.Pack.Module(m.ID); ok {
			title = mod.Title
		}
		if m.Completed {
			title += " " + k.cat.T("group.finished")
		}
		ms = append(ms, title)
	}
	return tests, levels, k.cat.T("group.modules", "list", strings.Join(ms, ", "))
}

// groupToWork says the skills to work on, one per line.
func (k *Kiosk) groupToWork(s group.Summary) []string {
	var lines []string
	for _, c := range s.ToWork {
		if len(lines) >= maxGroupToWork {
			break
		}
		title := c.Skill
		if sk, ok := k.cfg.Pack.Skill(c.Skill); ok {
			title = sk.Title
		}
		lines = append(lines, k.cat.T("group.to_work_line", "skill", title, "n", strconv.Itoa(c.People), "total", strconv.Itoa(len(s.Participants))))
	}
	return lines
}

func (k *Kiosk) showGroupSummary(id string) {
	k.touch()
	sum, err := group.Summarize(context.Background(), k.cfg.Journal, id, k.skillOrder(), k.now())
	if err != nil {
		slog.Error("summarize group session", "err", err)
		k.showGroup()
		k.Group.Message.SetText(k.cat.T("workspace.read_failed"))
		return
	}
	s := &GroupSummaryScreen{Summary: sum, Message: widget.NewLabel("")}
	s.Message.Wrapping = fyne.TextWrapWord
	people := container.NewVBox()
	for _, p := range sum.Participants {
		tests, levels, modules := k.groupDid(p)
		// One fact a line, no wrapping: a wrapped label in a scrolled box
		// was laid out over the next participant.
		lines := append(append([]string{tests}, levels...), modules)
		lbl := widget.NewLabel(strings.Join(lines, "\n"))
		lbl.Truncation = fyne.TextTruncateEllipsis
		s.People = append(s.People, lbl)
		head := container.NewHBox()
		for _, name := range learners.SplitCode(p.Code) {
			head.Add(container.NewGridWrap(fyne.NewSize(28, 28), widget.NewIcon(codeResource(name))))
		}
		head.Add(widget.NewLabelWithStyle(k.groupWho(p), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		people.Add(head)
		people.Add(lbl)
		people.Add(widget.NewSeparator())
	}
	if len(sum.Participants) == 0 {
		nobody := widget.NewLabel(k.cat.T("group.nobody"))
		nobody.Wrapping = fyne.TextWrapWord
		people.Add(nobody)
	}
	work := k.groupToWork(sum)
	if len(work) == 0 {
		work = []string{k.cat.T("group.nothing_to_work")}
	}
	s.ToWork = widget.NewLabel(strings.Join(work, "\n"))
	s.ToWork.Wrapping = fyne.TextWrapWord
	s.PDF = widget.NewButtonWithIcon(k.cat.T("group.pdf"), theme.DocumentPrintIcon(), func() {
		k.touch()
		pdf, err := k.GroupPDF(sum)
		if err != nil {
			slog.Error("make group summary", "err", err)
			s.Message.SetText(k.cat.T("visit.print_failed"))
			return
		}
		k.printDocument(pdf, "tremplin-groupe", s.Message.SetText)
	})
	s.PDF.Importance = widget.HighImportance
	s.Back = widget.NewButtonWithIcon(k.cat.T("common.back"), theme.NavigateBackIcon(), k.showGroup)
	title := widget.NewLabelWithStyle(k.cat.T("group.summary_title", "name", sum.Group.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Truncation = fyne.TextTruncateEllipsis
	sub := widget.NewLabel(k.groupSubtitle(sum))
	sub.Wrapping = fyne.TextWrapWord
	bold := func(key string) *widget.Label {
		return widget.NewLabelWithStyle(k.cat.T(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	// At most maxGroupToWork lines: no scrolling (a wrapped label in a
	// scrolled box was drawn over the button under it).
	right := container.NewVBox(bold("group.to_work"), s.ToWork, container.NewHBox(s.PDF), s.Message)
	left := container.NewBorder(bold("group.who"), nil, nil, nil, container.NewVScroll(people))
	s.root = container.NewPadded(container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, s.Back, nil, title), sub), nil, nil, nil,
		container.NewGridWithColumns(2, left, right)))
	k.clearScreens()
	k.GroupSummary = s
	k.setContent(s.root, "")
	relayout(s.root)
}

// groupSubtitle says when the session was, how many came, and the site.
func (k *Kiosk) groupSubtitle(s group.Summary) string {
	line := k.cat.T("group.started_at", "date", s.Group.Started.Local().Format("02/01/2006 15:04"))
	if !s.Group.Ended.IsZero() {
		line += " — " + k.cat.T("group.ended_at", "time", s.Group.Ended.Local().Format("15:04"))
	}
	line += " — " + k.cat.T("group.came", "n", strconv.Itoa(len(s.Participants)))
	if s.Group.People > 0 {
		line += " " + k.cat.T("group.of_expected", "n", strconv.Itoa(s.Group.People))
	}
	if site := k.siteName(); site != "" {
		line += " — " + site
	}
	return line
}

// GroupPDF returns a group session's summary as a one-page PDF.
func (k *Kiosk) GroupPDF(s group.Summary) ([]byte, error) {
	d := report.Doc{Title: k.cat.T("group.summary_title", "name", s.Group.Name), Subtitle: k.groupSubtitle(s)}
	who := report.Section{Heading: k.cat.T("group.who")}
	for _, p := range s.Participants {
		tests, levels, modules := k.groupDid(p)
		if len(levels) > 0 {
			tests += " : " + strings.Join(levels, " ; ")
		}
		who.Lines = append(who.Lines, report.Line{Code: codePictures(k, p.Code), Text: k.groupWho(p) + " — " + tests, Sub: modules})
	}
	if len(s.Participants) == 0 {
		who.Lines = append(who.Lines, report.Line{Text: k.cat.T("group.nobody")})
	}
	work := report.Section{Heading: k.cat.T("group.to_work")}
	for _, l := range k.groupToWork(s) {
		work.Lines = append(work.Lines, report.Line{Text: l})
	}
	if len(work.Lines) == 0 {
		work.Lines = append(work.Lines, report.Line{Text: k.cat.T("group.nothing_to_work")})
	}
	d.Sections = []report.Section{who, work}
	return report.Build(d)
}

// codePictures are a picture code's pictograms, for a PDF.
func codePictures(k *Kiosk, code string) []sheet.Picture {
	var out []sheet.Picture
	for _, name := range learners.SplitCode(code) {
		out = append(out, sheet.Picture{Name: k.cat.T("visit.code." + name), SVG: assets.CodePicture(name)})
	}
	return out
}

// siteName is the site's name shown on sheets and summaries: the one the
// device settings give, else the server's.
func (k *Kiosk) siteName() string {
	if k.device.Site != "" {
		return k.device.Site
	}
	return k.cfg.Site
}

// relayout lays a screen out again once it has its size: a word-wrapped
// label knows how many lines it needs only after a first layout, and the
// box holding it would otherwise keep one line for it (seen as text drawn
// over the buttons under it).
func relayout(o fyne.CanvasObject) { o.Refresh() }
