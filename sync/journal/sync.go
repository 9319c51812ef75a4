package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Event types the sync protocol adds to the kiosk's (docs/sync-protocol.md).
const (
	TypeLearnerRenamed = "learner.renamed"
	TypeLearnerErased  = "learner.erased"
	TypePathAssigned   = "path.assigned"
	TypeModuleMastered = "module.mastered"
)

// Keys of the state table used by sync.
const (
	StateServerURL   = "sync.server_url"
	StateToken       = "sync.token"
	StateSiteID      = "sync.site_id"
	StateSiteName    = "sync.site_name"
	StatePullCursor  = "sync.pull_cursor"
	StateLastAttempt = "sync.last_attempt"
	StateLastSuccess = "sync.last_success"
	StateLastError   = "sync.last_error"
	StateLastErrKind = "sync.last_error_kind"
	StatePackVersion = "sync.pack_version"
)

// Unsent returns up to limit events of this device that the server has not
// acknowledged, oldest first.
func (j *Journal) Unsent(ctx context.Context, limit int) ([]Event, error) {
	rows, err := j.db.QueryContext(ctx,
		`SELECT id, device_id, seq, wall_ms, hlc, type, learner_id, payload FROM events
		 WHERE sent = 0 ORDER BY pos LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read unsent events: %w", classify(err))
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("read unsent events: %w", classify(err))
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Pending counts the events the server has not acknowledged yet.
func (j *Journal) Pending(ctx context.Context) (int, error) {
	var n int
	err := j.db.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE sent = 0`).Scan(&n)
	return n, classify(err)
}

// MarkSent records that the server holds the events with these ids. Call it
// only with ids the server listed as accepted.
func (j *Journal) MarkSent(ctx context.Context, ids []string) error {
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("mark sent: %w", classify(err))
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `UPDATE events SET sent = 1 WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("mark sent: %w", classify(err))
	}
	defer stmt.Close()
	for _, id := range ids {
		if _, err := stmt.ExecContext(ctx, id); err != nil {
			return fmt.Errorf("mark sent: %w", classify(err))
		}
	}
	return classify(tx.Commit())
}

// Merge adds events pulled from the server to the journal, in one
// transaction: an event whose id is already here is ignored (merging is a
// union, so merging twice is harmless), new ones are stored as already sent,
// the device's hybrid clock observes their clocks so its next events sort
// after them, and cursor (when not empty) is saved as the pull cursor with
// them, so a crash never loses or skips a page. A learner.erased event
// erases its learner here too (see ApplyErasures). It returns how many
// events were new.
func (j *Journal) Merge(ctx context.Context, events []Event, cursor string) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("merge: %w", classify(err))
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO events
		(id, device_id, seq, wall_ms, hlc, type, learner_id, payload, sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`)
	if err != nil {
		return 0, fmt.Errorf("merge: %w", classify(err))
	}
	defer stmt.Close()
	var maxHLC HLC
	added := 0
	learners := map[string]bool{}
	for _, ev := range events {
		if len(ev.Payload) == 0 {
			ev.Payload = json.RawMessage("null")
		}
		res, err := stmt.ExecContext(ctx, ev.ID, ev.DeviceID, ev.Seq, ev.WallTime.UnixMilli(), int64(ev.HLC),
			ev.Type, ev.LearnerID, []byte(ev.Payload))
		if err != nil {
			return 0, fmt.Errorf("merge event %s: %w", ev.ID, classify(err))
		}
		if n, _ := res.RowsAffected(); n == 1 {
			added++
		}
		if ev.HLC > maxHLC {
			maxHLC = ev.HLC
		}
		if ev.LearnerID != "" {
			learners[ev.LearnerID] = true
		}
	}
	if err := eraseIn(ctx, tx, learners); err != nil {
		return 0, err
	}
	if maxHLC > 0 {
		if err := observeIn(ctx, tx, maxHLC, j.now()); err != nil {
			return 0, err
		}
	}
	if cursor != "" {
		if err := setStateIn(ctx, tx, StatePullCursor, cursor); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("merge: %w", classify(err))
	}
	return added, nil
}

// ObserveHLC moves the device's hybrid clock past remote (the server's
// highest clock, say), so the device's next events sort after it.
func (j *Journal) ObserveHLC(ctx context.Context, remote HLC) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	if err := observeIn(ctx, tx, remote, j.now()); err != nil {
		return err
	}
	return classify(tx.Commit())
}

func observeIn(ctx context.Context, tx *sql.Tx, remote HLC, now time.Time) error {
	var last HLC
	if err := tx.QueryRowContext(ctx, `SELECT last_hlc FROM device`).Scan(&last); err != nil {
		return fmt.Errorf("observe clock: %w", classify(err))
	}
	if remote <= last {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE device SET last_hlc = ?`, int64(Observe(last, remote, now))); err != nil {
		return fmt.Errorf("observe clock: %w", classify(err))
	}
	return nil
}

// Erase forgets a learner: it appends a learner.erased tombstone (which
// syncs, so the learner disappears from every device of the site) and then
// deletes the learner's other events from this journal, sent or not.
func (j *Journal) Erase(ctx context.Context, learnerID, reason string) (Event, error) {
	if learnerID == "" {
		return Event{}, errors.New("erase: no learner")
	}
	ev, err := j.Append(ctx, TypeLearnerErased, learnerID, map[string]string{"reason": reason})
	if err != nil {
		return Event{}, err
	}
	return ev, j.ApplyErasures(ctx)
}

// ApplyErasures deletes, for every learner with a learner.erased event, all
// of that learner's other events. Erasure is done by deletion, not by
// filtering, so nothing about the learner remains on disk but the tombstone
// (its id, the learner's id and a time). It is idempotent; Erase and Merge
// apply it, and the sync client calls it on every sync so an erasure
// interrupted by a crash completes.
func (j *Journal) ApplyErasures(ctx context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	_, err := j.db.ExecContext(ctx, `DELETE FROM events WHERE type <> ? AND learner_id IN
		(SELECT learner_id FROM events WHERE type = ? AND learner_id <> '')`, TypeLearnerErased, TypeLearnerErased)
	if err != nil {
		return fmt.Errorf("apply erasures: %w", classify(err))
	}
	return nil
}

func eraseIn(ctx context.Context, tx *sql.Tx, learners map[string]bool) error {
	for id := range learners {
		if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE learner_id = ? AND type <> ?
			AND EXISTS (SELECT 1 FROM events WHERE learner_id = ? AND type = ?)`,
			id, TypeLearnerErased, id, TypeLearnerErased); err != nil {
			return fmt.Errorf("erase learner: %w", classify(err))
		}
	}
	return nil
}

// State returns the value stored under key in the state table, or "".
func (j *Journal) State(ctx context.Context, key string) (string, error) {
	var v string
	err := j.db.QueryRowContext(ctx, `SELECT value FROM state WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read state %s: %w", key, classify(err))
	}
	return v, nil
}

// SetState stores values in the state table in one transaction, as
// key, value pairs. An empty value deletes the key.
func (j *Journal) SetState(ctx context.Context, kv ...string) error {
	if len(kv)%2 != 0 {
		return errors.New("set state: odd number of arguments")
	}
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set state: %w", classify(err))
	}
	defer tx.Rollback()
	for i := 0; i < len(kv); i += 2 {
		if err := setStateIn(ctx, tx, kv[i], kv[i+1]); err != nil {
			return err
		}
	}
	return classify(tx.Commit())
}

func setStateIn(ctx context.Context, tx *sql.Tx, key, value string) error {
	var err error
	if value == "" {
		_, err = tx.ExecContext(ctx, `DELETE FROM state WHERE key = ?`, key)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO state (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	}
	if err != nil {
		return fmt.Errorf("set state %s: %w", key, classify(err))
	}
	return nil
}

// SyncStatus is what the mediator area shows about sync.
type SyncStatus struct {
	Enrolled    bool      // a server and a token are configured
	ServerURL   string    // where this device syncs
	SiteName    string    // the site it belongs to
	LastAttempt time.Time // zero if never tried
	LastSuccess time.Time // zero if never synced
	Pending     int       // events not yet on the server
	LastError   string    // plain words, empty after a success
	ErrorKind   string    // problem kind ("rate-limited", "unauthorized", "network"…), for translation
}

// SyncStatus reads the sync status.
func (j *Journal) SyncStatus(ctx context.Context) (SyncStatus, error) {
	var s SyncStatus
	vals := map[string]string{}
	rows, err := j.db.QueryContext(ctx, `SELECT key, value FROM state WHERE key LIKE 'sync.%'`)
	if err != nil {
		return s, fmt.Errorf("sync status: %w", classify(err))
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return s, classify(err)
		}
		vals[k] = v
	}
	rows.Close()
	s.ServerURL = vals[StateServerURL]
	s.SiteName = vals[StateSiteName]
	s.Enrolled = s.ServerURL != "" && vals[StateToken] != ""
	s.LastAttempt = parseTime(vals[StateLastAttempt])
	s.LastSuccess = parseTime(vals[StateLastSuccess])
	s.LastError = vals[StateLastError]
	s.ErrorKind = vals[StateLastErrKind]
	s.Pending, err = j.Pending(ctx)
	return s, err
}

// RecordSync stores the outcome of a sync attempt made at at: an empty
// message means success.
func (j *Journal) RecordSync(ctx context.Context, at time.Time, kind, message string) error {
	ts := at.UTC().Format(time.RFC3339Nano)
	if message == "" {
		return j.SetState(ctx, StateLastAttempt, ts, StateLastSuccess, ts, StateLastError, "", StateLastErrKind, "")
	}
	return j.SetState(ctx, StateLastAttempt, ts, StateLastError, message, StateLastErrKind, kind)
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// Learner is a learner folded from the journal.
type Learner struct {
	ID          string
	Name        string
	PictureCode string
	CreatedBy   string // device id
	HLC         HLC    // clock of the event that set the name

	eventID string // tie-break between equal clocks
}

// Learners folds learner.created and learner.renamed events: the name with
// the highest hybrid clock wins, whatever order the events arrived in, so
// every device of a site shows the same name. Erased learners are absent.
func (j *Journal) Learners(ctx context.Context) ([]Learner, error) {
	byID := map[string]*Learner{}
	erased := map[string]bool{}
	err := j.Each(ctx, Filter{}, func(e Event) error {
		switch e.Type {
		case TypeLearnerErased:
			erased[e.LearnerID] = true
		case TypeLearnerCreated, TypeLearnerRenamed:
			var p struct {
				Name        string `json:"name"`
				PictureCode string `json:"picture_code"`
			}
			_ = json.Unmarshal(e.Payload, &p)
			l := byID[e.LearnerID]
			if l == nil {
				l = &Learner{ID: e.LearnerID}
				byID[e.LearnerID] = l
			}
			if e.Type == TypeLearnerCreated {
				l.CreatedBy = e.DeviceID
				if p.PictureCode != "" {
					l.PictureCode = p.PictureCode
				}
			}
			if p.Name != "" && (e.HLC > l.HLC || (e.HLC == l.HLC && e.ID > l.eventID)) {
				l.HLC, l.eventID, l.Name = e.HLC, e.ID, p.Name
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Learner, 0, len(byID))
	for id, l := range byID {
		if !erased[id] && id != "" {
			out = append(out, *l)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out, nil
}
