package group_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/app/group"
	"github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func openJournal(t *testing.T) *journal.Journal {
	t.Helper()
	j, err := journal.Open(context.Background(), filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func TestParsePeople(t *testing.T) {
	for in, want := range map[string]int{"": 0, "6": 6, " 12 ": 12, "99": 99} {
		if n, err := group.ParsePeople(in); err != nil || n != want {
			t.Errorf("ParsePeople(%q) = %d, %v", in, n, err)
		}
	}
	for _, in := range []string{"0", "-3", "100", "six", "6,5"} {
		if _, err := group.ParsePeople(in); !errors.Is(err, group.ErrBadPeople) {
			t.Errorf("ParsePeople(%q): %v, want ErrBadPeople", in, err)
		}
	}
}

// TestGroupSession: a session starts (one at a time), survives as the
// device's open group, tags each participant once through the visit's
// journal, ends, and its summary says who did what in it — not what they
// did before — and which skills most of them should work on.
func TestGroupSession(t *testing.T) {
	ctx := context.Background()
	j := openJournal(t)
	if _, err := group.Start(ctx, j, "  ", 6, "m1"); !errors.Is(err, group.ErrNoName) {
		t.Fatalf("a session with no name: %v", err)
	}
	add := func(learner, typ string, p any) {
		t.Helper()
		if _, err := j.Append(ctx, typ, learner, p); err != nil {
			t.Fatal(err)
		}
	}
	// Before the session: Ana's earlier answer is not the group's.
	add("ana", event.TypeAnswerRecorded, event.AnswerRecorded{Skill: "s-old", Outcome: event.OutcomeIncorrect})
	time.Sleep(5 * time.Millisecond) // wall clock: the session starts after it

	g, err := group.Start(ctx, j, "Atelier du mardi", 6, "m1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := group.Start(ctx, j, "Autre", 3, "m1"); !errors.Is(err, group.ErrAlready) {
		t.Fatalf("a second open session: %v", err)
	}
	cur, ok, err := group.Current(ctx, j)
	if err != nil || !ok || cur.ID != g.ID || cur.Name != "Atelier du mardi" || cur.People != 6 {
		t.Fatalf("current %+v %v %v", cur, ok, err)
	}
	tag := func() *group.Tagger { return &group.Tagger{Journal: j, Open: func() string { return g.ID }} }
	ta := tag()
	for _, e := range []struct {
		typ string
		p   any
	}{
		{event.TypeLearnerCodeAssigned, event.LearnerCodeAssigned{PictureCode: "chat-chat-soleil-maison"}},
		{event.TypeAnswerRecorded, event.AnswerRecorded{Skill: "s1", Outcome: event.OutcomeIncorrect}},
		{event.TypeAnswerRecorded, event.AnswerRecorded{Skill: "s2", Outcome: event.OutcomeIncorrect}},
		{event.TypeDiagnosticFinished, event.DiagnosticFinished{SessionID: "d1", Items: 2}},
		{event.TypeModuleStarted, event.ModuleStarted{Module: "le-clavier"}},
		{progress.TypeModuleCompleted, progress.ModuleCompleted{Module: "le-clavier"}},
	} {
		if _, err := ta.Append(ctx, e.typ, "ana", e.p); err != nil {
			t.Fatal(err)
		}
	}
	tb := tag()
	if _, err := tb.Append(ctx, event.TypeAnswerRecorded, "bob", event.AnswerRecorded{Skill: "s2", Outcome: event.OutcomeIncorrect}); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Append(ctx, event.TypeModuleStarted, "bob", event.ModuleStarted{Module: "la-souris"}); err != nil {
		t.Fatal(err)
	}
	add("bob", event.TypeLearnerRenamed, event.LearnerRenamed{Name: "Bob"})
	joined, _ := j.Events(ctx, journal.Filter{Type: event.TypeGroupJoined})
	if len(joined) != 2 {
		t.Fatalf("%d group.joined, want one per participant", len(joined))
	}
	// Someone outside the session is not in it.
	add("carl", event.TypeAnswerRecorded, event.AnswerRecorded{Skill: "s2", Outcome: event.OutcomeIncorrect})

	if err := group.End(ctx, j, g, "m1"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := group.Current(ctx, j); ok {
		t.Fatal("the session is still open after End")
	}
	all, err := group.List(ctx, j)
	if err != nil || len(all) != 1 || all[0].Open() {
		t.Fatalf("list %+v %v", all, err)
	}
	s, err := group.Summarize(ctx, j, g.ID, []string{"s-old", "s1", "s2", "s3"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Participants) != 2 {
		t.Fatalf("participants %+v", s.Participants)
	}
	ana, bob := s.Participants[0], s.Participants[1]
	if ana.Code != "chat-chat-soleil-maison" || len(ana.Tests) != 1 || ana.Tests[0].Items != 2 ||
		!slices.Equal(ana.Modules, []group.Module{{ID: "le-clavier", Completed: true}}) {
		t.Errorf("Ana: %+v", ana)
	}
	if bob.Name != "Bob" || len(bob.Tests) != 0 || !slices.Equal(bob.Modules, []group.Module{{ID: "la-souris"}}) {
		t.Errorf("Bob: %+v", bob)
	}
	want := []group.SkillCount{{Skill: "s2", People: 2}, {Skill: "s1", People: 1}}
	if !slices.Equal(s.ToWork, want) {
		t.Errorf("to work %+v, want %+v", s.ToWork, want)
	}
}
