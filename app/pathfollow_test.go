package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/paths"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestFollowAPath walks a path end to end with the real journal: the
// mediator gives Ana a path (the keyboard module's skill, then another
// module's); Ana comes back with her picture code and sees the path's
// pictures with the first one framed; a tap opens that module, she plays
// it to the end and comes back to her space, where it carries its check
// and the next one is framed; "Faire le petit test" asks only questions
// of the path's skills, and its result shows on her page for the mediator,
// with the path's progress.
func TestFollowAPath(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	const anaCode = "soleil-maison-chat-voiture"
	for _, e := range []struct {
		typ string
		p   any
	}{{event.TypeLearnerCreated, event.LearnerCreated{Anonymous: true}}, {event.TypeLearnerCodeAssigned, event.LearnerCodeAssigned{PictureCode: anaCode}}} {
		if _, err := f.j.Append(ctx, e.typ, "l-ana", e.p); err != nil {
			t.Fatal(err)
		}
	}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: &fakeMediator{hash: h, j: f.j}})
	f.k.Show(f.w)

	// The keyboard module's first skill, then a skill of another module of
	// another domain.
	kb, ok := f.pack.Module("le-clavier")
	if !ok {
		t.Fatal("no le-clavier module")
	}
	picked := []string{kb.Skills[0]}
	for _, m := range f.pack.Modules {
		if m.Domain != kb.Domain && len(m.Skills) > 0 {
			picked = append(picked, m.Skills[0])
			break
		}
	}
	want, err := paths.Make(f.pack, "Premiers pas", picked, "")
	if err != nil {
		t.Fatal(err)
	}
	if want.Modules[0] != "le-clavier" || len(want.Modules) < 2 {
		t.Fatalf("path modules %v", want.Modules)
	}

	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	test.Tap(f.k.Mediator.People)
	f.k.Learners.List.Select(0)
	test.Tap(f.k.Learner.GivePath)
	test.Type(f.k.PathEditor.Name, "Premiers pas")
	for _, s := range picked {
		test.Tap(f.k.PathEditor.Skills[s])
	}
	test.Tap(f.k.PathEditor.Save)
	test.Tap(f.k.Learner.Back)
	test.Tap(f.k.Learners.Back)
	test.Tap(f.k.Mediator.Back)

	// Ana sees her path, the first module framed as the next, nothing done.
	typeCode(t, f.k, anaCode)
	r := f.k.Space.Path
	if r == nil || !slices.Equal(r.Modules, want.Modules) || r.Next != "le-clavier" || len(r.Done) != 0 {
		t.Fatalf("Ana's path row: %+v", r)
	}
	if len(r.Cards) != min(len(want.Modules), 5) || !r.Test.Visible() {
		t.Fatalf("%d cards for %d modules, test button shown %v", len(r.Cards), len(want.Modules), r.Test.Visible())
	}
	// The space is said first, then (in the background, once it is said)
	// how to follow the path.
	for i := 0; i < 250 && f.voice.last() != f.cat.T("say.paths.follow"); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if said := f.voice.last(); said != f.cat.T("say.paths.follow") {
		t.Errorf("the space with a path did not say how to follow it: %q", said)
	}
	keepShot(t, f, "space-path-start")

	// A tap on the first picture opens the keyboard module; played to the
	// end, "Un autre module" comes back to her space.
	test.Tap(r.Cards[0])
	p := f.k.Learn
	if p == nil || p.Run().Module().ID != "le-clavier" {
		t.Fatalf("the path's first picture opened %v", p)
	}
	playModule(t, p)
	test.Tap(p.End.Other)
	r = f.k.Space.Path
	if f.k.Space == nil || r == nil {
		t.Fatal("the end of a path's module does not come back to the space")
	}
	if !r.Done["le-clavier"] || r.Next != want.Modules[1] {
		t.Fatalf("after the keyboard module: done %v, next %q, want next %q", r.Done, r.Next, want.Modules[1])
	}
	keepShot(t, f, "space-path-one-done")

	// The short test asks only questions of the path's skills.
	test.Tap(r.Test)
	asked := 0
	for i := 0; f.k.Question != nil; i++ {
		it := f.k.Question.Item()
		if !slices.Contains(picked, it.Skill) {
			t.Fatalf("the path's test asked %s (skill %s), not a path skill %v", it.ID, it.Skill, picked)
		}
		asked++
		f.answer(t, i)
		test.Tap(f.k.Question.Continue)
	}
	if asked == 0 || asked > paths.MaxShortTest || f.k.Results == nil {
		t.Fatalf("the path's test asked %d questions, results %v", asked, f.k.Results != nil)
	}
	var fin []event.DiagnosticFinished
	_ = f.j.Each(ctx, journal.Filter{Type: event.TypeDiagnosticFinished, LearnerID: "l-ana"}, func(ev journal.Event) error {
		var d event.DiagnosticFinished
		if event.DecodeInto(ev.Payload, &d) == nil {
			fin = append(fin, d)
		}
		return nil
	})
	if len(fin) != 1 || fin[0].Items != asked {
		t.Fatalf("diagnostics journaled for Ana: %+v", fin)
	}
	keepShot(t, f, "space-path-test-results")

	// The mediator sees the test's levels, the path's skills tested and
	// the path's progress on Ana's page.
	f.k.EndVisit()
	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	test.Tap(f.k.Mediator.People)
	f.k.Learners.List.Select(0)
	page := f.k.Learner
	if !strings.Contains(page.Path.Text, f.cat.T("paths.progress", "done", "1", "n", "2")) &&
		!strings.Contains(page.Path.Text, "1 sur") {
		t.Errorf("the page does not say the path's progress: %q", page.Path.Text)
	}
	if strings.Contains(page.Visits.Text, f.cat.T("workspace.no_visit")) {
		t.Errorf("the path's test is not among the visits: %q", page.Visits.Text)
	}
	tested := 0
	for _, s := range picked {
		if !strings.Contains(page.Skills[s].Text, f.cat.T("skills.not_seen")) {
			tested++
		}
	}
	if tested == 0 {
		t.Errorf("no path skill has a status after the test: %q / %q", page.Skills[picked[0]].Text, page.Skills[picked[1]].Text)
	}
	keepShot(t, f, "mediator-learner-path-progress")
}
