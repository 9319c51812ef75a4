package progress_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func pack(t testing.TB) *content.Pack {
	t.Helper()
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func openJournal(t testing.TB, path string) *journal.Journal {
	t.Helper()
	j, err := journal.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func types(t testing.TB, j *journal.Journal, learner string) []string {
	t.Helper()
	evs, err := j.Events(context.Background(), journal.Filter{LearnerID: learner})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

// clock is a test clock that moves 2 seconds at each reading.
func clock() func() time.Time {
	t := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(2 * time.Second); return t }
}

func TestRunThroughModuleJournalsEveryStep(t *testing.T) {
	ctx := context.Background()
	p := pack(t)
	m, _ := p.Module("la-souris")
	j := openJournal(t, filepath.Join(t.TempDir(), "j.db"))
	defer j.Close()
	priors := map[string]float64{"equipement.souris.reconnaitre": 0.6} // as after a diagnostic
	r, err := progress.Start(ctx, progress.Options{Pack: p, Module: m, LearnerID: "L1", Store: j, Now: clock(), Priors: priors})
	if err != nil {
		t.Fatal(err)
	}
	answers := 0
	for !r.Done() {
		if _, ok := r.Item(); ok {
			if r.CanContinue(false) {
				t.Fatal("Continuer allowed before the practice ended")
			}
			v, err := r.Answer(ctx, true, "ok", nil)
			if err != nil || v != progress.Right {
				t.Fatalf("answer: %v %v", v, err)
			}
			answers++
		}
		if _, err := r.Next(ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	got := types(t, j, "L1")
	if got[0] != progress.TypeModuleStarted || got[len(got)-1] != progress.TypeModuleCompleted {
		t.Errorf("events %v", got)
	}
	count := map[string]int{}
	for _, g := range got {
		count[g]++
	}
	if count[progress.TypeStepDone] != len(m.Flow()) || count[progress.TypePracticeAnswered] != answers {
		t.Errorf("counts %v, want %d steps and %d answers", count, len(m.Flow()), answers)
	}
	// Right first answers from a 0.6 prior pass the mastery threshold,
	// journaled once.
	if count[progress.TypeModuleMastered] == 0 || len(r.Mastered()) == 0 {
		t.Errorf("no skill mastered after %d right answers: %v", answers, r.Known())
	}
	if _, err := r.Next(ctx, false); err != progress.ErrDone {
		t.Errorf("Next after the end: %v, want ErrDone", err)
	}
}

func TestRetryHintSolution(t *testing.T) {
	ctx := context.Background()
	p := pack(t)
	m, _ := p.Module("la-souris")
	j := openJournal(t, filepath.Join(t.TempDir(), "j.db"))
	defer j.Close()
	flow := m.Flow()
	first, challenge := -1, -1
	for i, s := range flow {
		if s.IsPractice() && first < 0 {
			first = i
		}
		if s.Kind == content.GrainChallenge && challenge < 0 {
			challenge = i
		}
	}
	for _, c := range []struct {
		step int
		want []progress.Verdict
	}{
		{first, []progress.Verdict{progress.Retry, progress.RetryWithHint, progress.Solution}},
		{challenge, []progress.Verdict{progress.Retry, progress.Retry, progress.Solution}}, // no hint in a challenge
	} {
		r, err := progress.Start(ctx, progress.Options{Pack: p, Module: m, LearnerID: "L2", Store: j, Step: c.step})
		if err != nil {
			t.Fatal(err)
		}
		skill := r.Current().Practice
		it, _ := p.Item(skill)
		before := r.Mastery().Known(it.Skill)
		for i, want := range c.want {
			v, err := r.Answer(ctx, false, nil, map[string]float64{"click_error_px": 12})
			if err != nil || v != want {
				t.Errorf("step %d miss %d: verdict %v (%v), want %v", c.step, i+1, v, err, want)
			}
			r.Retry()
		}
		after := r.Mastery().Known(it.Skill)
		if !(after < before+assessment.DefaultBKT().Learn) || after == before {
			t.Errorf("3 misses moved %s from %.3f to %.3f: only the first counts", it.Skill, before, after)
		}
		if !r.CanContinue(false) {
			t.Error("Continuer refused after the solution")
		}
		if _, err := r.Next(ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	evs, _ := j.Events(ctx, journal.Filter{LearnerID: "L2", Type: progress.TypeStepDone})
	var sd progress.StepDone
	_ = json.Unmarshal(evs[0].Payload, &sd)
	if sd.Outcome != progress.OutcomeSolution || sd.Attempts != 3 {
		t.Errorf("step.done %+v, want outcome solution after 3 attempts", sd)
	}
}

// TestKilledRunResumesAtItsStep: a kiosk killed in the middle of a module
// (the journal closed without module.completed) finds the module and the
// step to resume at, and the skills' estimates, in the journal.
func TestKilledRunResumesAtItsStep(t *testing.T) {
	ctx := context.Background()
	p := pack(t)
	m, _ := p.Module("le-clavier")
	path := filepath.Join(t.TempDir(), "j.db")
	j := openJournal(t, path)
	r, err := progress.Start(ctx, progress.Options{Pack: p, Module: m, LearnerID: "L3", Store: j})
	if err != nil {
		t.Fatal(err)
	}
	for r.Index() < 7 {
		if _, ok := r.Item(); ok {
			if _, err := r.Answer(ctx, true, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := r.Next(ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	r.Back() // going back is not where a resume starts
	known := r.Known()
	j.Close() // the kiosk is killed

	j = openJournal(t, path)
	defer j.Close()
	in, ok, err := progress.Interrupted(ctx, j, "L3")
	if err != nil || !ok || in.Module != "le-clavier" || in.Step != 7 {
		t.Fatalf("interrupted %+v %v %v, want le-clavier at step 7", in, ok, err)
	}
	priors, err := progress.KnownFrom(ctx, j, "L3")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := progress.Start(ctx, progress.Options{Pack: p, Module: m, LearnerID: "L3", Store: j, Step: in.Step, Priors: priors})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Index() != 7 {
		t.Errorf("resumed at %d, want 7", r2.Index())
	}
	for s, k := range known {
		if got := r2.Known()[s]; got != k {
			t.Errorf("skill %s known %.3f after resume, was %.3f", s, got, k)
		}
	}
	for !r2.Done() {
		if _, ok := r2.Item(); ok {
			if _, err := r2.Answer(ctx, true, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := r2.Next(ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, _ := progress.Interrupted(ctx, j, "L3"); ok {
		t.Error("a completed module is still offered for resuming")
	}
	evs, _ := j.Events(ctx, journal.Filter{LearnerID: "L3", Type: progress.TypeModuleStarted})
	var st progress.ModuleStarted
	if len(evs) != 2 || json.Unmarshal(evs[1].Payload, &st) != nil || !st.Resumed || st.Step != 7 {
		t.Errorf("module.started on resume: %s", evs[len(evs)-1].Payload)
	}
}

func TestUnavailablePracticeCanBeSkipped(t *testing.T) {
	ctx := context.Background()
	p := pack(t)
	m, _ := p.Module("la-souris")
	j := openJournal(t, filepath.Join(t.TempDir(), "j.db"))
	defer j.Close()
	step := 0
	for i, s := range m.Flow() {
		if s.IsPractice() {
			step = i
			break
		}
	}
	r, _ := progress.Start(ctx, progress.Options{Pack: p, Module: m, LearnerID: "L4", Store: j, Step: step})
	if _, err := r.Next(ctx, false); err == nil {
		t.Error("Next left an unfinished practice")
	}
	if !r.CanContinue(true) {
		t.Fatal("an unavailable practice blocks the module")
	}
	if _, err := r.Next(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := r.Action(ctx, progress.PracticeAction{Kind: "click", X: 3, Y: 4}); err != nil {
		t.Fatal(err)
	}
}

// fakeTracker stands for the visit's practice.
type fakeTracker struct {
	attempts []string
	actions  int
	known    map[string]float64
}

func (f *fakeTracker) Action(_ context.Context, item, kind, target, value string, x, y float64) error {
	f.actions++
	return nil
}

func (f *fakeTracker) Attempt(_ context.Context, item, skill string, o assessment.Outcome, hints int, evidence bool, _ map[string]float64) (float64, bool, error) {
	f.attempts = append(f.attempts, item+":"+o.String()+":"+strconv.Itoa(hints)+":"+strconv.FormatBool(evidence))
	f.known[skill] = 0.97
	return 0.97, true, nil
}

func (f *fakeTracker) Known(skill string) float64 { return f.known[skill] }

func TestTrackerTakesThePractice(t *testing.T) {
	ctx := context.Background()
	p := pack(t)
	m, _ := p.Module("la-souris")
	j := openJournal(t, filepath.Join(t.TempDir(), "j.db"))
	defer j.Close()
	tr := &fakeTracker{known: map[string]float64{}}
	r, err := progress.Start(ctx, progress.Options{Pack: p, Module: m, LearnerID: "L5", Store: j, Tracker: tr})
	if err != nil {
		t.Fatal(err)
	}
	first := true
	for !r.Done() {
		if _, ok := r.Item(); ok {
			if first { // miss twice, then right: the 3rd attempt comes after the hint
				for range 2 {
					if _, err := r.Answer(ctx, false, nil, nil); err != nil {
						t.Fatal(err)
					}
					r.Retry()
				}
				first = false
			}
			if _, err := r.Answer(ctx, true, nil, nil); err != nil {
				t.Fatal(err)
			}
			if err := r.Action(ctx, progress.PracticeAction{Kind: "click"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := r.Next(ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	if len(tr.attempts) < 3 || !strings.HasSuffix(tr.attempts[0], ":incorrect:0:true") || !strings.HasSuffix(tr.attempts[1], ":incorrect:0:false") ||
		!strings.HasSuffix(tr.attempts[2], ":correct:1:false") || tr.actions == 0 {
		t.Errorf("tracker got %v and %d actions", tr.attempts, tr.actions)
	}
	got := types(t, j, "L5")
	for _, typ := range got {
		if typ == progress.TypeModuleStarted || typ == progress.TypePracticeAnswered || typ == progress.TypePracticeAction {
			t.Errorf("the run journaled %s beside the tracker", typ)
		}
	}
	if got[len(got)-1] != progress.TypeModuleCompleted || len(r.Mastered()) == 0 {
		t.Errorf("events %v, mastered %v", got, r.Mastered())
	}
}
