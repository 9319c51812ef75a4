package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestPathMadeAndShown: a mediator ticks two skills in the framework's
// tree, names the path and gives it to one learner; the journal holds a
// path.assigned for that learner with the mediator session, the learner's
// page says it, and the learner coming back with their picture code sees
// the path's modules in order on their space. Another learner does not,
// until a path is given to everyone.
func TestPathMadeAndShown(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	add := func(typ, learner string, p any) {
		t.Helper()
		if _, err := f.j.Append(ctx, typ, learner, p); err != nil {
			t.Fatal(err)
		}
	}
	const anaCode, bobCode = "soleil-maison-chat-voiture", "chat-chat-soleil-maison"
	add(event.TypeLearnerCreated, "l-ana", event.LearnerCreated{Anonymous: true})
	add(event.TypeLearnerCodeAssigned, "l-ana", event.LearnerCodeAssigned{PictureCode: anaCode})
	add(event.TypeLearnerCreated, "l-bob", event.LearnerCreated{Anonymous: true})
	add(event.TypeLearnerCodeAssigned, "l-bob", event.LearnerCodeAssigned{PictureCode: bobCode})
	// The kiosk indexes picture codes when it starts.
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: &fakeMediator{hash: h, j: f.j}})
	f.k.Show(f.w)

	// Two taught skills of different modules, ticked second-first.
	var picked []string
	var want []string
	for _, m := range f.pack.Modules {
		if len(picked) < 2 && len(m.Skills) > 0 && !slices.Contains(picked, m.Skills[0]) {
			picked = append(picked, m.Skills[0])
		}
	}
	picked[0], picked[1] = picked[1], picked[0]
	for _, s := range picked {
		for _, m := range f.pack.ModulesFor(s) {
			if !slices.Contains(want, m.ID) {
				want = append(want, m.ID)
			}
		}
	}

	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	test.Tap(f.k.Mediator.People)
	for i, l := range f.k.Learners.Shown {
		if l.ID == "l-ana" {
			f.k.Learners.List.Select(i)
		}
	}
	if f.k.Learner == nil || f.k.Learner.Path.Text != f.cat.T("paths.no_path") {
		t.Fatal("Ana's page does not say she has no path")
	}
	test.Tap(f.k.Learner.GivePath)
	e := f.k.PathEditor
	if e == nil || len(e.Skills) == 0 {
		t.Fatal("no path maker with the framework's skills")
	}
	test.Tap(e.Save)
	if e.Message.Text != f.cat.T("paths.incomplete") {
		t.Fatalf("an empty path was accepted: %q", e.Message.Text)
	}
	test.Type(e.Name, "Premiers pas")
	for _, s := range picked {
		test.Tap(e.Skills[s])
	}
	keepShot(t, f, "mediator-path-maker")
	sk, _ := f.pack.Skill(picked[0])
	if !strings.HasPrefix(e.Order.Text, "1. "+sk.Title) {
		t.Fatalf("order %q does not start with %q", e.Order.Text, sk.Title)
	}
	test.Tap(e.Save)
	if f.k.Learner == nil || !strings.Contains(f.k.Learner.Path.Text, "Premiers pas") {
		t.Fatal("the learner's page does not show the new path")
	}
	keepShot(t, f, "mediator-learner-with-path")
	var got []journal.Event
	_ = f.j.Each(ctx, journal.Filter{Type: event.TypePathAssigned}, func(ev journal.Event) error { got = append(got, ev); return nil })
	var p event.PathAssigned
	if len(got) != 1 || got[0].LearnerID != "l-ana" || event.DecodeInto(got[0].Payload, &p) != nil ||
		!slices.Equal(p.Skills, picked) || !slices.Equal(p.Modules, want) || p.MediatorSession == "" || p.Name != "Premiers pas" {
		t.Fatalf("journaled %+v / %+v", got, p)
	}

	// Ana comes back: her space shows the path's modules, in order.
	test.Tap(f.k.Learner.Back)
	test.Tap(f.k.Learners.Back)
	test.Tap(f.k.Mediator.Back)
	typeCode(t, f.k, anaCode)
	if f.k.Space == nil || f.k.Space.Path == nil {
		t.Fatalf("Ana's space shows no path: %+v", f.k.Visit().Learner())
	}
	if !slices.Equal(f.k.Space.Path.Modules, want) || !strings.Contains(f.k.Space.Path.Title.Text, "Premiers pas") {
		t.Fatalf("Ana sees %v %q, want %v", f.k.Space.Path.Modules, f.k.Space.Path.Title.Text, want)
	}
	keepShot(t, f, "space-with-path")
	test.Tap(f.k.Space.Done)
	typeCode(t, f.k, bobCode)
	if f.k.Space == nil || f.k.Space.Path != nil {
		t.Fatalf("Bob sees Ana's path: %+v %+v", f.k.Visit().Learner(), f.k.Space)
	}
	test.Tap(f.k.Space.Done)

	// A path for everyone on the device, from the learners list.
	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	test.Tap(f.k.Mediator.People)
	test.Tap(f.k.Learners.Path)
	e = f.k.PathEditor
	if e.For.Visible() {
		t.Error("a path made from the list offers a single learner")
	}
	test.Type(e.Name, "Pour tous")
	test.Tap(e.Skills[picked[1]])
	test.Tap(e.Save)
	if f.k.Learners == nil || !strings.Contains(f.k.Learners.Message.Text, "Pour tous") {
		t.Fatal("saving the path for everyone did not say so")
	}
	keepShot(t, f, "mediator-learners")
	test.Tap(f.k.Learners.Back)
	test.Tap(f.k.Mediator.Back)
	typeCode(t, f.k, bobCode)
	if f.k.Space == nil || f.k.Space.Path == nil || !strings.Contains(f.k.Space.Path.Title.Text, "Pour tous") {
		t.Fatal("Bob does not see the path for everyone")
	}
}
