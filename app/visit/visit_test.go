package visit_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/visit"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestNoFyne keeps the visit model free of the UI toolkit: screens depend
// on it, never the other way round.
func TestNoFyne(t *testing.T) {
	for _, pkg := range []string{"../visit", "../learners"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "fyne.io/") {
				t.Errorf("%s imports %s", pkg, dep)
			}
		}
	}
}

// fakeDiag answers a fixed number of items, all in one domain, with a
// result whose theta is the share of right answers.
type fakeDiag struct {
	n, asked, right int
	theta, se       float64
}

func (d *fakeDiag) Next() (string, bool) {
	if d.asked >= d.n {
		return "", false
	}
	d.asked++
	return "it" + string(rune('0'+d.asked)), true
}
func (d *fakeDiag) Record(_ string, o assessment.Outcome) error {
	if o == assessment.Correct {
		d.right++
	}
	return nil
}
func (d *fakeDiag) Results() []assessment.DomainResult {
	return []assessment.DomainResult{{Domain: "equipement", Band: d.right, Theta: d.theta, SE: d.se, Items: d.asked},
		{Domain: "web"}}
}
func (d *fakeDiag) MarshalState() ([]byte, error) { return json.Marshal(d.asked) }

func openJournal(t *testing.T) *journal.Journal {
	t.Helper()
	j, err := journal.Open(context.Background(), filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func TestVisitRemembers(t *testing.T) {
	ctx := context.Background()
	j := openJournal(t)
	cfg := visit.Config{Journal: j, Seed: 7, Pack: "p", PackVersion: "1", Defaults: visit.Settings{Language: "fr", Volume: 1}}
	v := visit.New(cfg)
	if err := v.StartDiagnostic(ctx, &fakeDiag{n: 3, theta: -1, se: 0.3}, 1); err != nil {
		t.Fatal(err)
	}
	if visit.LoadInterrupted(ctx, j) == nil {
		t.Fatal("the diagnostic in progress is not saved")
	}
	for i := range 3 {
		id, _ := v.Session().Diag.Next()
		o := assessment.Incorrect
		if i == 0 {
			o = assessment.Correct
		}
		if err := v.Answer(ctx, visit.Item{ID: id, Domain: "equipement"}, o, assessment.Response{Choices: []int{1}}, time.Second, []int{1, 0}); err != nil {
			t.Fatal(err)
		}
	}
	f, err := v.Finish(ctx, false)
	if err != nil || f.Before != nil || f.Answered != 3 {
		t.Fatalf("first finish: %+v %v", f, err)
	}
	if visit.LoadInterrupted(ctx, j) != nil {
		t.Fatal("a finished diagnostic is still offered")
	}
	code, err := v.KeepCode(ctx, rand.New(rand.NewPCG(1, 2)))
	if err != nil || len(learners.SplitCode(code)) != learners.CodeLength {
		t.Fatalf("code %q %v", code, err)
	}

	// A new visitor: nothing of the first one.
	v2 := visit.New(cfg)
	if v2.LearnerID() != "" || v2.Code() != "" || len(v2.History()) != 0 {
		t.Fatal("a new visit knows the previous visitor")
	}
	if err := v2.Identify(ctx, "soleil-soleil-soleil-soleil"); err != visit.ErrWrongCode && code != "soleil-soleil-soleil-soleil" {
		t.Fatalf("wrong code: %v", err)
	}
	if err := v2.Identify(ctx, code); err != nil {
		t.Fatal(err)
	}
	if v2.LearnerID() != v.LearnerID() || len(v2.History()) != 1 {
		t.Fatalf("came back as %s with %d diagnostics", v2.LearnerID(), len(v2.History()))
	}
	if err := v2.StartDiagnostic(ctx, &fakeDiag{n: 2, theta: 1.5, se: 0.3}, 1); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		id, _ := v2.Session().Diag.Next()
		if err := v2.Answer(ctx, visit.Item{ID: id, Domain: "equipement"}, assessment.Correct, assessment.Response{}, 0, nil); err != nil {
			t.Fatal(err)
		}
	}
	f, err = v2.Finish(ctx, false)
	if err != nil || f.Before == nil || f.Evolution["equipement"] != assessment.Up {
		t.Fatalf("retake: %+v %v", f, err)
	}
	if _, ok := f.Evolution["web"]; ok {
		t.Error("a domain not answered got an evolution")
	}
	book, err := learners.Load(ctx, j, j.DeviceID())
	if err != nil {
		t.Fatal(err)
	}
	ls := book.List()
	if len(ls) != 1 || len(ls[0].Diagnostics) != 2 || ls[0].Code != code {
		t.Fatalf("book: %+v", ls)
	}
	last := ls[0].Diagnostics[1]
	if last.Previous != ls[0].Diagnostics[0].SessionID || len(last.Evolution) != 1 || last.Evolution[0].Label != event.EvolutionUp {
		t.Fatalf("journaled evolution: %+v", last)
	}
}

func TestStopWithNoAnswerKeepsNoResult(t *testing.T) {
	ctx := context.Background()
	j := openJournal(t)
	v := visit.New(visit.Config{Journal: j})
	if err := v.StartDiagnostic(ctx, &fakeDiag{n: 3}, 1); err != nil {
		t.Fatal(err)
	}
	v.Session().Diag.Next() // one question shown, not answered
	f, err := v.Finish(ctx, true)
	if err != nil || f.Answered != 0 || !f.Stopped {
		t.Fatalf("%+v %v", f, err)
	}
	evs, _ := j.Events(ctx, journal.Filter{Type: event.TypeDiagnosticFinished})
	if len(evs) != 0 {
		t.Fatalf("a diagnostic with no answer journaled a result: %s", evs[0].Payload)
	}
}

func TestCodesAreNeverGivenTwice(t *testing.T) {
	ctx := context.Background()
	j := openJournal(t)
	seen := map[string]bool{}
	// The same seed every time: each draw meets the codes already given.
	for range 40 {
		v := visit.New(visit.Config{Journal: j})
		c, err := v.KeepCode(ctx, rand.New(rand.NewPCG(3, 3)))
		if err != nil {
			t.Fatal(err)
		}
		if seen[c] {
			t.Fatalf("code %s given twice", c)
		}
		seen[c] = true
	}
}

func TestPracticeTracesMastery(t *testing.T) {
	ctx := context.Background()
	j := openJournal(t)
	v := visit.New(visit.Config{Journal: j})
	p, err := v.StartModule(ctx, "souris", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Action(ctx, "pratique-clic", "click", "bouton", "", 10, 20); err != nil {
		t.Fatal(err)
	}
	mastered := 0
	for range 8 {
		_, m, err := p.Attempt(ctx, "pratique-clic", "eq-clic", assessment.Correct, 0, true, map[string]float64{"click_error_px": 3})
		if err != nil {
			t.Fatal(err)
		}
		if m {
			mastered++
		}
	}
	if mastered != 1 || p.Known("eq-clic") < assessment.MasteryThreshold {
		t.Fatalf("mastered %d times, known %.2f", mastered, p.Known("eq-clic"))
	}
	for typ, want := range map[string]int{event.TypeModuleStarted: 1, event.TypePracticeAction: 1, event.TypePracticeAttempt: 8, event.TypeModuleMastered: 1} {
		evs, _ := j.Events(ctx, journal.Filter{Type: typ})
		if len(evs) != want {
			t.Errorf("%s: %d events, want %d", typ, len(evs), want)
		}
	}
	book, _ := learners.Load(ctx, j, j.DeviceID())
	if l, _ := book.Learner(v.LearnerID()); len(l.Practised) != 1 || len(l.Mastered) != 1 {
		t.Errorf("book: %+v", l)
	}
}
