package readmodel_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/app/readmodel"
	"github.com/tremplin-numerique/tremplin/sync/event"
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

// BenchmarkAppend appends a visitor's answers and practice attempts to a
// copy of TREMPLIN_BENCH_JOURNAL with the read model attached (each
// append refolds the learner's evidence, each practice attempt the
// learner), as a kiosk does; TREMPLIN_BENCH_REPLAY=1 appends without it.
func BenchmarkAppend(b *testing.B) {
	path := os.Getenv("TREMPLIN_BENCH_JOURNAL")
	if path == "" {
		b.Skip("TREMPLIN_BENCH_JOURNAL not set")
	}
	ctx := context.Background()
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	cp := filepath.Join(b.TempDir(), "journal.db")
	if err := os.WriteFile(cp, src, 0o600); err != nil {
		b.Fatal(err)
	}
	src = nil
	j, err := journal.Open(ctx, cp)
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	if os.Getenv("TREMPLIN_BENCH_REPLAY") == "" {
		if _, err := readmodel.Open(ctx, j); err != nil {
			b.Fatal(err)
		}
	}
	var learner string
	if err := j.DB().QueryRow(`SELECT learner_id FROM events WHERE type = ? ORDER BY pos LIMIT 1 OFFSET 2500`,
		event.TypeLearnerCreated).Scan(&learner); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		var err error
		if i%2 == 0 {
			_, err = j.Append(ctx, event.TypeAnswerRecorded, learner, event.AnswerRecorded{LearnerID: learner,
				Skill: "equipement.souris", Outcome: event.OutcomeCorrect, Correct: true})
		} else {
			_, err = j.Append(ctx, event.TypePracticeAttempt, learner, event.PracticeAttempt{Module: "souris-clic",
				Skill: "equipement.souris", Outcome: event.OutcomeCorrect, Known: 0.5})
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
