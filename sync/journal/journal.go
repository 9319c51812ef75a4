// Package journal keeps the device's append-only event journal in a local
// SQLite file. Every fact (a learner created, an answer recorded, a
// diagnostic finished…) is an immutable event; everything else is derived
// from events and can be rebuilt. An append returns only once the event is
// durably on disk (WAL, synchronous=FULL), so nothing a visitor saw as saved
// is lost by a crash or a power cut.
//
// Package journal never imports Fyne.
package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Event types written by the kiosk.
const (
	TypeLearnerCreated     = "learner.created"
	TypeSessionStarted     = "session.started"
	TypeAnswerRecorded     = "answer.recorded"
	TypeDiagnosticFinished = "diagnostic.finished"
)

// Event is one immutable fact of the journal.
type Event struct {
	ID        string          `json:"id"`
	DeviceID  string          `json:"device_id"`
	Seq       int64           `json:"seq"`
	WallTime  time.Time       `json:"wall_time"`
	HLC       HLC             `json:"hlc"`
	Type      string          `json:"type"`
	LearnerID string          `json:"learner_id,omitempty"`
	Payload   json.RawMessage `json:"payload"`
}

// ErrCorrupt is returned when the journal file exists but is not a readable
// SQLite database. The file is left untouched.
var ErrCorrupt = errors.New("journal file is damaged")

// ErrFull is returned when the disk holding the journal is full.
var ErrFull = errors.New("disk is full")

// ErrReadOnly is returned when the journal cannot be written.
var ErrReadOnly = errors.New("journal cannot be written")

// Journal is an open journal. It is safe for concurrent use.
type Journal struct {
	db       *sql.DB
	path     string
	deviceID string
	now      func() time.Time
	unsynced bool          // WithoutSync
	offset   time.Duration // server clock minus this device's, once a server said (guarded by mu)

	mu sync.Mutex // serialises appends so sequence numbers never collide
	// projections are the read models folded in each append's
	// transaction (guarded by mu).
	projections []Projection
	refreshMu   sync.Mutex // one projection refresh at a time
}

// Option configures Open.
type Option func(*Journal)

// WithClock replaces the wall clock, for tests and simulations.
func WithClock(now func() time.Time) Option {
	return func(j *Journal) { j.now = now }
}

// WithoutSync makes appends return before the disk holds them
// (synchronous=OFF): only for simulations writing a journal they can make
// again, never for a kiosk — a power cut may lose or damage it.
func WithoutSync() Option {
	return func(j *Journal) { j.unsynced = true }
}

// Open opens the journal at path, creating it if it does not exist, and
// migrates its schema. An existing file that is not a valid journal yields an
// error wrapping ErrCorrupt and is never overwritten.
func Open(ctx context.Context, path string, opts ...Option) (*Journal, error) {
	// secure_delete: an erased learner's rows are overwritten, not left in
	// free pages for anyone reading the file.
	j := &Journal{path: path, now: time.Now}
	for _, o := range opts {
		o(j)
	}
	mode := "FULL"
	if j.unsynced {
		mode = "OFF"
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(" + mode + ")&_pragma=foreign_keys(1)&_pragma=secure_delete(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open journal %s: %w", path, classify(err))
	}
	j.db = db
	if err := j.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open journal %s: %w", path, classify(err))
	}
	if err := j.loadDevice(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open journal %s: %w", path, classify(err))
	}
	if v, err := j.State(ctx, StateClockOffset); err == nil && v != "" {
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
			j.offset = time.Duration(ms) * time.Millisecond
		}
	}
	return j, nil
}

// Close closes the journal.
func (j *Journal) Close() error { return j.db.Close() }

// DeviceID returns the id this device writes its events under: made when
// the journal was created, then the one its sync server gave it (see
// AdoptIdentity).
func (j *Journal) DeviceID() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.deviceID
}

// Path returns the journal's file path.
func (j *Journal) Path() string { return j.path }

// DB gives sibling packages (sync) access to the database. The kiosk's UI
// never uses it: it goes through the journal's methods.
func (j *Journal) DB() *sql.DB { return j.db }

var migrations = []string{
	// 1: device identity, events, and a small key/value store.
	`CREATE TABLE device (
		one INTEGER PRIMARY KEY CHECK (one = 1),
		device_id TEXT NOT NULL,
		last_seq INTEGER NOT NULL DEFAULT 0,
		last_hlc INTEGER NOT NULL DEFAULT 0
	);
	CREATE TABLE events (
		pos INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL UNIQUE,
		device_id TEXT NOT NULL,
		seq INTEGER NOT NULL,
		wall_ms INTEGER NOT NULL,
		hlc INTEGER NOT NULL,
		type TEXT NOT NULL,
		learner_id TEXT NOT NULL DEFAULT '',
		payload BLOB NOT NULL,
		sent INTEGER NOT NULL DEFAULT 0,
		UNIQUE (device_id, seq)
	);
	CREATE INDEX events_learner ON events (learner_id, pos);
	CREATE INDEX events_unsent ON events (sent, pos);
	CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
	// 2: (device_id, seq) is no longer unique: a journal restored from an
	// old copy, or cloned, re-used sequence numbers, and the other devices
	// of its site must keep both events (their ids differ). The identities
	// table remembers every device id this journal has written under.
	`CREATE TABLE events2 (
		pos INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL UNIQUE,
		device_id TEXT NOT NULL,
		seq INTEGER NOT NULL,
		wall_ms INTEGER NOT NULL,
		hlc INTEGER NOT NULL,
		type TEXT NOT NULL,
		learner_id TEXT NOT NULL DEFAULT '',
		payload BLOB NOT NULL,
		sent INTEGER NOT NULL DEFAULT 0
	);
	INSERT INTO events2 (pos, id, device_id, seq, wall_ms, hlc, type, learner_id, payload, sent)
		SELECT pos, id, device_id, seq, wall_ms, hlc, type, learner_id, payload, sent FROM events;
	DROP TABLE events;
	ALTER TABLE events2 RENAME TO events;
	CREATE INDEX events_learner ON events (learner_id, pos);
	CREATE INDEX events_unsent ON events (sent, pos);
	CREATE TABLE identities (
		device_id TEXT PRIMARY KEY,
		adopted_ms INTEGER NOT NULL,
		reason TEXT NOT NULL,
		previous TEXT NOT NULL DEFAULT '',
		moved INTEGER NOT NULL DEFAULT 0
	);`,
	// 3: reading one rare type (paths, links) without scanning every
	// answer of a large site's journal.
	`CREATE INDEX events_type ON events (type, pos);`,
}

func (j *Journal) migrate(ctx context.Context) error {
	var version int
	if err := j.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("journal schema %d is newer than this program (%d)", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		tx, err := j.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
	}
	return nil
}

func (j *Journal) loadDevice(ctx context.Context) error {
	err := j.db.QueryRowContext(ctx, "SELECT device_id FROM device").Scan(&j.deviceID)
	if errors.Is(err, sql.ErrNoRows) {
		id, err := uuid.NewV7()
		if err != nil {
			return err
		}
		if _, err := j.db.ExecContext(ctx, "INSERT INTO device (one, device_id) VALUES (1, ?)", id.String()); err != nil {
			return err
		}
		j.deviceID = id.String()
		return nil
	}
	return err
}

// Append durably records a new event of the given type about a learner
// (learnerID may be empty) with payload marshalled as JSON. It returns once
// the event is on disk, in its own transaction.
func (j *Journal) Append(ctx context.Context, typ, learnerID string, payload any) (Event, error) {
	evs, err := j.AppendBatch(ctx, []Draft{{Type: typ, LearnerID: learnerID, Payload: payload}})
	if err != nil {
		return Event{}, err
	}
	return evs[0], nil
}

// Draft is an event to append: its type, learner (may be empty) and
// payload, marshalled as JSON.
type Draft struct {
	Type      string
	LearnerID string
	Payload   any
}

// AppendBatch durably records several events in one transaction, in order:
// all of them or none. It is how a simulation writes a large journal
// quickly; the kiosk appends one event at a time.
func (j *Journal) AppendBatch(ctx context.Context, drafts []Draft) ([]Event, error) {
	if len(drafts) == 0 {
		return nil, nil
	}
	typ := drafts[0].Type
	bodies := make([][]byte, len(drafts))
	ids := make([]string, len(drafts))
	for i, d := range drafts {
		body, err := json.Marshal(d.Payload)
		if err != nil {
			return nil, fmt.Errorf("append %s: encode payload: %w", d.Type, err)
		}
		id, err := uuid.NewV7()
		if err != nil {
			return nil, fmt.Errorf("append %s: %w", d.Type, err)
		}
		bodies[i], ids[i] = body, id.String()
	}
	j.mu.Lock()
	defer j.mu.Unlock()

	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("append %s: %w", typ, classify(err))
	}
	defer tx.Rollback()
	var lastSeq int64
	var lastHLC HLC
	if err := tx.QueryRowContext(ctx, "SELECT last_seq, last_hlc FROM device").Scan(&lastSeq, &lastHLC); err != nil {
		return nil, fmt.Errorf("append %s: %w", typ, classify(err))
	}
	before, err := maxPosIn(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("append %s: %w", typ, err)
	}
	now := j.now()
	// The clock corrected by the server's once a server said; a clock that
	// ran ahead is repaired before the next push (RestampAhead).
	clock := now.Add(j.offset)
	evs := make([]Event, len(drafts))
	for i, d := range drafts {
		lastSeq++
		lastHLC = Tick(lastHLC, clock)
		ev := Event{
			ID:        ids[i],
			DeviceID:  j.deviceID,
			Seq:       lastSeq,
			WallTime:  now.UTC().Truncate(time.Millisecond),
			HLC:       lastHLC,
			Type:      d.Type,
			LearnerID: d.LearnerID,
			Payload:   bodies[i],
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO events (id, device_id, seq, wall_ms, hlc, type, learner_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			ev.ID, ev.DeviceID, ev.Seq, ev.WallTime.UnixMilli(), int64(ev.HLC), ev.Type, ev.LearnerID, []byte(ev.Payload)); err != nil {
			return nil, fmt.Errorf("append %s: %w", d.Type, classify(err))
		}
		evs[i] = ev
	}
	if _, err := tx.ExecContext(ctx, "UPDATE device SET last_seq = ?, last_hlc = ?", lastSeq, int64(lastHLC)); err != nil {
		return nil, fmt.Errorf("append %s: %w", typ, classify(err))
	}
	if err := j.project(ctx, tx, before, evs); err != nil {
		return nil, fmt.Errorf("append %s: %w", typ, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("append %s: %w", typ, classify(err))
	}
	return evs, nil
}

// Filter selects events for Each. The zero Filter selects every event.
type Filter struct {
	LearnerID string // only this learner's events, if set
	Type      string // only events of this type, if set
}

// Each calls fn for every event matching f, in the order they entered this
// journal. It stops at the first error fn returns.
func (j *Journal) Each(ctx context.Context, f Filter, fn func(Event) error) error {
	q := `SELECT id, device_id, seq, wall_ms, hlc, type, learner_id, payload FROM events WHERE 1=1`
	var args []any
	if f.LearnerID != "" {
		q += " AND learner_id = ?"
		args = append(args, f.LearnerID)
	}
	if f.Type != "" {
		q += " AND type = ?"
		args = append(args, f.Type)
	}
	rows, err := j.db.QueryContext(ctx, q+" ORDER BY pos", args...)
	if err != nil {
		return fmt.Errorf("read journal: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return fmt.Errorf("read journal: %w", classify(err))
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read journal: %w", classify(err))
	}
	return nil
}

// Events returns the events matching f, in journal order.
func (j *Journal) Events(ctx context.Context, f Filter) ([]Event, error) {
	var out []Event
	err := j.Each(ctx, f, func(e Event) error { out = append(out, e); return nil })
	return out, err
}

// WriteJSONLines writes every event as one JSON object a line.
func (j *Journal) WriteJSONLines(ctx context.Context, w io.Writer) error {
	enc := json.NewEncoder(w)
	return j.Each(ctx, Filter{}, func(e Event) error { return enc.Encode(e) })
}

type scanner interface{ Scan(dest ...any) error }

func scanEvent(r scanner) (Event, error) {
	var ev Event
	var wall int64
	var payload []byte
	if err := r.Scan(&ev.ID, &ev.DeviceID, &ev.Seq, &wall, &ev.HLC, &ev.Type, &ev.LearnerID, &payload); err != nil {
		return Event{}, err
	}
	ev.WallTime = time.UnixMilli(wall).UTC()
	ev.Payload = payload
	return ev, nil
}

// classify maps SQLite failures that callers handle to the package's
// sentinel errors, keeping the original error in the chain.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return errors.Join(ErrCorrupt, err)
		case sqlite3.SQLITE_FULL:
			return errors.Join(ErrFull, err)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			return errors.Join(ErrReadOnly, err)
		}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not a database"), strings.Contains(msg, "malformed"):
		return errors.Join(ErrCorrupt, err)
	case strings.Contains(msg, "database or disk is full"):
		return errors.Join(ErrFull, err)
	case strings.Contains(msg, "readonly"), strings.Contains(msg, "unable to open"):
		return errors.Join(ErrReadOnly, err)
	}
	return err
}
