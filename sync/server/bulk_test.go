package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// testBulkLoad: events loaded in bulk (more than one transaction's worth
// would be slow here, so over several INSERTs and a partial one) are
// pulled in order by another device, and the store knows each device's
// last seq afterwards: the next push goes on from it, a re-used seq is
// refused.
func testBulkLoad(t *testing.T, e *env) {
	ctx := context.Background()
	a := e.site("A")
	d1, d2, reader := e.device(a), e.device(a), e.device(a)
	var evs []wire.Event
	for i := range 1234 {
		dev := d1.DeviceID()
		if i%2 == 1 {
			dev = d2.DeviceID()
		}
		evs = append(evs, wire.Event{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: dev, Seq: int64(i/2 + 1), WallMS: 1, HLC: int64(i+1) << 16,
			Type: "answer.recorded", LearnerID: "L", Payload: json.RawMessage(`{}`)})
	}
	if err := e.store.BulkLoad(ctx, a.ID, evs); err != nil {
		t.Fatal(err)
	}
	rd, _ := e.store.DeviceByToken(ctx, token(t, reader))
	got, _, _, err := e.store.Pull(ctx, rd, 0, 5000)
	if err != nil || len(got) != len(evs) {
		t.Fatalf("pulled %d of %d: %v", len(got), len(evs), err)
	}
	for i := range got {
		if got[i].ID != evs[i].ID {
			t.Fatalf("event %d: %s, want %s", i, got[i].ID, evs[i].ID)
		}
	}
	dev1, _ := e.store.DeviceByToken(ctx, token(t, d1))
	if dev1.LastSeq != 617 {
		t.Errorf("device 1 last seq %d, want 617", dev1.LastSeq)
	}
	next := wire.Event{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: dev1.ID, Seq: 618, WallMS: 1, HLC: 1 << 16, Type: "answer.recorded",
		Payload: json.RawMessage(`{}`)}
	if _, err := e.store.Push(ctx, dev1, []wire.Event{next}); err != nil {
		t.Fatal(err)
	}
	next.ID, next.Seq = uuid.Must(uuid.NewV7()).String(), 600
	if _, err := e.store.Push(ctx, dev1, []wire.Event{next}); !errors.Is(err, server.ErrReused) {
		t.Errorf("a seq under the bulk-loaded ones: %v", err)
	}
}
