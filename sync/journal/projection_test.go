package journal

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

// counting is a projection counting the events it folded, in a table.
type counting struct {
	failApply bool
	builds    int
}

func (c *counting) Name() string { return "count" }
func (c *counting) Version() int { return 1 }
func (c *counting) Ready(ctx context.Context, q Querier) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'count_events'`).Scan(&n)
	return n == 1, err
}

func (c *counting) Build(ctx context.Context, db *sql.DB, upTo int64) (func(context.Context, *sql.Tx) error, error) {
	c.builds++
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE pos <= ?`, upTo).Scan(&n); err != nil {
		return nil, err
	}
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS count_events; CREATE TABLE count_events (n INTEGER);
			INSERT INTO count_events VALUES (?)`, n)
		return err
	}, nil
}

func (c *counting) Apply(ctx context.Context, tx *sql.Tx, evs []Event) error {
	if _, err := tx.ExecContext(ctx, `UPDATE count_events SET n = n + ?`, len(evs)); err != nil {
		return err
	}
	if c.failApply {
		return errors.New("projection bug")
	}
	return nil
}

func counted(t *testing.T, j *Journal) int {
	t.Helper()
	var n int
	if err := j.DB().QueryRow(`SELECT n FROM count_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestProjection: an attached projection is built from the events, folds
// each new one in the append's transaction, catches up with events another
// process wrote, is rebuilt after the events were rewritten — and one that
// fails never loses an event: it is rolled back alone and rebuilt.
func TestProjection(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for range 3 {
		if _, err := j.Append(ctx, TypeSessionStarted, "l1", map[string]string{}); err != nil {
			t.Fatal(err)
		}
	}
	p := &counting{}
	if err := j.Attach(ctx, p); err != nil {
		t.Fatal(err)
	}
	if counted(t, j) != 3 || p.builds != 1 {
		t.Fatalf("built: %d events, %d builds", counted(t, j), p.builds)
	}
	if _, err := j.AppendBatch(ctx, []Draft{{Type: TypeSessionStarted}, {Type: TypeSessionStarted}}); err != nil {
		t.Fatal(err)
	}
	if counted(t, j) != 5 {
		t.Fatalf("after a batch: %d", counted(t, j))
	}

	other, err := Open(ctx, path) // another process, without the projection
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Append(ctx, TypeSessionStarted, "", nil); err != nil {
		t.Fatal(err)
	}
	other.Close()
	if _, err := j.Append(ctx, TypeSessionStarted, "", nil); err != nil { // not folded: behind
		t.Fatal(err)
	}
	if rebuilt, err := j.Refresh(ctx, p); err != nil || rebuilt || counted(t, j) != 7 {
		t.Fatalf("catch-up: rebuilt %v, %v, %d events", rebuilt, err, counted(t, j))
	}

	if _, err := j.AdoptIdentity(ctx, "new-id", IdentityEnrolled); err != nil {
		t.Fatal(err)
	}
	if rebuilt, err := j.Refresh(ctx, p); err != nil || !rebuilt || counted(t, j) != 7 {
		t.Fatalf("after a rewrite: rebuilt %v, %v, %d events", rebuilt, err, counted(t, j))
	}

	p.failApply = true
	if _, err := j.Append(ctx, TypeSessionStarted, "", nil); err != nil {
		t.Fatalf("a failing projection lost the event: %v", err)
	}
	p.failApply = false
	if n, _ := j.Pending(ctx); n == 0 {
		t.Fatal("the event is not in the journal")
	}
	if rebuilt, err := j.Refresh(ctx, p); err != nil || !rebuilt || counted(t, j) != 8 {
		t.Fatalf("after a failure: rebuilt %v, %v, %d events", rebuilt, err, counted(t, j))
	}
}
