package journal

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// TestMigrateV1Journal: a journal written by version 1 (unique (device,
// seq)) opens with its events, positions and clock, and then keeps two
// events with the same device and seq, as a site that took a clone's
// events under version 1 needs.
func TestMigrateV1Journal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrations[0], "PRAGMA user_version = 1",
		`INSERT INTO device (one, device_id, last_seq, last_hlc) VALUES (1, 'dev-1', 2, 200)`,
		`INSERT INTO events (pos, id, device_id, seq, wall_ms, hlc, type, payload, sent) VALUES
			(7, 'e1', 'dev-1', 1, 1, 100, 'a.b', 'null', 1), (9, 'e2', 'dev-1', 2, 2, 200, 'a.b', 'null', 0)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if j.DeviceID() != "dev-1" {
		t.Errorf("device id %q", j.DeviceID())
	}
	evs, _ := j.Events(ctx, Filter{})
	if len(evs) != 2 || evs[0].ID != "e1" || evs[1].ID != "e2" {
		t.Fatalf("events after migration: %+v", evs)
	}
	if n, _ := j.Pending(ctx); n != 1 {
		t.Errorf("pending %d, want 1", n)
	}
	ev, err := j.Append(ctx, "a.c", "", nil)
	if err != nil || ev.Seq != 3 || ev.HLC <= 200 {
		t.Fatalf("append after migration: %+v, %v", ev, err)
	}
	var pos int64
	j.DB().QueryRow(`SELECT pos FROM events WHERE id = ?`, ev.ID).Scan(&pos)
	if pos <= 9 {
		t.Errorf("new event at pos %d, after 9 expected", pos)
	}
	clone := Event{ID: "e2-clone", DeviceID: "dev-1", Seq: 2, WallTime: time.UnixMilli(3), HLC: 300, Type: "a.b"}
	if n, err := j.Merge(ctx, []Event{clone}, ""); err != nil || n != 1 {
		t.Errorf("merging a second event under (dev-1, 2): %d, %v", n, err)
	}
}
