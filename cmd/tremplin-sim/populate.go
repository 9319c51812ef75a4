package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/tremplin-numerique/tremplin/app/readmodel"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/internal/populate"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func init() { commands["populate"] = runPopulate }

// runPopulate writes realistic kiosk journals for benchmarks and sync load
// tests:
//
//	tremplin-sim populate --data-dir D --learners N [--devices K] [--seed S] [--days 60]
//
// With one device it writes D/journal.db (what the kiosk opens with
// --data-dir D); with K devices, D/device-01/journal.db … Learners arrive
// over the last days for a diagnostic with the pack's items, come back for
// modules and retakes; a mediator names some, writes notes, gives paths,
// links and erases a few (package populate): about 100 events a learner.
// One device's clock is a year off. The learners' read model is built at
// the end, as the kiosk's first open would, and its time printed.
func runPopulate(args []string) error {
	fs := newFlags("populate")
	dir := fs.String("data-dir", "", "directory for the journal(s)")
	learners := fs.Int("learners", 100, "learners in all")
	devices := fs.Int("devices", 1, "devices (journals) to spread them over")
	seed := fs.Uint64("seed", 1, "random seed")
	days := fs.Int("days", 60, "days of history")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *learners < 0 || *devices < 1 {
		return fmt.Errorf("%w: --data-dir and --learners N are required", errUsage)
	}
	pack, err := content.Load(assets.DefaultPack())
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(*seed, 0x7e3))
	ctx := context.Background()
	end := time.Now().Truncate(time.Hour)
	start := end.Add(-time.Duration(*days) * 24 * time.Hour)
	total := 0
	began := time.Now()
	var rebuild time.Duration
	for d := range *devices {
		path := filepath.Join(*dir, "journal.db")
		if *devices > 1 {
			path = filepath.Join(*dir, fmt.Sprintf("device-%02d", d+1), "journal.db")
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		clock := start
		skew := time.Duration(0)
		if d == 1 {
			skew = -365 * 24 * time.Hour // a kiosk whose clock is a year behind
		}
		now := func() time.Time { return clock.Add(skew) }
		// Not synced to disk at each write: a simulation's journal can be
		// made again, and 500 000 events are written in a minute or two.
		j, err := journal.Open(ctx, path, journal.WithClock(now), journal.WithoutSync())
		if err != nil {
			return err
		}
		n := *learners / *devices
		if d < *learners%*devices {
			n++
		}
		site := populate.Site{J: j, Pack: pack, Rand: rng, Clock: &clock}
		c, err := site.Run(ctx, n, start, end)
		total += c.Events
		if err != nil {
			j.Close()
			return err
		}
		t0 := time.Now()
		if _, err := readmodel.Open(ctx, j); err != nil {
			j.Close()
			return err
		}
		rebuild += time.Since(t0)
		if err := j.Close(); err != nil {
			return err
		}
	}
	took := time.Since(began)
	fmt.Fprintf(stdout, "wrote %d events for %d learners on %d device(s) in %s (%s, %.0f events/s); learners read model built in %s\n",
		total, *learners, *devices, *dir, took.Round(time.Millisecond), float64(total)/took.Seconds(), rebuild.Round(time.Millisecond))
	return nil
}
