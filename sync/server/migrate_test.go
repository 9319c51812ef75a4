package server

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tremplin-numerique/tremplin/sync/pgtest"
)

// TestMigrateV1Store: a version 1 database (schema 1) gains the per-device
// highest seq from the events it holds, so a restored or cloned journal is
// caught on its first push after the upgrade.
func TestMigrateV1Store(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) { testMigrateV1(t, "sqlite:"+filepath.Join(t.TempDir(), "v1.db")) })
	t.Run("Postgres", func(t *testing.T) { testMigrateV1(t, pgtest.Start(t).NewDatabase(t)) })
}

func testMigrateV1(t *testing.T, dsn string) {
	ctx := context.Background()
	full := schema
	schema = full[:1]
	s, err := OpenStore(ctx, dsn)
	schema = full
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO sites (id, name, created_ms) VALUES ('s1', 'A', 1)`,
		`INSERT INTO devices (id, site_id, name, token_hash, created_ms) VALUES ('d1', 's1', 'host', 'h1', 1), ('d2', 's1', 'host', 'h2', 1)`,
		`INSERT INTO events (id, site_id, site_pos, device_id, seq, wall_ms, hlc, type, payload, received_ms) VALUES
			('e1', 's1', 1, 'd1', 1, 1, 1, 'a.b', 'null', 1), ('e2', 's1', 2, 'd1', 7, 1, 1, 'a.b', 'null', 1)`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()
	s, err = OpenStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	devs, err := s.Devices(ctx, "s1")
	if err != nil || len(devs) != 2 {
		t.Fatalf("devices: %+v, %v", devs, err)
	}
	seq := map[string]int64{}
	for _, d := range devs {
		seq[d.ID] = d.LastSeq
	}
	if seq["d1"] != 7 || seq["d2"] != 0 {
		t.Errorf("last seqs after migration: %v", seq)
	}
}
