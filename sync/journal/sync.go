package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
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
	StateDeviceName  = "sync.device_name" // the readable name the server gave this device
	StatePullCursor  = "sync.pull_cursor"
	StateLastAttempt = "sync.last_attempt"
	StateLastSuccess = "sync.last_success"
	StateLastError   = "sync.last_error"
	StateLastErrKind = "sync.last_error_kind"
	StatePackVersion = "sync.pack_version"
	// StateClockOffset is the server's clock minus this device's, in ms,
	// as last measured (see SetClockOffset).
	StateClockOffset = "sync.clock_offset_ms"
	// StatePendingKey, StatePendingCode and StatePendingServer keep an
	// enrolment (or identity change) in flight: the device token it
	// proposed, for which code and server, so a retry after a lost answer
	// proposes the same one and the server answers the same.
	StatePendingKey    = "sync.pending_key"
	StatePendingCode   = "sync.pending_code"
	StatePendingServer = "sync.pending_server"
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
	before, err := maxPosIn(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("merge: %w", err)
	}
	var maxHLC HLC
	added := 0
	var fresh []Event
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
			fresh = append(fresh, ev)
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
	if err := j.project(ctx, tx, before, fresh); err != nil {
		return 0, fmt.Errorf("merge: %w", err)
	}
	if maxHLC > 0 {
		if err := observeIn(ctx, tx, maxHLC, j.now().Add(j.offset)); err != nil {
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
	if err := observeIn(ctx, tx, remote, j.now().Add(j.offset)); err != nil {
		return err
	}
	return classify(tx.Commit())
}

// SetClockOffset records how far the server's clock is from this device's
// (server minus device). From then on the device's hybrid clock runs on the
// corrected time, so a kiosk whose clock is years ahead stops making
// timestamps the server refuses. The wall time of events stays the
// device's own.
func (j *Journal) SetClockOffset(ctx context.Context, d time.Duration) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	d = d.Round(time.Millisecond)
	if d == j.offset {
		return nil
	}
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set clock offset: %w", classify(err))
	}
	defer tx.Rollback()
	if err := setStateIn(ctx, tx, StateClockOffset, strconv.FormatInt(d.Milliseconds(), 10)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set clock offset: %w", classify(err))
	}
	j.offset = d
	return nil
}

// RestampAhead repairs a clock that ran ahead: every unsent event of this
// device from the first one stamped beyond Limit(corrected now) gets a new
// timestamp in the same order, after every sane timestamp the journal
// holds, and the device's clock moves back with them. Unsent events were
// seen by no one, so nothing else changes; a pending event can therefore
// always be sent, whatever the device's clock did. It returns how many
// events were re-stamped.
func (j *Journal) RestampAhead(ctx context.Context) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now().Add(j.offset)
	limit := Limit(now)
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("restamp: %w", classify(err))
	}
	defer tx.Rollback()
	var last HLC
	if err := tx.QueryRowContext(ctx, `SELECT last_hlc FROM device`).Scan(&last); err != nil {
		return 0, fmt.Errorf("restamp: %w", classify(err))
	}
	var first sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT min(pos) FROM events WHERE sent = 0 AND device_id = ? AND hlc > ?`,
		j.deviceID, int64(limit)).Scan(&first); err != nil {
		return 0, fmt.Errorf("restamp: %w", classify(err))
	}
	if last <= limit && !first.Valid {
		return 0, nil
	}
	var sane HLC
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(hlc), 0) FROM events WHERE hlc <= ?`, int64(limit)).Scan(&sane); err != nil {
		return 0, fmt.Errorf("restamp: %w", classify(err))
	}
	c := sane
	n := 0
	if first.Valid {
		rows, err := tx.QueryContext(ctx, `SELECT pos FROM events WHERE sent = 0 AND device_id = ? AND pos >= ? ORDER BY pos`,
			j.deviceID, first.Int64)
		if err != nil {
			return 0, fmt.Errorf("restamp: %w", classify(err))
		}
		var pos []int64
		for rows.Next() {
			var p int64
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return 0, fmt.Errorf("restamp: %w", classify(err))
			}
			pos = append(pos, p)
		}
		rows.Close()
		for _, p := range pos {
			c = Tick(c, now)
			if _, err := tx.ExecContext(ctx, `UPDATE events SET hlc = ? WHERE pos = ?`, int64(c), p); err != nil {
				return 0, fmt.Errorf("restamp: %w", classify(err))
			}
			n++
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE device SET last_hlc = ?`, int64(c)); err != nil {
		return 0, fmt.Errorf("restamp: %w", classify(err))
	}
	if n > 0 {
		// Read models ordered by the old clocks are rebuilt.
		if err := bumpRewrites(ctx, tx); err != nil {
			return 0, fmt.Errorf("restamp: %w", err)
		}
	}
	return n, classify(tx.Commit())
}

// Clock returns the device's own wall clock (not corrected by the
// server's), as the journal reads it.
func (j *Journal) Clock() time.Time { return j.now() }

// ClockOffset returns the server's clock minus the device's, as last set.
func (j *Journal) ClockOffset() time.Duration {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.offset
}

// LastSeq returns the sequence number of this device's latest event.
func (j *Journal) LastSeq(ctx context.Context) (int64, error) {
	var n int64
	err := j.db.QueryRowContext(ctx, `SELECT last_seq FROM device`).Scan(&n)
	return n, classify(err)
}

// Reasons for AdoptIdentity.
const (
	IdentityEnrolled = "enrolled" // the server gave this device its id at enrolment
	IdentityRestored = "restored" // the journal was restored from an older copy
	IdentityCopied   = "copied"   // another machine writes under the same id (a clone)
)

// AdoptIdentity makes newID this device's id from now on, in one
// transaction: the events the server has not acknowledged move to the new
// id, renumbered 1, 2, 3… in journal order (their event ids stay, so an
// event that did reach the server is still stored once), events already
// acknowledged keep the id they were sent under, the pull cursor restarts
// (so the device fetches back what the server holds under its old id and
// it lacks), and the state pairs kv (the new token…) are written with it.
// This is how a restored or cloned journal stops re-using sequence numbers
// (Kolibri's Morango does the same), and how a device takes the id its
// server chose at enrolment. It returns how many events moved.
func (j *Journal) AdoptIdentity(ctx context.Context, newID, reason string, kv ...string) (int, error) {
	if len(kv)%2 != 0 {
		return 0, errors.New("adopt identity: odd number of state arguments")
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	old := j.deviceID
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("adopt identity: %w", classify(err))
	}
	defer tx.Rollback()
	if newID == old {
		for i := 0; i < len(kv); i += 2 {
			if err := setStateIn(ctx, tx, kv[i], kv[i+1]); err != nil {
				return 0, err
			}
		}
		return 0, classify(tx.Commit())
	}
	rows, err := tx.QueryContext(ctx, `SELECT pos FROM events WHERE device_id = ? AND sent = 0 ORDER BY pos`, old)
	if err != nil {
		return 0, fmt.Errorf("adopt identity: %w", classify(err))
	}
	var pos []int64
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return 0, fmt.Errorf("adopt identity: %w", classify(err))
		}
		pos = append(pos, p)
	}
	rows.Close()
	for i, p := range pos {
		if _, err := tx.ExecContext(ctx, `UPDATE events SET device_id = ?, seq = ? WHERE pos = ?`, newID, i+1, p); err != nil {
			return 0, fmt.Errorf("adopt identity: %w", classify(err))
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE device SET device_id = ?, last_seq = ?`, newID, len(pos)); err != nil {
		return 0, fmt.Errorf("adopt identity: %w", classify(err))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO identities (device_id, adopted_ms, reason, previous, moved) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (device_id) DO NOTHING`, newID, j.now().UnixMilli(), reason, old, len(pos)); err != nil {
		return 0, fmt.Errorf("adopt identity: %w", classify(err))
	}
	if err := setStateIn(ctx, tx, StatePullCursor, ""); err != nil {
		return 0, err
	}
	// Read models that know which events are this device's are rebuilt.
	if err := bumpRewrites(ctx, tx); err != nil {
		return 0, fmt.Errorf("adopt identity: %w", err)
	}
	for i := 0; i < len(kv); i += 2 {
		if err := setStateIn(ctx, tx, kv[i], kv[i+1]); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("adopt identity: %w", classify(err))
	}
	j.deviceID = newID
	return len(pos), nil
}

// IdentityChange is one change of device id (see AdoptIdentity).
type IdentityChange struct {
	At       time.Time
	Reason   string // IdentityEnrolled, IdentityRestored or IdentityCopied
	Previous string // the id used before
	Current  string // the id adopted
	Moved    int    // unsent events that moved to the new id
}

// IdentityChanges lists this journal's changes of device id, oldest first.
func (j *Journal) IdentityChanges(ctx context.Context) ([]IdentityChange, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT device_id, adopted_ms, reason, previous, moved FROM identities ORDER BY adopted_ms, rowid`)
	if err != nil {
		return nil, fmt.Errorf("identity changes: %w", classify(err))
	}
	defer rows.Close()
	var out []IdentityChange
	for rows.Next() {
		var c IdentityChange
		var ms int64
		if err := rows.Scan(&c.Current, &ms, &c.Reason, &c.Previous, &c.Moved); err != nil {
			return nil, fmt.Errorf("identity changes: %w", classify(err))
		}
		c.At = time.UnixMilli(ms).UTC()
		out = append(out, c)
	}
	return out, classify(rows.Err())
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
	if err := j.ApplyErasures(ctx); err != nil {
		return ev, err
	}
	// The write-ahead log still holds the pages as they were before the
	// deletion: fold it into the (securely overwritten) file and empty it.
	if _, err := j.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return ev, fmt.Errorf("erase learner: checkpoint: %w", classify(err))
	}
	return ev, nil
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
	DeviceName  string    // this device's readable name on the server ("Médiathèque #3")
	LastAttempt time.Time // zero if never tried
	LastSuccess time.Time // zero if never synced
	Pending     int       // events not yet on the server
	LastError   string    // plain words, empty after a success
	ErrorKind   string    // problem kind ("rate-limited", "unauthorized", "network"…), for translation
	// Reset is the latest time this device found its journal had been
	// restored from an older copy or copied onto another machine, and took
	// a new identity (zero if never). ResetReason is IdentityRestored or
	// IdentityCopied; Resets counts them. The mediator area says so: the
	// data folder should sit where the restore tool leaves it alone.
	Reset       time.Time
	ResetReason string
	Resets      int
}

// ErrorKey returns the translation key (in assets/i18n/sync.*.json) of
// the last sync error, so the mediator area and the command line say it in
// the interface's language; "" after a success or when no kind was kept
// (then LastError is all there is).
func (s SyncStatus) ErrorKey() string {
	if s.LastError == "" || s.ErrorKind == "" {
		return ""
	}
	return SyncErrorKey(s.ErrorKind)
}

// SyncErrorKey maps a sync error kind to its translation key.
func SyncErrorKey(kind string) string {
	switch kind {
	case "network", "not-enrolled", "insecure", "unauthorized", "bad-enrolment-code", "other-site", "unsupported-version", "journal":
		return "sync.error." + kind
	case "rate-limited", "unavailable", "internal":
		return "sync.error.busy"
	}
	return "sync.error.other"
}

// ResetKey returns the translation key of the notice about the latest
// restore or copy of this device's journal ({when} to fill), or "".
func (s SyncStatus) ResetKey() string {
	if s.Resets == 0 {
		return ""
	}
	return "sync.reset." + s.ResetReason
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
	s.DeviceName = vals[StateDeviceName]
	s.Enrolled = s.ServerURL != "" && vals[StateToken] != ""
	s.LastAttempt = parseTime(vals[StateLastAttempt])
	s.LastSuccess = parseTime(vals[StateLastSuccess])
	s.LastError = vals[StateLastError]
	s.ErrorKind = vals[StateLastErrKind]
	changes, err := j.IdentityChanges(ctx)
	if err != nil {
		return s, err
	}
	for _, c := range changes {
		if c.Reason == IdentityRestored || c.Reason == IdentityCopied {
			s.Resets++
			s.Reset, s.ResetReason = c.At, c.Reason
		}
	}
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
