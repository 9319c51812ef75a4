package app_test

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestMediatorLinksTwoLearners: a mediator says two records are the same
// person from the learner's page; learners.linked is journaled, the list
// shows one person and the page holds both records' tests.
func TestMediatorLinksTwoLearners(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
		Mediator: &fakeMediator{hash: h, j: f.j}})
	f.k.Show(f.w)
	dom := f.pack.Domains[0]
	for _, l := range []struct{ id, name, session string }{{"l-ana", "Ana", "s1"}, {"l-ana2", "Ana B.", "s2"}, {"l-bob", "Bob", "s3"}} {
		for _, e := range []struct {
			typ string
			p   any
		}{
			{event.TypeLearnerCreated, event.LearnerCreated{Anonymous: true}},
			{event.TypeLearnerRenamed, event.LearnerRenamed{Name: l.name}},
			{event.TypeDiagnosticFinished, event.DiagnosticFinished{SessionID: l.session, Items: 1,
				Results: []event.DomainResult{{Domain: dom.ID, Band: 1, BandProb: 0.8, SE: 0.4, Items: 1, Correct: 1}}}},
		} {
			if _, err := f.j.Append(ctx, e.typ, l.id, e.p); err != nil {
				t.Fatal(err)
			}
		}
	}
	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	test.Tap(f.k.Mediator.People)
	if n := len(f.k.Learners.Shown); n != 3 {
		t.Fatalf("%d learners listed, want 3", n)
	}
	for i, l := range f.k.Learners.Shown {
		if l.ID == "l-ana" {
			f.k.Learners.List.Select(i)
		}
	}
	p := f.k.Learner
	test.Tap(p.Link) // nothing picked: said, nothing journaled
	if !strings.Contains(p.Message.Text, f.cat.T("workspace.same_pick")) {
		t.Errorf("linking with nobody picked said %q", p.Message.Text)
	}
	if len(p.Same.Options) != 2 {
		t.Fatalf("options %q, want the two others", p.Same.Options)
	}
	for _, o := range p.Same.Options {
		if strings.HasPrefix(o, "Ana B.") {
			p.Same.SetSelected(o)
		}
	}
	test.Tap(p.Link)
	evs, err := f.j.Events(ctx, journal.Filter{Type: event.TypeLearnersLinked})
	if err != nil || len(evs) != 1 {
		t.Fatalf("learners.linked events: %d (%v)", len(evs), err)
	}
	var linked event.LearnersLinked
	if event.DecodeInto(evs[0].Payload, &linked) != nil || evs[0].LearnerID != "l-ana" || len(linked.Linked) != 1 || linked.Linked[0] != "l-ana2" {
		t.Fatalf("journaled %s %+v", evs[0].LearnerID, linked)
	}
	p = f.k.Learner
	if p == nil || !strings.Contains(p.Message.Text, "Ana B.") {
		t.Fatalf("after linking the page says %q", p.Message.Text)
	}
	if n := len(strings.Split(strings.TrimSpace(p.Visits.Text), "\n")); n != 2 {
		t.Errorf("the joined page shows %d visits, want both records' 2: %q", n, p.Visits.Text)
	}
	test.Tap(p.Back)
	if n := len(f.k.Learners.Shown); n != 2 {
		t.Errorf("after linking, %d learners listed, want 2", n)
	}
}
