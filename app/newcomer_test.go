package app_test

import (
	"encoding/json"
	"testing"
	"time"

	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/warmup"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func warmupEvents(t *testing.T, f *fixture) []event.WarmupFinished {
	t.Helper()
	var out []event.WarmupFinished
	for _, ev := range events(t, f.j, event.TypeWarmupFinished) {
		var w event.WarmupFinished
		if err := json.Unmarshal(ev.Payload, &w); err != nil {
			t.Fatal(err)
		}
		out = append(out, w)
	}
	return out
}

func clockedFixture(t *testing.T) (*fixture, *time.Time) {
	f := newFixture(t)
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Now: func() time.Time { return now }})
	f.k.Show(f.w)
	return f, &now
}

// TestWarmupBeforeFirstQuestion: a new visitor meets the mouse warm-up
// before the first question; pointing and clicking twice starts the
// diagnostic, and the result is journaled as warmup.finished.
func TestWarmupBeforeFirstQuestion(t *testing.T) {
	f, now := clockedFixture(t)
	test.Tap(f.k.Welcome.Start)
	w := f.k.Warmup
	if w == nil || f.k.Question != nil {
		t.Fatal("Commencer did not show the mouse warm-up first")
	}
	if f.voice.last() != f.cat.T("say.warmup.point") {
		t.Errorf("warm-up said %q", f.voice.last())
	}
	if n := len(events(t, f.j, journal.TypeSessionStarted)); n != 0 {
		t.Fatalf("%d sessions started before the warm-up ended", n)
	}
	test.Tap(w.Area) // one miss
	*now = now.Add(3 * time.Second)
	w.Target.MouseIn(&desktop.MouseEvent{})
	if w.Step() != 1 {
		t.Fatalf("pointing left the warm-up at step %d", w.Step())
	}
	test.Tap(w.Target)
	test.Tap(w.Target)
	if f.k.Warmup != nil || f.k.Question == nil {
		t.Fatal("the diagnostic did not start after the warm-up")
	}
	got := warmupEvents(t, f)
	if len(got) != 1 || got[0].Outcome != event.WarmupPassed || got[0].Misses != 1 || got[0].MS != 3000 {
		t.Fatalf("journaled %+v", got)
	}
	if n := len(events(t, f.j, journal.TypeSessionStarted)); n != 1 {
		t.Fatalf("%d sessions started", n)
	}
}

// TestWarmupSkippedInOneTap: "Je sais utiliser la souris" goes straight
// to the first question.
func TestWarmupSkippedInOneTap(t *testing.T) {
	f, _ := clockedFixture(t)
	test.Tap(f.k.Welcome.Start)
	test.Tap(f.k.Warmup.Skip)
	if f.k.Question == nil {
		t.Fatal("skipping the warm-up did not start the diagnostic")
	}
	if got := warmupEvents(t, f); len(got) != 1 || got[0].Outcome != event.WarmupSkipped {
		t.Fatalf("journaled %+v", got)
	}
}

// TestWarmupStruggleStartsNoDiagnostic: a visitor who cannot use the mouse
// yet is told kindly and no diagnostic starts; the idle ticker's check
// offers help after a while without progress.
func TestWarmupStruggleStartsNoDiagnostic(t *testing.T) {
	f, now := clockedFixture(t)
	test.Tap(f.k.Welcome.Start)
	w := f.k.Warmup
	*now = now.Add(warmup.StruggleAfter - time.Second)
	f.k.CheckIdle()
	if w.Struggling.Visible() {
		t.Fatal("help offered too early")
	}
	*now = now.Add(2 * time.Second)
	f.k.CheckIdle()
	if !w.Struggling.Visible() || f.voice.last() != f.cat.T("say.warmup.struggle") {
		t.Fatal("no help offered after a while without progress")
	}
	test.Tap(w.Learn)
	if f.k.Question != nil || f.k.Learn == nil || f.k.Learn.Run().Module().ID != app.MouseModule {
		t.Fatal("a visitor who struggled was not taken to the mouse module")
	}
	if got := warmupEvents(t, f); len(got) != 1 || got[0].Outcome != event.WarmupStruggled {
		t.Fatalf("journaled %+v", got)
	}
	for _, ev := range events(t, f.j, journal.TypeSessionStarted) {
		var st event.SessionStarted
		if err := json.Unmarshal(ev.Payload, &st); err != nil || st.Mode != event.ModeModule {
			t.Fatalf("after a struggle a session started: %s", ev.Payload)
		}
	}
	// Back home, trying again meets the warm-up again, not the questions.
	f.k.ShowWelcome()
	test.Tap(f.k.Welcome.Start)
	if f.k.Warmup == nil {
		t.Error("after a struggle, Commencer skipped the warm-up")
	}
}
