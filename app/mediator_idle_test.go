package app_test

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestMediatorAreaClosesWhenIdle: on every screen behind the PIN (the
// mediator screen, the learners, a learner's page, the path maker), two
// minutes without a touch close the area; a touch restarts the count; the
// next mediator needs the PIN again and writes under a new mediator session.
func TestMediatorAreaClosesWhenIdle(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.j.Append(ctx, event.TypeLearnerCreated, "l-ana", event.LearnerCreated{Anonymous: true}); err != nil {
		t.Fatal(err)
	}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
		Mediator: &fakeMediator{hash: h, j: f.j}, Now: func() time.Time { return now }})
	f.k.Show(f.w)
	open := func() {
		t.Helper()
		test.Tap(f.k.Welcome.Mediator)
		typePIN(f.k.PIN, "246813")
		if f.k.Mediator == nil {
			t.Fatal("the PIN did not open the mediator area")
		}
	}
	screens := []struct {
		name  string
		reach func()
	}{
		{"mediator", func() {}},
		{"learners", func() { test.Tap(f.k.Mediator.People) }},
		{"learner", func() { test.Tap(f.k.Mediator.People); f.k.Learners.List.Select(0) }},
		{"path maker", func() { test.Tap(f.k.Mediator.People); test.Tap(f.k.Learners.Path) }},
	}
	for _, sc := range screens {
		open()
		sc.reach()
		now = now.Add(app.MediatorIdle - time.Second)
		f.k.CheckIdle()
		if f.k.Welcome != nil {
			t.Fatalf("%s: closed before two minutes", sc.name)
		}
		if sc.name == "learner" {
			// Typing a note counts as a touch.
			test.Type(f.k.Learner.Note, "x")
			now = now.Add(app.MediatorIdle - time.Second)
			f.k.CheckIdle()
			if f.k.Welcome != nil {
				t.Fatal("typing a note did not keep the area open")
			}
		}
		now = now.Add(time.Second)
		f.k.CheckIdle()
		if f.k.Welcome == nil {
			t.Fatalf("%s: still open after two idle minutes", sc.name)
		}
		test.Tap(f.k.Welcome.Mediator)
		if f.k.PIN == nil {
			t.Fatalf("%s: the area reopened without the PIN", sc.name)
		}
		test.Tap(f.k.PIN.Back)
	}

	// Each opening with the PIN is its own mediator session.
	sessions := map[string]bool{}
	for range 2 {
		open()
		test.Tap(f.k.Mediator.People)
		f.k.Learners.List.Select(0)
		test.Type(f.k.Learner.Note, "une note")
		test.Tap(f.k.Learner.AddNote)
		now = now.Add(app.MediatorIdle)
		f.k.CheckIdle()
	}
	_ = f.j.Each(ctx, journal.Filter{Type: event.TypeLearnerNoted}, func(ev journal.Event) error {
		var n event.LearnerNoted
		if event.DecodeInto(ev.Payload, &n) == nil && n.MediatorSession != "" {
			sessions[n.MediatorSession] = true
		}
		return nil
	})
	if len(sessions) != 2 {
		t.Fatalf("two PIN openings wrote under %d mediator sessions", len(sessions))
	}
}
