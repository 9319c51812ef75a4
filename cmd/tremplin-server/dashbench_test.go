package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/tremplin-numerique/tremplin/sync/pgtest"
)

// TestDashFigures builds a small network and times every dashboard page on
// both databases (every page must answer 200 and weigh under 100 KB);
// TREMPLIN_FIGURES=1 runs it at full size (200 sites, 2 000 devices,
// 100 000 learners), which takes long. Times are printed, not asserted.
func TestDashFigures(t *testing.T) {
	cfg := benchConfig{Sites: 10, Devices: 30, Learners: 600, EventsPerLearner: 20, Seed: 1, Ingest: 5000}
	if full, _ := strconv.ParseBool(os.Getenv("TREMPLIN_FIGURES")); full {
		cfg = benchConfig{Sites: 200, Devices: 2000, Learners: 100000, EventsPerLearner: 20, Seed: 1, Ingest: 100000}
	}
	run := func(t *testing.T, dsn string) {
		var out bytes.Buffer
		fig, err := runDashBench(context.Background(), dsn, cfg, &out)
		t.Logf("\n%s", out.String())
		if err != nil {
			t.Fatal(err)
		}
		if len(fig.Pages) < 12 {
			t.Errorf("%d pages timed", len(fig.Pages))
		}
		if fig.LargestPageRaw >= 100<<10 {
			t.Errorf("largest page %d bytes, want < 100 KB", fig.LargestPageRaw)
		}
	}
	t.Run("SQLite", func(t *testing.T) { run(t, "sqlite:"+filepath.Join(t.TempDir(), "bench.db")) })
	t.Run("Postgres", func(t *testing.T) { run(t, pgtest.Start(t).NewDatabase(t)) })
}
