package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"github.com/tremplin-numerique/tremplin/sync/wire"
	_ "modernc.org/sqlite" // pure-Go SQLite driver "sqlite"
)

// Errors returned by the store; the HTTP layer maps them to problems.
var (
	ErrUnauthorized = errors.New("unknown or revoked token")
	ErrBadCode      = errors.New("unknown, expired or already used enrolment code")
	ErrOtherSite    = errors.New("device already enrolled in another site")
	ErrForbidden    = errors.New("event of another device")
	ErrNotFound     = errors.New("not found")
)

// Store keeps sites, devices, enrolment codes, events and packs in SQLite
// or PostgreSQL through database/sql. The same SQL runs on both, with ?
// placeholders rewritten for PostgreSQL.
type Store struct {
	db       *sql.DB
	postgres bool
	wmu      sync.Mutex // SQLite only: one writer at a time, without busy-waiting
	now      func() time.Time
}

// Site is a place with kiosks; nothing crosses from one site to another.
type Site struct {
	ID      string
	Name    string
	Created time.Time
}

// Device is an enrolled kiosk.
type Device struct {
	ID       string
	SiteID   string
	Name     string
	Created  time.Time
	LastSeen time.Time
	Revoked  bool
}

// OpenStore opens dsn — "sqlite:PATH" or "postgres://…" — and migrates it.
func OpenStore(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{now: time.Now}
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s.postgres = true
		s.db, err = sql.Open("pgx", dsn)
		if err == nil {
			s.db.SetMaxOpenConns(32)
			s.db.SetMaxIdleConns(32)
		}
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		s.db, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)"+
			"&_pragma=synchronous(FULL)&_txlock=immediate")
		if err == nil {
			s.db.SetMaxOpenConns(8)
		}
	default:
		return nil, fmt.Errorf("database %q: want sqlite:PATH or postgres://…", dsn)
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Dialect names the database kind ("sqlite" or "postgres").
func (s *Store) Dialect() string {
	if s.postgres {
		return "postgres"
	}
	return "sqlite"
}

var schema = []string{
	`CREATE TABLE sites (
		id TEXT PRIMARY KEY,
		name TEXT NOT NULL,
		created_ms BIGINT NOT NULL,
		last_pos BIGINT NOT NULL DEFAULT 0,
		max_hlc BIGINT NOT NULL DEFAULT 0
	);
	CREATE TABLE enrol_codes (
		hash TEXT PRIMARY KEY,
		site_id TEXT NOT NULL REFERENCES sites (id),
		created_ms BIGINT NOT NULL,
		expires_ms BIGINT NOT NULL,
		used_ms BIGINT,
		device_id TEXT
	);
	CREATE TABLE devices (
		id TEXT PRIMARY KEY,
		site_id TEXT NOT NULL REFERENCES sites (id),
		name TEXT NOT NULL DEFAULT '',
		token_hash TEXT NOT NULL UNIQUE,
		created_ms BIGINT NOT NULL,
		last_seen_ms BIGINT NOT NULL DEFAULT 0,
		revoked_ms BIGINT
	);
	CREATE TABLE events (
		id TEXT PRIMARY KEY,
		site_id TEXT NOT NULL,
		site_pos BIGINT NOT NULL,
		device_id TEXT NOT NULL,
		seq BIGINT NOT NULL,
		wall_ms BIGINT NOT NULL,
		hlc BIGINT NOT NULL,
		type TEXT NOT NULL,
		learner_id TEXT NOT NULL DEFAULT '',
		payload BLOB NOT NULL,
		received_ms BIGINT NOT NULL
	);
	CREATE UNIQUE INDEX events_site_pos ON events (site_id, site_pos);
	CREATE INDEX events_learner ON events (site_id, learner_id);
	CREATE TABLE erased (
		site_id TEXT NOT NULL,
		learner_id TEXT NOT NULL,
		erased_ms BIGINT NOT NULL,
		PRIMARY KEY (site_id, learner_id)
	);
	CREATE TABLE packs (
		version TEXT PRIMARY KEY,
		published_ms BIGINT NOT NULL,
		sha256 TEXT NOT NULL,
		signature TEXT NOT NULL,
		size BIGINT NOT NULL,
		data BLOB NOT NULL
	);`,
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (v INTEGER NOT NULL)`); err != nil {
		return err
	}
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT v FROM schema_version`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO schema_version (v) VALUES (0)`); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	for ; v < len(schema); v++ {
		ddl := schema[v]
		if s.postgres {
			ddl = strings.ReplaceAll(ddl, "BLOB", "BYTEA")
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, stmt := range strings.Split(ddl, ";") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("schema %d: %w", v+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE schema_version SET v = ?`), v+1); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// q rewrites ? placeholders as $1, $2… for PostgreSQL.
func (s *Store) q(query string) string {
	if !s.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writeTx runs fn in a write transaction.
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if !s.postgres {
		s.wmu.Lock()
		defer s.wmu.Unlock()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// AddSite creates a site.
func (s *Store) AddSite(ctx context.Context, name string) (Site, error) {
	site := Site{ID: uuid.Must(uuid.NewV7()).String(), Name: name, Created: s.now().UTC()}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO sites (id, name, created_ms) VALUES (?, ?, ?)`),
			site.ID, site.Name, site.Created.UnixMilli())
		return err
	})
	return site, err
}

// Sites lists the sites.
func (s *Store) Sites(ctx context.Context) ([]Site, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, created_ms FROM sites ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Site
	for rows.Next() {
		var st Site
		var ms int64
		if err := rows.Scan(&st.ID, &st.Name, &ms); err != nil {
			return nil, err
		}
		st.Created = time.UnixMilli(ms).UTC()
		out = append(out, st)
	}
	return out, rows.Err()
}

// FindSite finds a site by id or exact name.
func (s *Store) FindSite(ctx context.Context, idOrName string) (Site, error) {
	var st Site
	var ms int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, name, created_ms FROM sites WHERE id = ? OR name = ? ORDER BY id LIMIT 1`),
		idOrName, idOrName).Scan(&st.ID, &st.Name, &ms)
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("site %q: %w", idOrName, ErrNotFound)
	}
	st.Created = time.UnixMilli(ms).UTC()
	return st, err
}

// codeAlphabet is Crockford's base 32: no I, L, O, U to misread.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NormalizeCode upper-cases a typed code and removes dashes and spaces.
func NormalizeCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		switch {
		case r == '-' || r == ' ':
		case r == 'O':
			b.WriteRune('0')
		case r == 'I' || r == 'L':
			b.WriteRune('1')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NewEnrolCode makes a single-use enrolment code for a site, valid for ttl.
// Only its hash is stored.
func (s *Store) NewEnrolCode(ctx context.Context, siteID string, ttl time.Duration) (string, time.Time, error) {
	raw := make([]byte, 12)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, err
	}
	var b strings.Builder
	for i, c := range raw {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(codeAlphabet[int(c)%32])
	}
	code := b.String()
	now := s.now()
	exp := now.Add(ttl).UTC()
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO enrol_codes (hash, site_id, created_ms, expires_ms) VALUES (?, ?, ?, ?)`),
			hashSecret(NormalizeCode(code)), siteID, now.UnixMilli(), exp.UnixMilli())
		return err
	})
	return code, exp, err
}

// Enrol trades a code for a device token, in one transaction: the code is
// used at most once.
func (s *Store) Enrol(ctx context.Context, code, deviceID, name string) (Device, Site, string, error) {
	tokRaw := make([]byte, 32)
	if _, err := rand.Read(tokRaw); err != nil {
		return Device{}, Site{}, "", err
	}
	token := "tdt1_" + base64.RawURLEncoding.EncodeToString(tokRaw)
	now := s.now()
	dev := Device{ID: deviceID, Name: name, Created: now.UTC()}
	var site Site
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		h := hashSecret(NormalizeCode(code))
		if err := tx.QueryRowContext(ctx, s.q(`SELECT site_id FROM enrol_codes WHERE hash = ? AND used_ms IS NULL AND expires_ms > ?`),
			h, now.UnixMilli()).Scan(&dev.SiteID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrBadCode
			}
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE enrol_codes SET used_ms = ?, device_id = ? WHERE hash = ? AND used_ms IS NULL`),
			now.UnixMilli(), deviceID, h)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrBadCode
		}
		var oldSite string
		err = tx.QueryRowContext(ctx, s.q(`SELECT site_id FROM devices WHERE id = ?`), deviceID).Scan(&oldSite)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, s.q(`INSERT INTO devices (id, site_id, name, token_hash, created_ms) VALUES (?, ?, ?, ?, ?)`),
				deviceID, dev.SiteID, name, hashSecret(token), now.UnixMilli())
		case err != nil:
		case oldSite != dev.SiteID:
			return ErrOtherSite
		default:
			_, err = tx.ExecContext(ctx, s.q(`UPDATE devices SET token_hash = ?, name = ?, revoked_ms = NULL WHERE id = ?`),
				hashSecret(token), name, deviceID)
		}
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.q(`SELECT id, name FROM sites WHERE id = ?`), dev.SiteID).Scan(&site.ID, &site.Name)
	})
	if err != nil {
		return Device{}, Site{}, "", err
	}
	return dev, site, token, nil
}

// DeviceByToken finds the live device holding token.
func (s *Store) DeviceByToken(ctx context.Context, token string) (Device, error) {
	var d Device
	var created, seen int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, site_id, name, created_ms, last_seen_ms FROM devices
		WHERE token_hash = ? AND revoked_ms IS NULL`), hashSecret(token)).Scan(&d.ID, &d.SiteID, &d.Name, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrUnauthorized
	}
	d.Created, d.LastSeen = time.UnixMilli(created).UTC(), time.UnixMilli(seen).UTC()
	return d, err
}

// Devices lists a site's devices (every device if siteID is empty).
func (s *Store) Devices(ctx context.Context, siteID string) ([]Device, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, site_id, name, created_ms, last_seen_ms, revoked_ms IS NOT NULL
		FROM devices WHERE ? = '' OR site_id = ? ORDER BY site_id, created_ms`), siteID, siteID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		var d Device
		var created, seen int64
		if err := rows.Scan(&d.ID, &d.SiteID, &d.Name, &created, &seen, &d.Revoked); err != nil {
			return nil, err
		}
		d.Created, d.LastSeen = time.UnixMilli(created).UTC(), time.UnixMilli(seen).UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// Revoke makes a device's token useless.
func (s *Store) Revoke(ctx context.Context, deviceID string) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE devices SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL`),
			s.now().UnixMilli(), deviceID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("device %q: %w", deviceID, ErrNotFound)
		}
		return nil
	})
}

// PushResult is what a push stored.
type PushResult struct {
	Accepted  []string // every id of the batch the server now holds (or dropped as erased)
	Stored    int      // how many were new
	ServerHLC int64    // highest clock seen for the site
}

// Push stores a validated batch from dev, in one transaction. Events must
// all be dev's own. Known ids are ignored; events about a learner erased in
// the site are dropped; a learner.erased event deletes the learner's other
// events in the site.
func (s *Store) Push(ctx context.Context, dev Device, events []wire.Event) (PushResult, error) {
	for _, e := range events {
		if e.DeviceID != dev.ID {
			return PushResult{}, fmt.Errorf("%w: event %s is from device %s", ErrForbidden, e.ID, e.DeviceID)
		}
	}
	var res PushResult
	now := s.now().UnixMilli()
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res = PushResult{}
		lock := `SELECT last_pos, max_hlc FROM sites WHERE id = ?`
		if s.postgres {
			lock += " FOR UPDATE"
		}
		var lastPos, maxHLC int64
		if err := tx.QueryRowContext(ctx, s.q(lock), dev.SiteID).Scan(&lastPos, &maxHLC); err != nil {
			return fmt.Errorf("lock site: %w", err)
		}
		ids := make([]any, len(events))
		learners := map[string]bool{}
		for i, e := range events {
			ids[i] = e.ID
			if e.LearnerID != "" {
				learners[e.LearnerID] = true
			}
		}
		known, err := s.inSet(ctx, tx, `SELECT id FROM events WHERE id IN (%s)`, nil, ids)
		if err != nil {
			return err
		}
		var lids []any
		for l := range learners {
			lids = append(lids, l)
		}
		erased, err := s.inSet(ctx, tx, `SELECT learner_id FROM erased WHERE site_id = ? AND learner_id IN (%s)`, []any{dev.SiteID}, lids)
		if err != nil {
			return err
		}
		for _, e := range events {
			if e.Type == "learner.erased" && e.LearnerID != "" && !erased[e.LearnerID] {
				erased[e.LearnerID] = true
				if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO erased (site_id, learner_id, erased_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
					dev.SiteID, e.LearnerID, now); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM events WHERE site_id = ? AND learner_id = ? AND type <> 'learner.erased'`),
					dev.SiteID, e.LearnerID); err != nil {
					return err
				}
			}
		}
		fresh := make([]wire.Event, 0, len(events))
		for _, e := range events {
			res.Accepted = append(res.Accepted, e.ID)
			if known[e.ID] || (erased[e.LearnerID] && e.Type != "learner.erased") {
				continue
			}
			fresh = append(fresh, e)
			if e.HLC > maxHLC {
				maxHLC = e.HLC
			}
		}
		const cols = 11
		for start := 0; start < len(fresh); start += 500 {
			chunk := fresh[start:min(start+500, len(fresh))]
			var b strings.Builder
			b.WriteString(`INSERT INTO events (id, site_id, site_pos, device_id, seq, wall_ms, hlc, type, learner_id, payload, received_ms) VALUES `)
			args := make([]any, 0, len(chunk)*cols)
			for i, e := range chunk {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
				lastPos++
				args = append(args, e.ID, dev.SiteID, lastPos, e.DeviceID, e.Seq, e.WallMS, e.HLC, e.Type, e.LearnerID, []byte(e.Payload), now)
			}
			b.WriteString(` ON CONFLICT (id) DO NOTHING`)
			r, err := tx.ExecContext(ctx, s.q(b.String()), args...)
			if err != nil {
				return fmt.Errorf("insert events: %w", err)
			}
			n, _ := r.RowsAffected()
			res.Stored += int(n)
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE sites SET last_pos = ?, max_hlc = ? WHERE id = ?`), lastPos, maxHLC, dev.SiteID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE devices SET last_seen_ms = ? WHERE id = ?`), now, dev.ID); err != nil {
			return err
		}
		res.ServerHLC = maxHLC
		return nil
	})
	return res, err
}

// inSet runs query (with %s replaced by placeholders for set, after the
// fixed args) and returns the first column's values as a set.
func (s *Store) inSet(ctx context.Context, tx *sql.Tx, query string, fixed, set []any) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(set); start += 500 {
		chunk := set[start:min(start+500, len(set))]
		ph := strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")
		rows, err := tx.QueryContext(ctx, s.q(fmt.Sprintf(query, ph)), append(append([]any{}, fixed...), chunk...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			out[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Pull returns up to limit events of dev's site stored after cursor, from
// other devices, and the cursor to ask for next.
func (s *Store) Pull(ctx context.Context, dev Device, cursor int64, limit int) ([]wire.Event, int64, bool, error) {
	// Read the site's position first: every event at or below it has
	// committed, so when this page is not full the device may jump there.
	var lastPos int64
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT last_pos FROM sites WHERE id = ?`), dev.SiteID).Scan(&lastPos); err != nil {
		return nil, 0, false, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT site_pos, id, device_id, seq, wall_ms, hlc, type, learner_id, payload
		FROM events WHERE site_id = ? AND site_pos > ? AND site_pos <= ? AND device_id <> ? ORDER BY site_pos LIMIT ?`),
		dev.SiteID, cursor, lastPos, dev.ID, limit)
	if err != nil {
		return nil, 0, false, err
	}
	defer rows.Close()
	var out []wire.Event
	next := cursor
	for rows.Next() {
		var e wire.Event
		var payload []byte
		if err := rows.Scan(&next, &e.ID, &e.DeviceID, &e.Seq, &e.WallMS, &e.HLC, &e.Type, &e.LearnerID, &payload); err != nil {
			return nil, 0, false, err
		}
		e.Payload = payload
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, err
	}
	more := len(out) == limit
	if !more && lastPos > next {
		next = lastPos
	}
	return out, next, more, nil
}

// EventCounts returns, for tests and the admin, how many times each event id
// of a site is stored (always once) — or of every site when siteID is "".
func (s *Store) EventCounts(ctx context.Context, siteID string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, count(*) FROM events WHERE ? = '' OR site_id = ? GROUP BY id`), siteID, siteID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// Pack is a published content pack.
type Pack struct {
	wire.PackInfo
	Published time.Time
	Data      []byte
}

// PublishPack stores a signed pack. The server never checks signatures: the
// kiosks do, with keys the server never holds.
func (s *Store) PublishPack(ctx context.Context, info wire.PackInfo, data []byte) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO packs (version, published_ms, sha256, signature, size, data) VALUES (?, ?, ?, ?, ?, ?)`),
			info.Version, s.now().UnixMilli(), info.SHA256, info.Signature, len(data), data)
		return err
	})
}

// LatestPack returns the newest published pack's description.
func (s *Store) LatestPack(ctx context.Context) (*wire.PackInfo, error) {
	var p wire.PackInfo
	err := s.db.QueryRowContext(ctx, `SELECT version, sha256, signature, size FROM packs ORDER BY published_ms DESC, version DESC LIMIT 1`).
		Scan(&p.Version, &p.SHA256, &p.Signature, &p.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.V = wire.Version
	return &p, nil
}

// PackData returns a pack's archive.
func (s *Store) PackData(ctx context.Context, version string) ([]byte, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, s.q(`SELECT data FROM packs WHERE version = ?`), version).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return data, err
}
