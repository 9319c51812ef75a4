package learners_test

import (
	"context"
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
	if _, ok := b.ByCode("pomme-pomme-pomme-pomme"); ok {
		t.Error("another device's code opens a learner here")
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
