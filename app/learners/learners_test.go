package learners_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func TestLinkedLearnersAreOne(t *testing.T) {
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	add := func(typ, learner string, p any) {
		t.Helper()
		if _, err := j.Append(ctx, typ, learner, p); err != nil {
			t.Fatal(err)
		}
	}
	add(event.TypeLearnerCreated, "A", event.LearnerCreated{Anonymous: true})
	add(event.TypeLearnerCodeAssigned, "A", event.LearnerCodeAssigned{PictureCode: "soleil-chat-lune-cle"})
	add(event.TypeDiagnosticFinished, "A", event.DiagnosticFinished{SessionID: "s1", Items: 10, Results: []event.DomainResult{{Domain: "web", Items: 5, Band: 1}}})
	// B was seen on another device (pulled by sync), then linked to A.
	if _, err := j.Merge(ctx, []journal.Event{{ID: "01900000-0000-7000-8000-000000000001", DeviceID: "other", Seq: 1, HLC: 1,
		Type: event.TypeDiagnosticFinished, LearnerID: "B", Payload: []byte(`{"session_id":"s0","items":8,"results":[]}`)},
		{ID: "01900000-0000-7000-8000-000000000002", DeviceID: "other", Seq: 2, HLC: 2,
			Type: event.TypeLearnerCodeAssigned, LearnerID: "B", Payload: []byte(`{"picture_code":"pomme-pomme-pomme-pomme"}`)}}, ""); err != nil {
		t.Fatal(err)
	}
	add(event.TypeLearnerRenamed, "B", event.LearnerRenamed{Name: "Josiane"})
	add(event.TypeLearnersLinked, "A", event.LearnersLinked{Linked: []string{"B"}})

	b, err := learners.Load(ctx, j, j.DeviceID())
	if err != nil {
		t.Fatal(err)
	}
	ls := b.List()
	if len(ls) != 1 || ls[0].ID != "A" || ls[0].Name != "Josiane" || len(ls[0].Diagnostics) != 2 {
		t.Fatalf("linked learners: %+v", ls)
	}
	// A code a sibling device of the site gave opens its learner here too
	// (after the link, the learner kept).
	if id, ok := b.ByCode("pomme-pomme-pomme-pomme"); !ok || id != "A" {
		t.Errorf("another device's code opens %q %v, want A", id, ok)
	}
	l, ok, err := learners.FindByCode(ctx, j, j.DeviceID(), "soleil-chat-lune-cle")
	if err != nil || !ok || l.ID != "A" || len(l.Diagnostics) != 2 || l.Name != "Josiane" {
		t.Fatalf("FindByCode: %+v %v %v", l, ok, err)
	}
	if _, err := j.Erase(ctx, "A", "asked"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := learners.FindByCode(ctx, j, j.DeviceID(), "soleil-chat-lune-cle"); ok {
		t.Error("an erased learner is found by code")
	}
}

// TestSiblingCodes: a code given on another device of the site opens its
// learner here once synced, and is never drawn again here; this device's own
// code wins over a sibling's; a code two sibling devices gave to two
// different learners (both offline) opens nobody.
func TestSiblingCodes(t *testing.T) {
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	pulled := func(n int, dev, learner, code string) journal.Event {
		return journal.Event{ID: fmt.Sprintf("01900000-0000-7000-8000-%012d", n), DeviceID: dev, Seq: int64(n), HLC: journal.HLC(n),
			Type: event.TypeLearnerCodeAssigned, LearnerID: learner, Payload: []byte(`{"picture_code":"` + code + `"}`)}
	}
	if _, err := j.Merge(ctx, []journal.Event{
		pulled(1, "devA", "L1", "chat-chat-chat-chat"),
		pulled(2, "devA", "L2", "lune-lune-lune-lune"),
		pulled(3, "devC", "L3", "lune-lune-lune-lune"), // the same code, given offline on C
		pulled(4, "devA", "L4", "cle-cle-cle-cle"),
	}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Append(ctx, event.TypeLearnerCodeAssigned, "L5", event.LearnerCodeAssigned{PictureCode: "cle-cle-cle-cle"}); err != nil {
		t.Fatal(err)
	}
	ix, err := learners.BuildIndex(ctx, j, j.DeviceID())
	if err != nil {
		t.Fatal(err)
	}
	b, err := learners.Load(ctx, j, j.DeviceID())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		code, want string
	}{{"chat-chat-chat-chat", "L1"}, {"lune-lune-lune-lune", ""}, {"cle-cle-cle-cle", "L5"}, {"soleil-soleil-soleil-soleil", ""}} {
		l, ok, err := ix.Find(ctx, j, c.code)
		if err != nil || ok != (c.want != "") || l.ID != c.want {
			t.Errorf("Find(%s) = %q %v %v, want %q", c.code, l.ID, ok, err, c.want)
		}
		if id, ok := b.ByCode(c.code); ok != (c.want != "") || id != c.want {
			t.Errorf("ByCode(%s) = %q %v, want %q", c.code, id, ok, c.want)
		}
		if taken := c.code != "soleil-soleil-soleil-soleil"; ix.Taken(c.code) != taken || b.CodeTaken(c.code) != taken {
			t.Errorf("Taken(%s) = %v/%v, want %v", c.code, ix.Taken(c.code), b.CodeTaken(c.code), taken)
		}
	}
	if l, _ := b.Learner("L4"); l.Code != "cle-cle-cle-cle" {
		t.Errorf("L4's code %q", l.Code)
	}
	// A mediator links the two learners who got the same code: it opens
	// the learner kept.
	if _, err := j.Append(ctx, event.TypeLearnersLinked, "L2", event.LearnersLinked{Linked: []string{"L3"}}); err != nil {
		t.Fatal(err)
	}
	ix, _ = learners.BuildIndex(ctx, j, j.DeviceID())
	if l, ok, err := ix.Find(ctx, j, "lune-lune-lune-lune"); err != nil || !ok || l.ID != "L2" {
		t.Errorf("after the link: %q %v %v", l.ID, ok, err)
	}
}
