package paths_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tremplin-numerique/tremplin/app/paths"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestMakeAndFor: a path keeps the skills in the order picked, brings the
// modules teaching them, and the latest path for a learner or for everyone
// is theirs; another learner's path is not.
func TestMakeAndFor(t *testing.T) {
	ctx := context.Background()
	pack, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	// Two taught skills, picked last-first, and one unknown id.
	var taught []string
	for _, m := range pack.Modules {
		if len(taught) < 2 && len(m.Skills) > 0 && !slices.Contains(taught, m.Skills[0]) {
			taught = append(taught, m.Skills[0])
		}
	}
	if len(taught) < 2 {
		t.Fatal("the pack has fewer than two taught skills")
	}
	picked := []string{taught[1], "no-such-skill", taught[0], taught[1]}
	p, err := paths.Make(pack, "Premiers pas", picked, "sess-1")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Skills, []string{taught[1], taught[0]}) || p.PathID == "" || p.MediatorSession != "sess-1" {
		t.Fatalf("path %+v", p)
	}
	if len(p.Modules) == 0 || !slices.Contains(pack.ModulesFor(taught[1])[0].Skills, taught[1]) || p.Modules[0] != pack.ModulesFor(taught[1])[0].ID {
		t.Fatalf("modules %v do not start with those teaching %s", p.Modules, taught[1])
	}
	if _, err := paths.Make(pack, "", picked, ""); err == nil {
		t.Error("a path with no name was made")
	}
	if _, err := paths.Make(pack, "Rien", []string{"no-such-skill"}, ""); err == nil {
		t.Error("a path with no skill was made")
	}

	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, ok, err := paths.For(ctx, j, "l-ana"); ok || err != nil {
		t.Fatalf("a path before any: %v %v", ok, err)
	}
	everyone, _ := paths.Make(pack, "Pour tous", []string{taught[0]}, "")
	mine, _ := paths.Make(pack, "Pour Ana", []string{taught[1]}, "")
	other, _ := paths.Make(pack, "Pour Bob", []string{taught[0]}, "")
	for _, a := range []struct {
		learner string
		p       event.PathAssigned
	}{{"", everyone}, {"l-ana", mine}, {"l-bob", other}} {
		if _, err := j.Append(ctx, event.TypePathAssigned, a.learner, a.p); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := paths.For(ctx, j, "l-ana")
	if err != nil || !ok || got.ID != mine.PathID || got.Name != "Pour Ana" || got.LearnerID != "l-ana" {
		t.Fatalf("Ana's path %+v %v %v", got, ok, err)
	}
	got, ok, _ = paths.For(ctx, j, "l-carl")
	if !ok || got.ID != everyone.PathID || got.LearnerID != "" {
		t.Fatalf("Carl gets %+v, want the path for everyone", got)
	}
	// A path the dashboard pushed (its own payload type) reads the same.
	if _, err := j.Append(ctx, event.TypePathAssigned, "l-carl", map[string]any{"path_id": "p-dash", "modules": []string{}, "name": "Du tableau", "skills": []string{taught[0]}, "by": "coord"}); err != nil {
		t.Fatal(err)
	}
	got, _, _ = paths.For(ctx, j, "l-carl")
	if got.ID != "p-dash" || got.Name != "Du tableau" || !slices.Equal(got.Skills, []string{taught[0]}) {
		t.Fatalf("dashboard path read as %+v", got)
	}
}
