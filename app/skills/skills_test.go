package skills_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tremplin-numerique/tremplin/app/skills"
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

// TestLatestEvidenceWins: a skill missed in the diagnostic then mastered in
// practice is mastered; one answered right then missed is to work on; one
// never met is not seen; a linked learner's evidence counts.
func TestLatestEvidenceWins(t *testing.T) {
	ctx := context.Background()
	j := openJournal(t)
	add := func(typ, learner string, p any) {
		t.Helper()
		if _, err := j.Append(ctx, typ, learner, p); err != nil {
			t.Fatal(err)
		}
	}
	add(event.TypeAnswerRecorded, "ana", event.AnswerRecorded{Skill: "souris", Outcome: event.OutcomeIncorrect})
	add(event.TypeAnswerRecorded, "ana", event.AnswerRecorded{Skill: "clavier", Outcome: event.OutcomeCorrect, Correct: true})
	add(event.TypePracticeAttempt, "ana", event.PracticeAttempt{Skill: "souris", Outcome: event.OutcomeCorrect, Known: 0.97})
	add(event.TypeAnswerRecorded, "ana", event.AnswerRecorded{Skill: "clavier", Outcome: event.OutcomeDontKnow})
	add(event.TypePracticeAttempt, "bob", event.PracticeAttempt{Skill: "mail", Outcome: event.OutcomeCorrect, Known: 0.6})
	add(event.TypeModuleMastered, "bob", event.ModuleMastered{Module: "pieces-jointes", Skill: "pj"})

	tab, err := skills.Load(ctx, j, "")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		skill string
		ids   []string
		want  skills.Status
	}{
		{"souris", []string{"ana"}, skills.Mastered},
		{"clavier", []string{"ana"}, skills.ToWork},
		{"mail", []string{"ana"}, skills.NotSeen},
		{"mail", []string{"bob"}, skills.ToWork},
		{"pj", []string{"bob"}, skills.Mastered},
		{"pj", []string{"ana", "bob"}, skills.Mastered}, // bob linked to ana
	}
	for _, c := range cases {
		if got := tab.Of(c.skill, c.ids...); got != c.want {
			t.Errorf("%s of %v: %v, want %v", c.skill, c.ids, got, c.want)
		}
	}
	m, w := tab.Count([]string{"souris", "clavier", "mail", "pj"}, "ana")
	if m != 1 || w != 1 {
		t.Errorf("ana: %d mastered, %d to work on", m, w)
	}
	// One learner's page reads only their events.
	only, err := skills.Load(ctx, j, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if only.Of("souris", "ana") != skills.NotSeen || only.Of("pj", "bob") != skills.Mastered {
		t.Error("a learner's table holds other learners' evidence")
	}
}
