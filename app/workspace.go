package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/export"
	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/skills"
	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// The mediator workspace: the learners this device has seen, a learner's
// page (levels, skills, visits, notes), the learners' spreadsheet and the
// erasure of a learner. Everything is read from the journal (through the
// learners and skills read models) and every change is a journal event.

// LearnersScreen lists the learners seen on this device, newest first.
type LearnersScreen struct {
	Search *widget.Entry
	// List shows Shown; selecting a row opens that learner's page.
	List   *widget.List
	Shown  []learners.Summary
	Export *widget.Button
	// Path makes a learning path for everyone on the device.
	Path *widget.Button
	Back *widget.Button
	// Message says what an export did.
	Message *widget.Label

	all   []learners.Summary
	table *skills.Table
	root  fyne.CanvasObject
}

// LearnerScreen is one learner's page for the mediator.
type LearnerScreen struct {
	ID       string
	Name     *widget.Entry
	SaveName *widget.Button
	// Same picks another learner of this device who is the same person;
	// Link journals it (learners.linked: both records become one, on the
	// server too once synced).
	Same *widget.Select
	Link *widget.Button
	// Levels holds one line per domain: the latest level and how sure.
	Levels []*widget.Label
	// Skills says, per skill of the framework, mastered / to work on / not
	// seen yet.
	Skills map[string]*widget.Label
	// Visits lists the diagnostics, with the evolution after a retake.
	Visits *widget.Label
	// Path says the learner's learning path; GivePath makes one.
	Path     *widget.Label
	GivePath *widget.Button
	Note     *widget.Entry
	AddNote  *widget.Button
	Notes    *widget.Label
	// PDF prints or saves the mediator's sheet of the learner; WithNotes
	// adds the notes to it (off unless ticked).
	PDF       *widget.Button
	WithNotes *widget.Check
	Erase     *widget.Button
	// ConfirmErase and CancelErase are shown once Erase was tapped, with
	// what will be erased.
	ConfirmErase *widget.Button
	CancelErase  *widget.Button
	EraseSummary *widget.Label
	Back         *widget.Button
	Message      *widget.Label

	confirm *fyne.Container
	root    fyne.CanvasObject
}

// mediatorSession names the mediator session opened with the PIN, so the
// events a mediator writes say which session wrote them.
func newMediatorSession() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "unknown"
	}
	return hex.EncodeToString(b)
}

// showLearners opens the list of learners.
func (k *Kiosk) showLearners() {
	ctx := context.Background()
	s := &LearnersScreen{Message: widget.NewLabel("")}
	s.Message.Wrapping = fyne.TextWrapWord
	all, err := k.roster().Summaries(ctx)
	if err != nil {
		slog.Error("read learners", "err", err)
		s.Message.SetText(k.cat.T("workspace.read_failed"))
	}
	s.all = all
	s.Shown = s.all
	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(k.cat.T("workspace.search"))
	s.Search.OnChanged = func(q string) { k.touch(); s.filter(q) }
	s.List = widget.NewList(func() int { return len(s.Shown) },
		func() fyne.CanvasObject { return newLearnerRow(k) },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*learnerRow).set(k, s.Shown[i]) })
	s.List.OnSelected = func(i widget.ListItemID) {
		if i >= 0 && i < len(s.Shown) {
			k.showLearner(s.Shown[i].ID)
		}
	}
	s.Export = widget.NewButtonWithIcon(k.cat.T("workspace.export"), theme.DocumentSaveIcon(), func() { k.exportLearners(s) })
	s.Path = widget.NewButtonWithIcon(k.cat.T("paths.for_all"), theme.ListIcon(), func() { k.showPathEditor("", "") })
	s.Back = widget.NewButtonWithIcon(k.cat.T("common.back"), theme.NavigateBackIcon(), k.showMediator)
	title := widget.NewLabelWithStyle(k.cat.T("workspace.learners", "n", strconv.Itoa(len(s.all))), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	// The buttons sit beside the search, not the title: on one line with
	// back and title they made the screen wider than 1024 (issue 17).
	top := container.NewVBox(container.NewBorder(nil, nil, s.Back, nil, title),
		container.NewBorder(nil, nil, nil, container.NewHBox(s.Path, s.Export), s.Search))
	s.root = container.NewPadded(container.NewBorder(top, s.Message, nil, nil, s.List))
	k.clearScreens()
	k.Learners = s
	k.setContent(s.root, "")
	k.win.Canvas().Focus(s.Search)
}

// filter keeps the learners whose name or picture code holds q.
func (s *LearnersScreen) filter(q string) {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		s.Shown = s.all
	} else {
		s.Shown = nil
		for _, l := range s.all {
			if strings.Contains(strings.ToLower(l.Name), q) || strings.Contains(strings.ToLower(l.Code), q) {
				s.Shown = append(s.Shown, l)
			}
		}
	}
	s.List.UnselectAll()
	s.List.Refresh()
}

// learnerRow is one line of the learners list: the picture code drawn
// small, the name, the last visit, a small level bar per domain.
type learnerRow struct {
	widget.BaseWidget
	code [4]*widget.Icon
	name *widget.Label
	when *widget.Label
	bars []*widgets.LevelBar
	line *fyne.Container
}

func newLearnerRow(k *Kiosk) *learnerRow {
	r := &learnerRow{name: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), when: widget.NewLabel("")}
	r.name.Truncation = fyne.TextTruncateEllipsis
	codes := container.NewHBox()
	for i := range r.code {
		r.code[i] = widget.NewIcon(nil)
		codes.Add(r.code[i])
	}
	bars := container.NewHBox()
	for range k.cfg.Pack.Domains {
		b := widgets.NewLevelBar(0)
		r.bars = append(r.bars, b)
		bars.Add(b)
	}
	r.line = container.NewBorder(nil, nil, codes, container.NewHBox(r.when, bars), r.name)
	r.ExtendBaseWidget(r)
	return r
}

func (r *learnerRow) set(k *Kiosk, l learners.Summary) {
	parts := learners.SplitCode(l.Code)
	for i, ic := range r.code {
		if i < len(parts) {
			ic.SetResource(codeResource(parts[i]))
		} else {
			ic.SetResource(nil)
		}
	}
	name := l.Name
	if name == "" {
		name = k.cat.T("workspace.no_name")
	}
	r.name.SetText(name)
	r.when.SetText(l.LastVisit.Local().Format("02/01/2006"))
	for i, d := range k.cfg.Pack.Domains {
		r.bars[i].Band = l.Levels[d.ID] // 0 when not tested
		r.bars[i].Refresh()
	}
	// Laid out again: the row was laid out for the template's empty date,
	// and the bars were drawn over the real one.
	r.line.Refresh()
}

func (r *learnerRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.line) }

// exportLearners writes the learners' spreadsheet to a folder the mediator
// picks (a USB stick), or to Config.Exports when it is set.
func (k *Kiosk) exportLearners(s *LearnersScreen) {
	write := func(dir string) {
		name := filepath.Join(dir, "tremplin-apprenants-"+k.now().Format("2006-01-02")+".csv")
		if err := k.writeLearnersCSV(name, s); err != nil {
			slog.Error("export learners", "err", err)
			s.Message.SetText(k.cat.T("workspace.export_failed", "err", err.Error()))
			return
		}
		s.Message.SetText(k.cat.T("workspace.exported", "path", name))
	}
	if k.cfg.Exports != "" {
		write(k.cfg.Exports)
		return
	}
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		write(u.Path())
	}, k.win)
	d.Resize(fyne.NewSize(900, 640))
	d.Show()
}

func (k *Kiosk) writeLearnersCSV(name string, s *LearnersScreen) (err error) {
	tmp := name + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if s.table == nil {
		// Read only for an export: every learner's evidence is most of a
		// large site's journal, the list does not need it.
		if s.table, err = k.roster().Skills(context.Background()); err != nil {
			return err
		}
	}
	if err := export.LearnersCSV(f, k.cfg.Pack, s.all, s.table, k.cat); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	// Complete or absent: a stick pulled out mid-write leaves no half file
	// under the real name.
	return os.Rename(tmp, name)
}

// showLearner opens one learner's page.
func (k *Kiosk) showLearner(id string) {
	ctx := context.Background()
	s := &LearnerScreen{ID: id, Message: widget.NewLabel(""), Skills: map[string]*widget.Label{}}
	s.Message.Wrapping = fyne.TextWrapWord
	l, ok, err := k.roster().Learner(ctx, id)
	if err != nil {
		slog.Error("read learner", "err", err)
	}
	if !ok {
		k.showLearners()
		return
	}
	ids := append([]string{l.ID}, l.Linked...)
	table, err := k.roster().Skills(ctx, ids...)
	if err != nil {
		slog.Error("read skills", "err", err)
		s.Message.SetText(k.cat.T("workspace.read_failed"))
		table = skills.NewTable()
	}

	s.Name = widget.NewEntry()
	s.Name.SetText(l.Name)
	s.Name.SetPlaceHolder(k.cat.T("workspace.name_hint"))
	s.Name.OnChanged = func(string) { k.touch() }
	s.SaveName = widget.NewButtonWithIcon(k.cat.T("workspace.save_name"), theme.DocumentSaveIcon(), func() { k.renameLearner(s) })

	levels := container.NewVBox()
	for _, d := range k.cfg.Pack.Domains {
		text := d.Title + " : " + k.cat.T("visit.not_tested")
		if r, ok := l.Latest(d.ID); ok {
			text = d.Title + " : " + k.cat.T(bandKey(r.Band)) + " " +
				k.cat.T("workspace.sure", "p", strconv.Itoa(int(r.BandProb*100+0.5)), "se", strconv.FormatFloat(r.SE, 'f', 2, 64))
		}
		lbl := widget.NewLabel(text)
		lbl.Wrapping = fyne.TextWrapWord
		s.Levels = append(s.Levels, lbl)
		levels.Add(lbl)
	}

	skillsBox := container.NewVBox()
	for _, d := range k.cfg.Pack.Domains {
		skillsBox.Add(widget.NewLabelWithStyle(d.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, c := range d.Competences {
			for _, sk := range c.Skills {
				st := table.Of(sk.ID, ids...)
				lbl := widget.NewLabel(sk.Title + " — " + k.cat.T(st.Key()))
				lbl.Wrapping = fyne.TextWrapWord
				switch st {
				case skills.Mastered:
					lbl.Importance = widget.SuccessImportance
				case skills.ToWork:
					lbl.Importance = widget.WarningImportance
				}
				s.Skills[sk.ID] = lbl
				skillsBox.Add(lbl)
			}
		}
	}

	var visits []string
	for _, d := range l.Diagnostics {
		line := k.cat.T("workspace.visit", "date", d.At.Local().Format("02/01/2006"), "n", strconv.Itoa(d.Items))
		var evo []string
		for _, e := range d.Evolution {
			if dom, ok := k.cfg.Pack.Domain(e.Domain); ok {
				evo = append(evo, dom.Title+" "+strings.ToLower(k.cat.T(evolutionKey(e.Label))))
			}
		}
		if len(evo) > 0 {
			line += " — " + strings.Join(evo, ", ")
		}
		visits = append(visits, line)
	}
	if len(l.Mastered) > 0 {
		visits = append(visits, k.cat.T("workspace.modules", "n", strconv.Itoa(len(l.Mastered))))
	}
	if len(visits) == 0 {
		visits = append(visits, k.cat.T("workspace.no_visit"))
	}
	s.Visits = widget.NewLabel(strings.Join(visits, "\n"))
	s.Visits.Wrapping = fyne.TextWrapWord

	s.Path = widget.NewLabel(k.cat.T("paths.no_path"))
	s.Path.Wrapping = fyne.TextWrapWord
	if p, ok := k.pathOf(ids...); ok {
		s.Path.SetText(k.pathSummary(p) + "\n" + k.pathProgress(p, ids...))
	}
	display := l.Name
	s.GivePath = widget.NewButtonWithIcon(k.cat.T("paths.give"), theme.ListIcon(), func() { k.showPathEditor(l.ID, display) })

	s.Notes = widget.NewLabel("")
	s.Notes.Wrapping = fyne.TextWrapWord
	k.loadNotes(ctx, s, ids)
	s.Note = widget.NewMultiLineEntry()
	s.Note.SetPlaceHolder(k.cat.T("workspace.note_hint"))
	s.Note.OnChanged = func(string) { k.touch() }
	s.Note.SetMinRowsVisible(2)
	s.AddNote = widget.NewButtonWithIcon(k.cat.T("workspace.add_note"), theme.ContentAddIcon(), func() { k.addNote(s, ids) })

	s.WithNotes = widget.NewCheck(k.cat.T("lsheet.with_notes"), func(bool) { k.touch() })
	s.PDF = widget.NewButtonWithIcon(k.cat.T("lsheet.pdf"), theme.DocumentPrintIcon(), func() { k.printLearner(s) })
	s.Erase = widget.NewButtonWithIcon(k.cat.T("workspace.erase"), theme.DeleteIcon(), func() { k.askErase(s, l) })
	s.Erase.Importance = widget.DangerImportance
	s.EraseSummary = widget.NewLabel("")
	s.EraseSummary.Wrapping = fyne.TextWrapWord
	s.ConfirmErase = widget.NewButtonWithIcon(k.cat.T("workspace.erase_confirm"), theme.DeleteIcon(), func() { k.eraseLearner(s) })
	s.ConfirmErase.Importance = widget.DangerImportance
	s.CancelErase = widget.NewButtonWithIcon(k.cat.T("common.cancel"), theme.CancelIcon(), func() { s.confirm.Hide() })
	s.confirm = container.NewVBox(s.EraseSummary, container.NewHBox(s.ConfirmErase, s.CancelErase))
	s.confirm.Hide()
	s.Back = widget.NewButtonWithIcon(k.cat.T("common.back"), theme.NavigateBackIcon(), k.showLearners)

	heading := func(key string) fyne.CanvasObject {
		l := widget.NewLabelWithStyle(k.cat.T(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	code := container.NewHBox()
	for _, p := range learners.SplitCode(l.Code) {
		ic := widget.NewIcon(codeResource(p))
		code.Add(ic)
	}
	others := k.linkChoices(l)
	labels := make([]string, 0, len(others))
	for _, o := range others {
		labels = append(labels, o.label)
	}
	s.Same = widget.NewSelect(labels, func(string) { k.touch() })
	s.Same.PlaceHolder = k.cat.T("workspace.same_hint")
	s.Link = widget.NewButtonWithIcon(k.cat.T("workspace.link"), theme.ContentAddIcon(), func() { k.linkLearner(s, others) })
	if len(others) == 0 {
		s.Same.Disable()
		s.Link.Disable()
	}
	left := container.NewVBox(
		code, s.Name, container.NewHBox(s.SaveName),
		heading("workspace.same"), container.NewBorder(nil, nil, nil, s.Link, s.Same),
		heading("workspace.levels"), levels,
		heading("workspace.visits"), s.Visits,
		heading("paths.heading"), s.Path, container.NewHBox(s.GivePath),
		heading("workspace.notes"), s.Notes, s.Note, container.NewHBox(s.AddNote),
		widget.NewSeparator(), container.NewHBox(s.Erase), s.confirm)
	s.confirm.Objects[1] = container.NewGridWithColumns(2, s.ConfirmErase, s.CancelErase)
	right := container.NewVBox(heading("workspace.skills"), skillsBox)
	title := widget.NewLabelWithStyle(k.cat.T("workspace.learner"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	// The sheet's button in the top bar and what it did under both
	// columns: in view without scrolling.
	s.root = container.NewPadded(container.NewBorder(container.NewBorder(nil, nil, s.Back, container.NewHBox(s.WithNotes, s.PDF), title), s.Message, nil, nil,
		container.NewGridWithColumns(2, container.NewVScroll(left), container.NewVScroll(right))))
	k.clearScreens()
	k.Learner = s
	k.setContent(s.root, "")
}

func (k *Kiosk) loadNotes(ctx context.Context, s *LearnerScreen, ids []string) {
	notes := k.notesOf(ctx, ids)
	if len(notes) == 0 {
		s.Notes.SetText(k.cat.T("workspace.no_note"))
		return
	}
	s.Notes.SetText(strings.Join(notes, "\n"))
}

func (k *Kiosk) renameLearner(s *LearnerScreen) {
	k.touch()
	name := strings.TrimSpace(s.Name.Text)
	if _, err := k.cfg.Journal.Append(context.Background(), event.TypeLearnerRenamed, s.ID,
		event.LearnerRenamed{Name: name, MediatorSession: k.mediatorSession}); err != nil {
		k.saveFailed(err, s.Message.SetText)
		return
	}
	s.Message.SetText(k.cat.T("workspace.saved"))
}

// linkChoice is another learner a mediator may say is the same person.
type linkChoice struct{ id, label string }

// linkChoices lists the device's other learners, most recently seen first,
// each named by name or picture code and last visit.
func (k *Kiosk) linkChoices(l learners.Learner) []linkChoice {
	all, err := k.roster().Summaries(context.Background())
	if err != nil {
		slog.Error("list learners to link", "err", err)
		return nil
	}
	skip := map[string]bool{l.ID: true}
	for _, id := range l.Linked {
		skip[id] = true
	}
	var out []linkChoice
	for _, o := range all {
		if skip[o.ID] {
			continue
		}
		name := o.Name
		if name == "" {
			name = strings.Join(learners.SplitCode(o.Code), " ")
		}
		if name == "" {
			name = k.cat.T("workspace.no_name")
		}
		out = append(out, linkChoice{id: o.ID, label: fmt.Sprintf("%s — %s", name, o.LastVisit.Local().Format("02/01/2006"))})
	}
	return out
}

// linkLearner journals that the learner on the page and the one picked are
// the same person, then shows the joined record.
func (k *Kiosk) linkLearner(s *LearnerScreen, others []linkChoice) {
	k.touch()
	i := s.Same.SelectedIndex()
	if i < 0 || i >= len(others) {
		s.Message.SetText(k.cat.T("workspace.same_pick"))
		return
	}
	if _, err := k.cfg.Journal.Append(context.Background(), event.TypeLearnersLinked, s.ID,
		event.LearnersLinked{Linked: []string{others[i].id}}); err != nil {
		k.saveFailed(err, s.Message.SetText)
		return
	}
	k.showLearner(s.ID)
	if k.Learner != nil {
		k.Learner.Message.SetText(k.cat.T("workspace.linked", "who", others[i].label))
	}
}

func (k *Kiosk) addNote(s *LearnerScreen, ids []string) {
	k.touch()
	text := strings.TrimSpace(s.Note.Text)
	if text == "" {
		return
	}
	if _, err := k.cfg.Journal.Append(context.Background(), event.TypeLearnerNoted, s.ID,
		event.LearnerNoted{Text: text, MediatorSession: k.mediatorSession}); err != nil {
		k.saveFailed(err, s.Message.SetText)
		return
	}
	s.Note.SetText("")
	k.loadNotes(context.Background(), s, ids)
}

// askErase shows what erasing the learner removes, before anything is.
func (k *Kiosk) askErase(s *LearnerScreen, l learners.Learner) {
	k.touch()
	answers, notes := 0, 0
	ctx := context.Background()
	for _, id := range append([]string{l.ID}, l.Linked...) {
		_ = k.cfg.Journal.Each(ctx, journal.Filter{LearnerID: id}, func(ev journal.Event) error {
			switch ev.Type {
			case event.TypeAnswerRecorded, event.TypePracticeAttempt:
				answers++
			case event.TypeLearnerNoted:
				notes++
			}
			return nil
		})
	}
	name := l.Name
	if name == "" {
		name = k.cat.T("workspace.no_name")
	}
	s.EraseSummary.SetText(k.cat.T("workspace.erase_summary", "name", name, "tests", strconv.Itoa(len(l.Diagnostics)),
		"answers", strconv.Itoa(answers), "notes", strconv.Itoa(notes)))
	s.confirm.Show()
}

// eraseLearner erases the learner (and those linked to them) for good on
// this device; the erasure syncs to the server and the site's devices.
func (k *Kiosk) eraseLearner(s *LearnerScreen) {
	k.touch()
	ids := []string{s.ID}
	if l, ok, err := k.roster().Learner(context.Background(), s.ID); err == nil && ok {
		ids = append(ids, l.Linked...)
	}
	for _, id := range ids {
		if err := k.cfg.Mediator.Erase(context.Background(), id, "mediator:"+k.mediatorSession); err != nil {
			slog.Error("erase learner", "err", err)
			s.Message.SetText(k.cat.T("workspace.erase_failed"))
			return
		}
	}
	k.showLearners()
	k.Learners.Message.SetText(k.cat.T("workspace.erased"))
}
