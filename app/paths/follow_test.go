package paths_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/app/paths"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestShortTestAsksOnlyThePathsSkills: the short test draws only questions
// of the path's skills, as many as the bounds say, and refuses a path
// whose skills have no question.
func TestShortTestAsksOnlyThePathsSkills(t *testing.T) {
	var bank []assessment.Item
	for i, s := range []string{"a", "a", "a", "b", "b", "b", "c", "c", "c", "c"} {
		dom := "d1"
		if s == "c" {
			dom = "d2"
		}
		bank = append(bank, assessment.Item{ID: s + string(rune('0'+i)), Domain: dom, Skill: s, Level: 1, A: 1.2, B: float64(i%3) - 1})
	}
	d, err := paths.ShortTest(bank, []string{"a", "c"}, nil, 7)
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	for {
		id, ok := d.Next()
		if !ok {
			break
		}
		if id[0] != 'a' && id[0] != 'c' {
			t.Fatalf("asked %s, not a path skill's question", id)
		}
		asked++
		if err := d.Record(id, assessment.Incorrect); err != nil {
			t.Fatal(err)
		}
	}
	if asked < 1 || asked > paths.MinShortTest {
		t.Errorf("asked %d questions for 2 skills, want 1..%d", asked, paths.MinShortTest)
	}
	if _, err := paths.ShortTest(bank, []string{"z"}, nil, 7); err != paths.ErrNoItems {
		t.Errorf("a path with no question: %v", err)
	}
}

// TestDoneNextWindow: modules completed by a learner or one linked to
// them are done; the next is the first not done; the row's window keeps
// the next one in view.
func TestDoneNextWindow(t *testing.T) {
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, e := range []struct{ learner, module string }{{"l1", "m1"}, {"l2", "m2"}, {"other", "m3"}} {
		if _, err := j.Append(ctx, progress.TypeModuleCompleted, e.learner, progress.ModuleCompleted{Module: e.module}); err != nil {
			t.Fatal(err)
		}
	}
	done, err := paths.Done(ctx, j, "l1", "l2")
	if err != nil {
		t.Fatal(err)
	}
	if !done["m1"] || !done["m2"] || done["m3"] {
		t.Fatalf("done %v", done)
	}
	mods := []string{"m1", "m2", "m3", "m4"}
	if n := paths.Next(mods, done); n != 2 {
		t.Errorf("next %d, want 2", n)
	}
	if n := paths.Next([]string{"m1"}, done); n != -1 {
		t.Errorf("next of a path done %d, want -1", n)
	}
	for _, c := range []struct{ total, next, n, want int }{{4, 2, 5, 0}, {8, 3, 5, 0}, {8, 6, 5, 3}, {8, 5, 5, 3}, {12, 7, 5, 6}, {8, -1, 5, 0}} {
		from := paths.Window(c.total, c.next, c.n)
		if from != c.want || (c.next >= 0 && !slices.Contains([]int{0, 1, 2, 3, 4}, c.next-from)) {
			t.Errorf("Window(%d, %d, %d) = %d, want %d", c.total, c.next, c.n, from, c.want)
		}
	}
}
