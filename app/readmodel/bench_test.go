package readmodel_test

import (
	"context"
	"os"
	"testing"

	"github.com/tremplin-numerique/tremplin/app/readmodel"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// BenchmarkRebuild builds the learners' read model from every event of
// TREMPLIN_BENCH_JOURNAL (tremplin-sim populate writes one), as the first
// open of a journal that has none does, and leaves the journal as it was.
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
	m := &readmodel.Model{}
	b.ResetTimer()
	for range b.N {
		tx, err := j.DB().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Rebuild(ctx, tx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		tx.Rollback()
		b.StartTimer()
	}
}
