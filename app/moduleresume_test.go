package app_test

import (
	"context"
	"encoding/json"
	"fyne.io/fyne/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/learn"
	"github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestAnonymousModuleResumedAfterKill: an anonymous visitor (no picture
// code) plays a module; the kiosk is killed at its 4th step (the journal
// closed as the process dies, reopened by a new kiosk). The welcome screen
// offers "Reprendre mon module", says so, and the module opens at the step
// reached, under the same learner; then it plays to its end and is no
// longer offered. Another visitor's offer expires after ResumeWithin, and
// a visitor who leaves (the visit ends) is not followed by an offer.
func TestAnonymousModuleResumedAfterKill(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "journal.db")
	open := func() *journal.Journal {
		j, err := journal.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	kiosk := func() *app.Kiosk {
		k := app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Now: clock})
		k.Show(f.w)
		return k
	}
	f.j = open()
	f.k = kiosk()
	if f.k.Welcome.Resume.Visible() {
		t.Fatal("resume offered with nothing to resume")
	}
	test.Tap(f.k.Welcome.Learn)
	g := f.k.LearnGrid
	test.Tap(g.Modules[slices.Index(g.ModuleIDs, "la-souris")])
	p := f.k.Learn
	for range 3 {
		test.Tap(p.Continue) // the discovery and two lesson steps
	}
	learner := f.k.Visit().LearnerID()
	if learner == "" || f.k.Visit().Code() != "" || p.Run().Index() != 3 {
		t.Fatalf("learner %q code %q step %d: want an anonymous learner at step 3", learner, f.k.Visit().Code(), p.Run().Index())
	}

	// Killed: nothing more is written; the journal is closed as the
	// process dies and a new kiosk reopens it.
	if err := f.j.Close(); err != nil {
		t.Fatal(err)
	}
	now = now.Add(4 * time.Minute)
	f.j = open()
	defer f.j.Close()
	f.voice.reset()
	f.k = kiosk()
	if !f.k.Welcome.Resume.Visible() {
		t.Fatal("the anonymous visitor's module is not offered after the kill")
	}
	keepShot(t, f, "welcome-resume-module")
	// Three rows of buttons at 768 px: Commencer covered the wrapped
	// subtitle once.
	drv := fyne.CurrentApp().Driver()
	w := f.k.Welcome
	if sub, start := drv.AbsolutePositionForObject(w.Subtitle).Y+w.Subtitle.MinSize().Height, drv.AbsolutePositionForObject(w.Start).Y; sub > start {
		t.Errorf("the subtitle ends at y=%.0f, under Commencer starting at y=%.0f", sub, start)
	}
	if said := f.voice.last(); said != f.cat.T("say.learn.resume") {
		t.Errorf("welcome said %q, want the module resume offer", said)
	}
	test.Tap(f.k.Welcome.Resume)
	p = f.k.Learn
	if p == nil || p.Run().Module().ID != "la-souris" {
		t.Fatal("Reprendre did not open the module")
	}
	if p.Run().Index() != 3 || f.k.Visit().LearnerID() != learner || p.Run().LearnerID() != learner {
		t.Fatalf("resumed at step %d for learner %q, want step 3 for %q", p.Run().Index(), p.Run().LearnerID(), learner)
	}
	finishModule(t, p)
	if done := events(t, f.j, progress.TypeModuleCompleted); len(done) != 1 || done[0].LearnerID != learner {
		t.Fatalf("module.completed %v, want one for the resumed learner", done)
	}
	steps := map[float64]bool{}
	for _, e := range events(t, f.j, progress.TypeStepDone) {
		if e.LearnerID != learner {
			t.Errorf("step.done under learner %s", e.LearnerID)
		}
		steps[payloadNumber(t, e, "step")] = true
	}
	if len(steps) != len(p.Run().Module().Flow()) {
		t.Errorf("steps done %v, want each of the %d steps once", steps, len(p.Run().Module().Flow()))
	}
	f.k = kiosk()
	if f.k.Welcome.Resume.Visible() {
		t.Error("a completed module offered for resuming")
	}

	// Another visitor's module, left when the kiosk stopped: not offered
	// after ResumeWithin.
	test.Tap(f.k.Welcome.Learn)
	g = f.k.LearnGrid
	test.Tap(g.Modules[slices.Index(g.ModuleIDs, "la-souris")])
	test.Tap(f.k.Learn.Continue)
	now = now.Add(app.ResumeWithin + time.Minute)
	f.k = kiosk()
	if f.k.Welcome.Resume.Visible() {
		t.Error("a module left more than ResumeWithin ago is offered")
	}

	// A visitor who leaves (the idle timeout ends the visit) is not
	// followed by an offer of their module.
	test.Tap(f.k.Welcome.Learn)
	g = f.k.LearnGrid
	test.Tap(g.Modules[slices.Index(g.ModuleIDs, "la-souris")])
	test.Tap(f.k.Learn.Continue)
	f.k.EndVisit()
	if f.k.Welcome.Resume.Visible() {
		t.Error("the module of the visitor who left is offered to the next one")
	}
	f.k = kiosk()
	if f.k.Welcome.Resume.Visible() {
		t.Error("after a restart, the module of the visitor who left is offered")
	}
}

// payloadNumber returns a number field of an event's payload.
func payloadNumber(t *testing.T, ev journal.Event, field string) float64 {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(ev.Payload, &m); err != nil {
		t.Fatal(err)
	}
	n, _ := m[field].(float64)
	return n
}

// finishModule plays the module on screen to its end: Continuer on text
// steps; each practice's attempt is ended as a success through the
// player's hook (app/learn's tests drive every practice by taps and drags).
func finishModule(t *testing.T, p *learn.Player) {
	t.Helper()
	for i := 0; p.End == nil; i++ {
		if i > 40 {
			t.Fatal("the module does not end")
		}
		if _, ok := p.Run().Item(); ok {
			p.SandboxDone(sandbox.Result{Success: true})
		}
		test.Tap(p.Continue)
	}
}
