package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// Projection is a read model kept in the journal's own database: tables
// derived from the events, updated in the very transaction that stores new
// events (Append, AppendBatch, Merge), so a reader never sees an event
// without its effect or the reverse. It can always be rebuilt from the
// events, and is when it is missing, of another version, behind (events
// written by a process that did not attach it) or older than a rewrite of
// the events' clocks or device ids (RestampAhead, AdoptIdentity).
//
// The journal knows nothing of what a projection computes: the mediator's
// learners read model (package app/readmodel) is one.
type Projection interface {
	// Name keys the projection's cursor in the state table.
	Name() string
	// Version changes when the projection's tables or rules change, which
	// makes the journal rebuild it.
	Version() int
	// Ready reports whether the projection's tables exist.
	Ready(ctx context.Context, q Querier) (bool, error)
	// Build folds every event up to position upTo, read from db outside
	// any transaction (the kiosk goes on writing meanwhile), and returns
	// what writes the result in tx, replacing whatever the projection held.
	Build(ctx context.Context, db *sql.DB, upTo int64) (write func(context.Context, *sql.Tx) error, err error)
	// Apply folds events just stored, in journal order, inside the
	// transaction that stored them.
	Apply(ctx context.Context, tx *sql.Tx, evs []Event) error
}

// Querier is a database or a transaction, to read one row.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stateRewrites counts the rewrites of stored events (new clocks, new
// device ids) that invalidate every projection.
const stateRewrites = "journal.rewrites"

// catchUpLimit is how many events a projection behind the journal folds
// one by one before a rebuild is cheaper.
const catchUpLimit = 20000

// cursor is where a projection stands: the version that built it, the
// rewrites count it was built after, the last event position it folded.
type cursor struct {
	version  int
	rewrites int64
	pos      int64
}

func (c cursor) String() string {
	return fmt.Sprintf("v%d r%d p%d", c.version, c.rewrites, c.pos)
}

func parseCursor(s string) (cursor, bool) {
	var c cursor
	f := strings.Fields(s)
	if len(f) != 3 {
		return c, false
	}
	v, err1 := strconv.Atoi(strings.TrimPrefix(f[0], "v"))
	r, err2 := strconv.ParseInt(strings.TrimPrefix(f[1], "r"), 10, 64)
	p, err3 := strconv.ParseInt(strings.TrimPrefix(f[2], "p"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return c, false
	}
	return cursor{v, r, p}, true
}

func projectionKey(p Projection) string { return "projection." + p.Name() }

func stateIn(ctx context.Context, tx *sql.Tx, key string) (string, error) {
	var v string
	err := tx.QueryRowContext(ctx, `SELECT value FROM state WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, classify(err)
}

func rewritesIn(ctx context.Context, tx *sql.Tx) (int64, error) {
	v, err := stateIn(ctx, tx, stateRewrites)
	if err != nil || v == "" {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// bumpRewrites records, in the transaction that rewrote stored events,
// that every projection must be rebuilt.
func bumpRewrites(ctx context.Context, tx *sql.Tx) error {
	n, err := rewritesIn(ctx, tx)
	if err != nil {
		return err
	}
	return setStateIn(ctx, tx, stateRewrites, strconv.FormatInt(n+1, 10))
}

// maxPosIn returns the position of the journal's last event (0 if none).
// A bare max() on the primary key is one lookup; wrapped in another
// function SQLite would scan the table.
func maxPosIn(ctx context.Context, tx *sql.Tx) (int64, error) {
	var n sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT max(pos) FROM events`).Scan(&n)
	return n.Int64, classify(err)
}

// Attach registers p, so every event stored from now on is folded into it
// in the transaction that stores it, and brings p up to date (see
// Refresh). Attaching a projection of the same name again replaces it.
func (j *Journal) Attach(ctx context.Context, p Projection) error {
	j.mu.Lock()
	kept := j.projections[:0]
	for _, q := range j.projections {
		if q.Name() != p.Name() {
			kept = append(kept, q)
		}
	}
	j.projections = append(kept, p)
	j.mu.Unlock()
	_, err := j.Refresh(ctx, p)
	return err
}

// Refresh brings p up to date with the journal: it folds the events stored
// since p last did (by another process, say), or rebuilds p when it is
// missing, of another version, too far behind or older than a rewrite of
// the events. It reports whether it rebuilt. Readers of a projection call
// it before reading; when p is current it costs a few small reads.
//
// A rebuild reads the events without holding the journal: appends go on
// while it folds, and wait only while it writes its tables and folds the
// events stored meanwhile.
func (j *Journal) Refresh(ctx context.Context, p Projection) (rebuilt bool, err error) {
	j.refreshMu.Lock()
	defer j.refreshMu.Unlock()
	current, err := j.projectionCurrent(ctx, p)
	if err != nil || current {
		return false, err
	}
	fail := func(err error) (bool, error) { return false, fmt.Errorf("refresh %s: %w", p.Name(), classify(err)) }
	var raw, rewrites sql.NullString
	var top sql.NullInt64
	if err := j.db.QueryRowContext(ctx, `SELECT
		(SELECT value FROM state WHERE key = ?),
		(SELECT value FROM state WHERE key = ?),
		(SELECT max(pos) FROM events)`, projectionKey(p), stateRewrites).Scan(&raw, &rewrites, &top); err != nil {
		return fail(err)
	}
	c, ok := parseCursor(raw.String)
	ready, err := p.Ready(ctx, j.db)
	if err != nil {
		return fail(err)
	}
	r, _ := strconv.ParseInt(rewrites.String, 10, 64)
	rebuild := !ok || !ready || c.version != p.Version() || c.rewrites != r || top.Int64-c.pos > catchUpLimit
	var write func(context.Context, *sql.Tx) error
	upTo := top.Int64
	if rebuild {
		if write, err = p.Build(ctx, j.db, upTo); err != nil {
			return fail(err)
		}
	}

	j.mu.Lock()
	defer j.mu.Unlock()
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	now, err := rewritesIn(ctx, tx)
	if err != nil {
		return fail(err)
	}
	if now != r {
		// Events were rewritten meanwhile: fold them again, now holding
		// the journal (a rare case: an enrolment, a clock repaired).
		rebuild = true
		if upTo, err = maxPosIn(ctx, tx); err != nil {
			return fail(err)
		}
		if write, err = p.Build(ctx, j.db, upTo); err != nil {
			return fail(err)
		}
	}
	from := c.pos
	if rebuild {
		if err := write(ctx, tx); err != nil {
			return false, fmt.Errorf("rebuild %s: %w", p.Name(), classify(err))
		}
		from = upTo
	}
	evs, err := eventsAfter(ctx, tx, from)
	if err != nil {
		return fail(err)
	}
	if len(evs) > 0 {
		if err := p.Apply(ctx, tx, evs); err != nil {
			return fail(err)
		}
	}
	last, err := maxPosIn(ctx, tx)
	if err != nil {
		return fail(err)
	}
	if err := setStateIn(ctx, tx, projectionKey(p), cursor{version: p.Version(), rewrites: now, pos: last}.String()); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return rebuild, nil
}

// projectionCurrent reads, outside any write transaction, whether p has
// folded every event under the current version and rewrites.
func (j *Journal) projectionCurrent(ctx context.Context, p Projection) (bool, error) {
	var raw, rewrites sql.NullString
	var top sql.NullInt64
	err := j.db.QueryRowContext(ctx, `SELECT
		(SELECT value FROM state WHERE key = ?),
		(SELECT value FROM state WHERE key = ?),
		(SELECT max(pos) FROM events)`, projectionKey(p), stateRewrites).Scan(&raw, &rewrites, &top)
	if err != nil {
		return false, fmt.Errorf("refresh %s: %w", p.Name(), classify(err))
	}
	c, ok := parseCursor(raw.String)
	if !ok || c.version != p.Version() || c.pos < top.Int64 {
		return false, nil
	}
	r := int64(0)
	if rewrites.String != "" {
		r, _ = strconv.ParseInt(rewrites.String, 10, 64)
	}
	if c.rewrites != r {
		return false, nil
	}
	ready, err := p.Ready(ctx, j.db)
	if err != nil {
		return false, fmt.Errorf("refresh %s: %w", p.Name(), classify(err))
	}
	return ready, nil
}

func eventsAfter(ctx context.Context, tx *sql.Tx, pos int64) ([]Event, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, device_id, seq, wall_ms, hlc, type, learner_id, payload FROM events
		WHERE pos > ? ORDER BY pos`, pos)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, classify(err)
		}
		out = append(out, ev)
	}
	return out, classify(rows.Err())
}

// project folds evs, just stored in tx after position before, into every
// attached projection that was current before them. A projection that
// fails is rolled back alone and forgotten (its cursor deleted), so an
// error in a read model never loses an event: the next Refresh rebuilds
// it. Call with j.mu held.
func (j *Journal) project(ctx context.Context, tx *sql.Tx, before int64, evs []Event) error {
	if len(j.projections) == 0 || len(evs) == 0 {
		return nil
	}
	rewrites, err := rewritesIn(ctx, tx)
	if err != nil {
		return err
	}
	top, err := maxPosIn(ctx, tx)
	if err != nil {
		return err
	}
	for _, p := range j.projections {
		key := projectionKey(p)
		raw, err := stateIn(ctx, tx, key)
		if err != nil {
			return err
		}
		c, ok := parseCursor(raw)
		if !ok || c.version != p.Version() || c.rewrites != rewrites || c.pos < before {
			continue // stale already: Refresh folds these events in order
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT projection`); err != nil {
			return classify(err)
		}
		if err := p.Apply(ctx, tx, evs); err != nil {
			slog.Warn("read model left behind, rebuilt on next read", "projection", p.Name(), "err", err)
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO projection`); err != nil {
				return classify(err)
			}
			if _, err := tx.ExecContext(ctx, `RELEASE projection`); err != nil {
				return classify(err)
			}
			if err := setStateIn(ctx, tx, key, ""); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `RELEASE projection`); err != nil {
			return classify(err)
		}
		c.pos = top
		if err := setStateIn(ctx, tx, key, c.String()); err != nil {
			return err
		}
	}
	return nil
}
