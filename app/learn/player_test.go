package learn_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/app/learn"
	"github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// host is a test kiosk: the real catalogue and pack pictures, a voice that
// writes down what it says.
type host struct {
	cat     *i18n.Catalogue
	pack    *content.Pack
	said    [][]string
	slower  bool
	touches int
}

func (h *host) T(key string, args ...string) string { return h.cat.T(key, args...) }
func (h *host) Say(texts ...string)                 { h.said = append(h.said, texts) }
func (h *host) Stop()                               {}
func (h *host) Slower() bool                        { return h.slower }
func (h *host) SetSlower(on bool)                   { h.slower = on }
func (h *host) Touched()                            { h.touches++ }
func (h *host) Resource(name string) fyne.Resource {
	if name == "" {
		return nil
	}
	b, err := h.pack.File(name)
	if err != nil {
		return nil
	}
	return fyne.NewStaticResource(name, b)
}

// lastSaid returns everything said last.
func (h *host) lastSaid() []string {
	if len(h.said) == 0 {
		return nil
	}
	return h.said[len(h.said)-1]
}

var testPack *content.Pack

func newHost(t testing.TB) *host {
	t.Helper()
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	if testPack == nil {
		p, err := content.Load(assets.DefaultPack())
		if err != nil {
			t.Fatal(err)
		}
		testPack = p
	}
	return &host{cat: cat, pack: testPack}
}

func openJournal(t testing.TB, path string) *journal.Journal {
	t.Helper()
	j, err := journal.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// start opens module id for learner in a 1024×768 test window.
func start(t *testing.T, h *host, j *journal.Journal, id, learner string, step int) (*learn.Player, fyne.Window) {
	t.Helper()
	m, ok := h.pack.Module(id)
	if !ok {
		t.Fatalf("no module %s", id)
	}
	run, err := progress.Start(context.Background(), progress.Options{Pack: h.pack, Module: m, LearnerID: learner, Store: j, Step: step})
	if err != nil {
		t.Fatal(err)
	}
	p := learn.NewPlayer(h, run, learn.Options{Seed: 7, Now: func() time.Time { return t0 }})
	w := test.NewWindow(p.View())
	w.Resize(fyne.NewSize(1024, 768))
	t.Cleanup(w.Close)
	return p, w
}

// answerRight gives the right answer to the question on screen, as a
// learner would: taps, typing, cards in order.
func answerRight(t *testing.T, q *learn.Question) {
	t.Helper()
	it := q.Item
	switch it.Kind {
	case content.KindSingle, content.KindMultiple:
		for i, c := range q.Choices {
			if it.Choices[q.ChoiceOrder[i]].Correct {
				test.Tap(c)
			}
		}
	case content.KindText:
		test.Type(q.Entry, it.Accept[0])
	case content.KindTap:
		z := it.Zones[0]
		q.Tap.TapAt(z.X+z.W/2, z.Y+z.H/2)
	case content.KindOrder:
		for _, s := range it.Steps {
			test.Tap(q.Cards[slices.Index(q.CardIDs, s.ID)])
		}
	case content.KindSort:
		for row, id := range q.CardIDs {
			for gi, g := range it.Groups {
				if slices.ContainsFunc(g.Members, func(m content.Step) bool { return m.ID == id }) {
					test.Tap(q.SortButtons[row][gi])
				}
			}
		}
	default:
		t.Fatalf("no way to answer a %s question", it.Kind)
	}
}

// answerWrong gives a wrong answer to a choice question.
func answerWrong(t *testing.T, q *learn.Question) {
	t.Helper()
	for i, c := range q.Choices {
		if !q.Item.Choices[q.ChoiceOrder[i]].Correct {
			test.Tap(c)
			return
		}
	}
	t.Fatal("no wrong choice")
}

// drive does the sandbox's gesture right, through its exported widgets. It
// reports false for a sandbox it has no driver for.
func drive(t *testing.T, w fyne.Window, it *content.Item, s sandbox.Sandbox) bool {
	t.Helper()
	abs := func(o fyne.CanvasObject) fyne.Position {
		return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	}
	mid := func(o fyne.CanvasObject) fyne.Position { return abs(o).AddXY(o.Size().Width/2, o.Size().Height/2) }
	switch d := s.(type) {
	case *sandbox.ClickDrill:
		for range max(1, it.Practice.Count) {
			test.TapAt(d.Pad, d.Target.Position().AddXY(d.Target.Size().Width/2, d.Target.Size().Height/2))
		}
	case *sandbox.DoubleClickDrill:
		c := d.Folder.Position().AddXY(d.Folder.Size().Width/2, d.Folder.Size().Height/2)
		test.TapAt(d.Pad, c)
		test.TapAt(d.Pad, c)
	case *sandbox.DragDrill:
		from, to := mid(d.Doc), mid(d.Bin)
		test.Drag(w.Canvas(), from, to.X-from.X, to.Y-from.Y)
	case *sandbox.ScrollDrill:
		for i := 0; i < 60 && abs(d.Goal).Y+d.Goal.Size().Height > abs(d.Scroll).Y+d.Scroll.Size().Height; i++ {
			test.Scroll(w.Canvas(), mid(d.Scroll), 0, -100)
		}
		test.Tap(d.Goal)
	case *sandbox.TypeDrill:
		test.Type(d.Entry, it.Accept[0])
		test.Tap(d.Validate)
	case *sandbox.Browser:
		for i, b := range d.Links {
			if !d.Ads[i] && slices.ContainsFunc(it.Practice.Links, func(l content.Link) bool { return l.Text == b.Text && l.URL == it.Practice.Goal }) {
				test.Tap(b)
				return true
			}
		}
		d.AddressBar.SetText("")
		test.Type(d.AddressBar, it.Practice.Goal)
		d.AddressBar.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	case *sandbox.Mailbox:
		mail := it.Practice.Mail
		test.Tap(d.Messages[0]) // the pack's message comes first
		switch mail.Action {
		case "report":
			test.Tap(d.Report)
		case "delete":
			test.Tap(d.Delete)
		case "reply", "attach":
			test.Tap(d.Reply)
			words := "Bonjour, merci."
			if len(mail.Reply) > 0 {
				words = mail.Reply[0]
			}
			test.Type(d.Body, words)
			if mail.Attach != "" {
				test.Tap(d.AttachButton)
				for _, f := range d.Files {
					if f.Text == mail.Attach {
						test.Tap(f)
					}
				}
			}
			test.Tap(d.Send)
		default:
			return false
		}
	case *sandbox.Files:
		if d.Folders[it.Practice.Goal] == nil && d.PlugUSB != nil {
			test.Tap(d.PlugUSB)
		}
		from, to := mid(d.Tiles[it.Practice.File]), mid(d.Folders[it.Practice.Goal])
		test.Drag(w.Canvas(), from, to.X-from.X, to.Y-from.Y)
	case *sandbox.Form:
		for _, f := range it.Practice.Fields {
			v := map[string]string{"email": "jean.martin@gmail.com", "date": "05/03/1970", "phone": "06 12 34 56 78",
				"number": "12", "password": "Soleil-Vert-2026"}[f.Format]
			if v == "" {
				v = "Martin"
			}
			if len(f.Accept) > 0 {
				v = f.Accept[0]
			}
			test.Type(d.Entries[f.ID], v)
		}
		test.Tap(d.Submit)
	default:
		return false
	}
	return true
}

// TestEveryModuleDrivenToCompletion plays every module of the default pack
// in a 1024×768 window with the real journal: text steps by Continuer,
// questions answered by taps and typing, drills by real gestures; then
// checks the module's events.
func TestEveryModuleDrivenToCompletion(t *testing.T) {
	test.NewTempApp(t)
	h := newHost(t)
	j := openJournal(t, filepath.Join(t.TempDir(), "journal.db"))
	defer j.Close()
	kinds := map[string]bool{}
	for i := range h.pack.Modules {
		m := &h.pack.Modules[i]
		t.Run(m.ID, func(t *testing.T) {
			learner := "L-" + m.ID
			p, w := start(t, h, j, m.ID, learner, 0)
			if got := h.said[len(h.said)-1]; got[0] != m.Title {
				t.Errorf("module opens saying %q, not its title", got)
			}
			practices, unavailable, hooked := 0, 0, 0
			for step := 0; p.End == nil; step++ {
				if step > 40 {
					t.Fatal("module does not end")
				}
				if c := w.Canvas().Size(); c.Width > 1024 || c.Height > 768 {
					t.Errorf("step %d needs %v, more than 1024×768", step, c)
				}
				if p.Dots.Index() != step {
					t.Fatalf("dots show step %d, want %d", p.Dots.Index(), step)
				}
				s := p.Run().Current()
				said := h.lastSaid()
				if it, ok := p.Run().Item(); ok {
					kinds[it.Kind] = true
					if !slices.Contains(said, it.SpokenText()) {
						t.Errorf("step %d: said %q, not the instruction", step, said)
					}
					switch {
					case p.Question != nil:
						if !p.Continue.Disabled() && p.Continue.Visible() {
							t.Errorf("step %d: Continuer offered before the answer", step)
						}
						answerRight(t, p.Question)
						test.Tap(p.Validate)
						practices++
					case p.Unavailable():
						unavailable++
					case drive(t, w, it, p.Sandbox):
						practices++
					default:
						// A sandbox that landed after this test was written:
						// end its attempt through the player's hook.
						p.SandboxDone(sandbox.Result{Success: true})
						practices++
						hooked++
					}
					if !p.Unavailable() && !strings.Contains(p.Feedback.Text, it.Feedback.Correct) {
						t.Errorf("step %d (%s %s): feedback %q, want the right-answer feedback", step, it.Kind, it.ID, p.Feedback.Text)
					}
				} else if !slices.Contains(said, s.SpokenText()) {
					t.Errorf("step %d: said %q, want %q", step, said, s.SpokenText())
				}
				if p.Continue.Disabled() || !p.Continue.Visible() {
					t.Fatalf("step %d: Continuer is not offered", step)
				}
				test.Tap(p.Continue)
			}
			if hooked > 0 {
				t.Logf("%d sandbox steps ended through Player.SandboxDone (no test driver yet)", hooked)
			}
			evs, err := j.Events(context.Background(), journal.Filter{LearnerID: learner})
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			for _, e := range evs {
				count[e.Type]++
			}
			if count[progress.TypeModuleStarted] != 1 || count[progress.TypeModuleCompleted] != 1 ||
				count[progress.TypeStepDone] != len(m.Flow()) || count[progress.TypePracticeAnswered] != practices {
				t.Errorf("events %v: want 1 start, 1 completion, %d steps, %d answers", count, len(m.Flow()), practices)
			}
			if evs[len(evs)-1].Type != progress.TypeModuleCompleted {
				t.Errorf("last event %s", evs[len(evs)-1].Type)
			}
			var done progress.ModuleCompleted
			if err := json.Unmarshal(evs[len(evs)-1].Payload, &done); err != nil || done.Practices != practices || done.FirstTry != practices {
				t.Errorf("module.completed %s, want %d practices all right first", evs[len(evs)-1].Payload, practices)
			}
			if _, ok, _ := progress.Interrupted(context.Background(), j, learner); ok {
				t.Error("a completed module is offered for resuming")
			}
			if p.End.Retake.Visible() {
				t.Error("Refaire le test offered without a way to retake it")
			}
			if unavailable > 0 {
				t.Logf("%d practice steps unavailable (sandbox not built yet)", unavailable)
			}
		})
	}
	for _, k := range []string{content.KindSingle, content.KindMultiple, content.KindText, content.KindTap, content.KindOrder, content.KindSort,
		content.KindGestureClick, content.KindGestureDoubleClick, content.KindGestureDrag, content.KindGestureScroll, content.KindGestureType,
		content.KindSandboxBrowser, content.KindSandboxMail, content.KindSandboxForm, content.KindSandboxFiles} {
		if !kinds[k] {
			t.Errorf("no module step of kind %s was played", k)
		}
	}
}

// TestMissesGiveRetryHintThenSolution: a wrong answer is met kindly with
// Réessayer, the second with the hint, the third with the solution shown
// and said; a challenge gives no hint.
func TestMissesGiveRetryHintThenSolution(t *testing.T) {
	test.NewTempApp(t)
	h := newHost(t)
	j := openJournal(t, filepath.Join(t.TempDir(), "journal.db"))
	defer j.Close()
	m, _ := h.pack.Module("la-souris")
	step := -1
	for i, s := range m.Flow() {
		if it, ok := h.pack.Item(s.Practice); ok && it.Kind == content.KindSingle && s.Kind == content.GrainPractise {
			step = i
			break
		}
	}
	p, _ := start(t, h, j, "la-souris", "L-miss", step)
	it, _ := p.Run().Item()
	for miss := 1; miss <= 3; miss++ {
		answerWrong(t, p.Question)
		test.Tap(p.Validate)
		said := h.lastSaid()
		switch miss {
		case 1:
			if !p.Retry.Visible() || !p.Continue.Disabled() || !slices.Contains(said, it.Feedback.Incorrect) {
				t.Errorf("1st miss: Réessayer %v, said %q", p.Retry.Visible(), said)
			}
			for _, w := range []string{"faux", "erreur"} {
				if strings.Contains(strings.ToLower(p.Feedback.Text), w) {
					t.Errorf("feedback says %q", w)
				}
			}
		case 2:
			if !strings.Contains(p.Feedback.Text, it.Hint) || !slices.Contains(said, it.Hint) {
				t.Errorf("2nd miss: hint not shown and said: %q / %q", p.Feedback.Text, said)
			}
		case 3:
			var right string
			for _, c := range it.Choices {
				if c.Correct {
					right = c.Text
				}
			}
			if p.Retry.Visible() || p.Continue.Disabled() || !strings.Contains(p.Feedback.Text, right) || !slices.Contains(said, right) {
				t.Errorf("3rd miss: solution %q not shown and said (%q, %q)", right, p.Feedback.Text, said)
			}
		}
		if miss < 3 {
			test.Tap(p.Retry)
			if p.Validate.Hidden || p.Feedback.Text != "" {
				t.Errorf("Réessayer does not open a new attempt")
			}
		}
	}
	test.Tap(p.Continue)
	evs, _ := j.Events(context.Background(), journal.Filter{LearnerID: "L-miss", Type: progress.TypeStepDone})
	var sd progress.StepDone
	if len(evs) != 1 || json.Unmarshal(evs[0].Payload, &sd) != nil || sd.Outcome != progress.OutcomeSolution || sd.Attempts != 3 {
		t.Errorf("step.done %+v", sd)
	}

	// In the challenge, the 2nd miss gives no hint.
	challenge, mod := -1, ""
	for _, cm := range h.pack.Modules {
		for i, s := range cm.Flow() {
			if it, ok := h.pack.Item(s.Practice); ok && s.Kind == content.GrainChallenge && it.Kind == content.KindSingle && challenge < 0 {
				challenge, mod = i, cm.ID
			}
		}
	}
	p, _ = start(t, h, j, mod, "L-challenge", challenge)
	it, _ = p.Run().Item()
	for range 2 {
		answerWrong(t, p.Question)
		test.Tap(p.Validate)
		test.Tap(p.Retry)
	}
	for _, said := range h.said {
		if slices.Contains(said, it.Hint) {
			t.Errorf("the challenge said its hint %q", it.Hint)
		}
	}
}

// TestKilledKioskResumesModuleAtItsStep: the kiosk is killed during a
// module; the next start finds it in the journal and the player opens at
// the same step.
func TestKilledKioskResumesModuleAtItsStep(t *testing.T) {
	test.NewTempApp(t)
	h := newHost(t)
	path := filepath.Join(t.TempDir(), "journal.db")
	j := openJournal(t, path)
	p, _ := start(t, h, j, "le-navigateur", "L-kill", 0)
	for range 4 {
		test.Tap(p.Continue)
	}
	want := p.Run().Current().Text
	j.Close() // killed

	j = openJournal(t, path)
	defer j.Close()
	in, ok, err := progress.Interrupted(context.Background(), j, "L-kill")
	if err != nil || !ok || in.Module != "le-navigateur" || in.Step != 4 {
		t.Fatalf("interrupted %+v %v %v", in, ok, err)
	}
	p, _ = start(t, h, j, in.Module, "L-kill", in.Step)
	if p.Dots.Index() != 4 || p.Text.Text != want {
		t.Errorf("resumed at step %d %q, want 4 %q", p.Dots.Index(), p.Text.Text, want)
	}
	test.Tap(p.Back)
	if p.Dots.Index() != 3 {
		t.Errorf("Revenir went to %d", p.Dots.Index())
	}
}

func TestGridOpensModulesByDomain(t *testing.T) {
	test.NewTempApp(t)
	h := newHost(t)
	g := learn.NewGrid(h, h.pack, "")
	w := test.NewWindow(g.View())
	w.Resize(fyne.NewSize(1024, 768))
	defer w.Close()
	if len(g.Domains) != 5 || g.Domain() != "equipement" || len(g.Modules) == 0 {
		t.Fatalf("grid shows %d domains, %s with %d modules", len(g.Domains), g.Domain(), len(g.Modules))
	}
	if h.lastSaid()[0] != h.T("say.learn.grid") {
		t.Errorf("grid says %q", h.lastSaid())
	}
	// Every domain's every module can be reached, through "Autres
	// modules" when they do not all fit, and every page fits 1024×768.
	paged := false
	for i, d := range g.DomainIDs {
		test.Tap(g.Domains[i])
		var seen []string
		for page := 0; ; page++ {
			if s := g.View().MinSize(); s.Width > 1024 || s.Height > 768 {
				t.Errorf("%s page %d needs %v, more than 1024×768", d, page, s)
			}
			if len(g.Modules) > learn.PerPage {
				t.Errorf("%s page %d shows %d modules", d, page, len(g.Modules))
			}
			seen = append(seen, g.ModuleIDs...)
			if g.More == nil {
				break
			}
			paged = true
			test.Tap(g.More)
			if g.Page() == 0 {
				break // back to the first page
			}
		}
		var want []string
		for _, m := range h.pack.DomainModules(d) {
			want = append(want, m.ID)
		}
		if !slices.Equal(seen, want) {
			t.Errorf("%s: the pages show %v, want %v", d, seen, want)
		}
	}
	if !paged {
		t.Log("no domain has more than learn.PerPage modules: paging not exercised")
	}
	test.Tap(g.Domains[0])
	var opened *content.Module
	g.OnOpen = func(m *content.Module) { opened = m }
	test.Tap(g.Domains[slices.Index(g.DomainIDs, "demarches")])
	test.Tap(g.Modules[0])
	if opened == nil || opened.Domain != "demarches" {
		t.Errorf("opened %v", opened)
	}
	if s := g.View().MinSize(); s.Width > 1024 || s.Height > 768 {
		t.Errorf("grid needs %v, more than 1024×768", s)
	}
}
