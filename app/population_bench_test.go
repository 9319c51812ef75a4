package app

import (
	"context"
	"os"
	"testing"

	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// BenchmarkLearntPriors reads a real journal's finished diagnostics into
// the population prior, as the first visitor's "Commencer" does. Set
// TREMPLIN_BENCH_JOURNAL to a journal (tremplin-sim populate writes one).
func BenchmarkLearntPriors(b *testing.B) {
	path := os.Getenv("TREMPLIN_BENCH_JOURNAL")
	if path == "" {
		b.Skip("TREMPLIN_BENCH_JOURNAL not set")
	}
	j, err := journal.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	for i := 0; i < b.N; i++ {
		k := &Kiosk{cfg: Config{Journal: j}}
		k.learntPriors()
	}
}
