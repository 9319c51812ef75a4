package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/pgtest"
)

// TestLoadFigures runs the load command's measurements, small by default;
// TREMPLIN_FIGURES=1 runs them at full size (500 devices, 100 000 events).
func TestLoadFigures(t *testing.T) {
	cfg := loadConfig{Devices: 200, Batches: 1, Batch: 50, Ingest: 10000, Patience: 5 * time.Minute}
	if full, _ := strconv.ParseBool(os.Getenv("TREMPLIN_FIGURES")); full {
		cfg = loadConfig{Devices: 500, Batches: 5, Batch: 100, Ingest: 100000, Patience: 5 * time.Minute}
	}
	run := func(t *testing.T, dsn string) {
		var out bytes.Buffer
		if _, err := runLoad(context.Background(), dsn, cfg, &out); err != nil {
			t.Fatal(err)
		}
		t.Logf("\n%s", out.String())
	}
	t.Run("SQLite", func(t *testing.T) { run(t, "sqlite:"+filepath.Join(t.TempDir(), "load.db")) })
	t.Run("SQLiteWithDashboard", func(t *testing.T) {
		cfg := cfg
		cfg.Dashboard = true
		var out bytes.Buffer
		fig, err := runLoad(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "load.db"), cfg, &out)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("\n%s", out.String())
		if fig.Folded+fig.Behind != cfg.Ingest+cfg.Devices*cfg.Batches*cfg.Batch {
			t.Errorf("indexer folded %d, %d behind: want %d events in all", fig.Folded, fig.Behind, cfg.Ingest+cfg.Devices*cfg.Batches*cfg.Batch)
		}
	})
	t.Run("Postgres", func(t *testing.T) { run(t, pgtest.Start(t).NewDatabase(t)) })
}
