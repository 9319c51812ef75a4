package readmodel_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/app/readmodel"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// BenchmarkRebuild builds the learners' read model from every event of
// TREMPLIN_BENCH_JOURNAL (tremplin-sim populate writes one), as the first
// open of a journal that has none does, and leaves the journal as it was;
// write-ms is the part that holds the journal (writing the tables).
func BenchmarkRebuild(b *testing.B) {
	path := os.Getenv("TREMPLIN_BENCH_JOURNAL")
	if path == "" {
		b.Skip("TREMPLIN_BENCH_JOURNAL not set")
	}
	ctx := context.Background()
	j, err := journal.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	m := readmodel.New(j)
	var top int64
	if err := j.DB().QueryRow(`SELECT max(pos) FROM events`).Scan(&top); err != nil {
		b.Fatal(err)
	}
	var writing time.Duration
	b.ResetTimer()
	for range b.N {
		write, err := m.Build(ctx, j.DB(), top)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		tx, err := j.DB().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := write(ctx, tx); err != nil {
			b.Fatal(err)
		}
		writing += time.Since(start)
		b.StopTimer()
		tx.Rollback()
		b.StartTimer()
	}
	// What holds the journal: appends wait only while the tables are
	// written.
	b.ReportMetric(float64(writing.Milliseconds())/float64(b.N), "write-ms")
}
