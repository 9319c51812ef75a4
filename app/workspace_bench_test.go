package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/app/readmodel"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// benchWorkspace opens the kiosk over TREMPLIN_BENCH_JOURNAL (tremplin-sim
// populate --learners 5000 writes a large site's journal) with the learners'
// read model, as the kiosk runs; TREMPLIN_BENCH_REPLAY=1 opens it without,
// folding the whole journal at each screen as before the read model.
func benchWorkspace(b *testing.B) *Kiosk {
	path := os.Getenv("TREMPLIN_BENCH_JOURNAL")
	if path == "" {
		b.Skip("TREMPLIN_BENCH_JOURNAL not set")
	}
	ctx := context.Background()
	j, err := journal.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { j.Close() })
	var roster Roster
	if os.Getenv("TREMPLIN_BENCH_REPLAY") == "" {
		if roster, err = readmodel.Open(ctx, j); err != nil {
			b.Fatal(err)
		}
	}
	pack, err := content.Load(assets.DefaultPack())
	if err != nil {
		b.Fatal(err)
	}
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		b.Fatal(err)
	}
	a := test.NewTempApp(b)
	w := a.NewWindow("bench")
	w.Resize(fyne.NewSize(1024, 768))
	k := New(Config{Pack: pack, Journal: j, Roster: roster, Catalogue: cat, Seed: 1, Exports: b.TempDir()})
	k.Show(w)
	waitStartup(k)
	return k
}

// BenchmarkOpenLearners opens the mediator's list of learners.
func BenchmarkOpenLearners(b *testing.B) {
	k := benchWorkspace(b)
	cpu := cpuTime()
	b.ResetTimer()
	for range b.N {
		k.showLearners()
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(len(k.Learners.Shown)), "learners")
}

// BenchmarkOpenLearner opens one learner's page.
func BenchmarkOpenLearner(b *testing.B) {
	k := benchWorkspace(b)
	k.showLearners()
	id := k.Learners.Shown[len(k.Learners.Shown)/2].ID
	cpu := cpuTime()
	b.ResetTimer()
	for range b.N {
		k.showLearner(id)
	}
	reportCPU(b, cpu)
	if k.Learner == nil || k.Learner.ID != id {
		b.Fatal("the learner's page did not open")
	}
}

// BenchmarkExportLearners writes the learners' spreadsheet from the open
// list, as when the mediator taps Exporter: reading every learner's skills
// evidence, then writing the file.
func BenchmarkExportLearners(b *testing.B) {
	k := benchWorkspace(b)
	k.showLearners()
	name := filepath.Join(b.TempDir(), "learners.csv")
	cpu := cpuTime()
	b.ResetTimer()
	for range b.N {
		k.Learners.table = nil
		if err := k.writeLearnersCSV(name, k.Learners); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// reportCPU reports the CPU time per operation since cpu (the whole
// process's: run one benchmark at a time, after waitStartup).
func reportCPU(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// waitStartup waits for the reading the kiosk starts in the background
// when it opens (the picture codes, the population prior), so a benchmark
// times its screen alone.
func waitStartup(k *Kiosk) {
	k.loadPopulation()
	if _, err := k.codes(context.Background()); err != nil {
		panic(err)
	}
}

// BenchmarkOpenKiosk opens the journal and the kiosk on it, up to the end
// of the reading it starts in the background (picture codes, population
// prior), as the kiosk starts; shown-ms is the time until the first screen
// is shown: with the learners' read model already built (tremplin-sim
// populate builds it) this is what every start costs;
// TREMPLIN_BENCH_REPLAY=1 opens it without the read model, as before it.
// The read model's first build is BenchmarkRebuild in app/readmodel.
func BenchmarkOpenKiosk(b *testing.B) {
	path := os.Getenv("TREMPLIN_BENCH_JOURNAL")
	if path == "" {
		b.Skip("TREMPLIN_BENCH_JOURNAL not set")
	}
	ctx := context.Background()
	pack, err := content.Load(assets.DefaultPack())
	if err != nil {
		b.Fatal(err)
	}
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		b.Fatal(err)
	}
	a := test.NewTempApp(b)
	w := a.NewWindow("bench")
	w.Resize(fyne.NewSize(1024, 768))
	var shown time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		j, err := journal.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		var roster Roster
		if os.Getenv("TREMPLIN_BENCH_REPLAY") == "" {
			if roster, err = readmodel.Open(ctx, j); err != nil {
				b.Fatal(err)
			}
		}
		k := New(Config{Pack: pack, Journal: j, Roster: roster, Catalogue: cat, Seed: 1})
		k.Show(w)
		shown += time.Since(start)
		waitStartup(k)
		b.StopTimer()
		j.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(shown.Milliseconds())/float64(b.N), "shown-ms")
}
