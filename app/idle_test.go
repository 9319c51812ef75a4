package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func TestIdleVisitorIsAskedThenProgressKept(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Now: func() time.Time { return now }})
	f.k.Show(f.w)
	f.k.CheckIdle()
	if f.k.Asking != nil {
		t.Fatal("asked on the welcome screen")
	}
	startTest(f.k)
	f.answer(t, 0)
	test.Tap(f.k.Question.Continue)

	now = now.Add(app.IdleAsk - time.Second)
	f.k.CheckIdle()
	if f.k.Asking != nil {
		t.Fatal("asked too early")
	}
	now = now.Add(2 * time.Second)
	f.k.CheckIdle()
	if f.k.Asking == nil || f.voice.last() == "" {
		t.Fatal("an idle visitor was not asked")
	}
	// The visitor answers: the question goes away and the visit goes on.
	test.Tap(f.k.Asking.Yes)
	if f.k.Asking != nil || f.k.Question == nil {
		t.Fatal("Oui, je suis là did not resume")
	}
	now = now.Add(app.IdleAsk)
	f.k.CheckIdle()
	now = now.Add(app.IdleGiveUp)
	f.k.CheckIdle()
	if f.k.Question != nil || f.k.Welcome == nil || f.k.Asking != nil {
		t.Fatal("an absent visitor's screen stayed open")
	}
	evs, err := f.j.Events(context.Background(), journal.Filter{Type: app.TypeSessionPaused})
	if err != nil || len(evs) != 1 {
		t.Fatalf("%d paused events, %v", len(evs), err)
	}
	var p struct {
		Items int    `json:"items"`
		State string `json:"state"`
	}
	json.Unmarshal(evs[0].Payload, &p)
	if p.Items != 1 || p.State == "" { // one answer given (two questions shown)
		t.Errorf("paused payload %s", evs[0].Payload)
	}
}

func TestIdleResultsGoBackToWelcome(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Now: func() time.Time { return now }})
	f.k.Show(f.w)
	startTest(f.k)
	stopTest(f.k)
	if f.k.Results == nil {
		t.Fatal("no results")
	}
	now = now.Add(app.IdleAsk)
	f.k.CheckIdle()
	if f.k.Results != nil || f.k.Welcome == nil {
		t.Error("results stayed on screen for the next visitor")
	}
}
