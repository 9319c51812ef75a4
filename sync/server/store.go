package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
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
	ErrExists       = errors.New("already exists")
	ErrAmbiguous    = errors.New("ambiguous")
	ErrBadVersion   = errors.New("invalid pack version")
	// ErrReused is returned (wrapped in a *ReusedError) when a device
	// pushes a new event under a sequence number the server already holds
	// from it: its journal was restored from an older copy or cloned.
	ErrReused = errors.New("device id re-used by another journal")
)

// ReusedError says which event showed that a device id is re-used.
type ReusedError struct {
	EventID   string
	Seq       int64 // the event's seq
	DeviceSeq int64 // the highest seq the server holds from the device
}

func (e *ReusedError) Error() string {
	return fmt.Sprintf("event %s has seq %d but the server already holds events up to seq %d from this device: "+
		"its journal was restored from an older copy or copied to another machine", e.EventID, e.Seq, e.DeviceSeq)
}

// Is makes errors.Is(err, ErrReused) true.
func (e *ReusedError) Is(target error) bool { return target == ErrReused }

// Store keeps sites, devices, enrolment codes, events and packs in SQLite
// or PostgreSQL through database/sql. The same SQL runs on both, with ?
// placeholders rewritten for PostgreSQL.
type Store struct {
	db       *sql.DB
	postgres bool
	wmu      sync.Mutex // SQLite only: one writer at a time, without busy-waiting
	now      func() time.Time

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // Push's statements, parsed once per connection
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
	SiteName string // filled by Devices
	Name     string
	Created  time.Time
	LastSeen time.Time
	Revoked  bool
	LastSeq  int64 // highest seq stored from this device
	// PreviousID is the id this device used before it found its journal
	// restored or copied (Reason "restored" or "copied"); empty otherwise.
	PreviousID string
	Reason     string
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
			"&_pragma=synchronous(FULL)&_pragma=secure_delete(ON)&_txlock=immediate")
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
	s.prepare(ctx)
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.stmtMu.Unlock()
	return s.db.Close()
}

// Push's statements, prepared once when the store opens (prepare).
const (
	qSiteLock     = `SELECT last_pos, max_hlc FROM sites WHERE id = ?`
	qDeviceSeq    = `SELECT last_seq FROM devices WHERE id = ?`
	qHolders      = `SELECT id, site_id FROM events WHERE id IN (%s)`
	qErased       = `SELECT learner_id FROM erased WHERE site_id = ? AND learner_id IN (%s)`
	qSiteUpdate   = `UPDATE sites SET last_pos = ?, max_hlc = ? WHERE id = ?`
	qDeviceUpdate = `UPDATE devices SET last_seen_ms = ?, last_seq = ? WHERE id = ?`
)

// insertEvents is the INSERT of k events.
func insertEvents(k int) string {
	return `INSERT INTO events (id, site_id, site_pos, device_id, seq, wall_ms, hlc, type, learner_id, payload, received_ms) VALUES ` +
		placeholders(k, 11) + ` ON CONFLICT (id) DO NOTHING`
}

// prepare prepares Push's statements once, for every chunk size, when the
// store opens: database/sql then parses each once per connection (where
// Push used to parse its long multi-row INSERT on every batch, an eighth
// of its CPU on SQLite). Never from inside a transaction: preparing on the
// pool there would take a second connection while the transaction holds
// one, and with every connection held by a push waiting for the site lock,
// none would come.
func (s *Store) prepare(ctx context.Context) {
	queries := []string{s.siteLock(), qDeviceSeq, qSiteUpdate, qDeviceUpdate}
	for k := 256; k >= 1; k /= 2 {
		queries = append(queries, insertEvents(k), fmt.Sprintf(qHolders, placeholders(k, 1)), fmt.Sprintf(qErased, placeholders(k, 1)))
	}
	s.stmts = map[string]*sql.Stmt{}
	for _, q := range queries {
		st, err := s.db.PrepareContext(ctx, s.q(q))
		if err != nil {
			// An older schema (a test opening a store at schema 1): the
			// statement is prepared on each transaction instead, and
			// fails there if it must.
			continue
		}
		s.stmts[s.q(q)] = st
	}
}

// siteLock reads a site's position and clock, locking its row on
// PostgreSQL (SQLite has one writer anyway).
func (s *Store) siteLock() string {
	if s.postgres {
		return qSiteLock + " FOR UPDATE"
	}
	return qSiteLock
}

// stmt returns query (with ? placeholders) for tx: the statement prepared
// when the store opened, bound to tx's connection (prepared there the
// first time it runs on it); any other query is prepared on tx alone.
func (s *Store) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	query = s.q(query)
	s.stmtMu.Lock()
	st := s.stmts[query]
	s.stmtMu.Unlock()
	if st == nil {
		return tx.PrepareContext(ctx, query)
	}
	return tx.StmtContext(ctx, st), nil
}

// chunks splits n items into runs of 256, then descending powers of two, so
// the statements with one placeholder group per item come in a few sizes
// (each prepared once) and a batch needs few of them.
func chunks(n int) []int {
	var out []int
	for n > 0 {
		k := 256
		for k > n {
			k /= 2
		}
		out = append(out, k)
		n -= k
	}
	return out
}

// placeholders is "(?,?…),(?,?…)…": rows groups of cols.
func placeholders(rows, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

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
	// 2: per-device highest seq (restored and cloned journals), readable
	// device numbers per site, and where a new identity came from.
	`ALTER TABLE devices ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
	ALTER TABLE devices ADD COLUMN number BIGINT NOT NULL DEFAULT 0;
	ALTER TABLE devices ADD COLUMN previous_id TEXT NOT NULL DEFAULT '';
	ALTER TABLE devices ADD COLUMN reason TEXT NOT NULL DEFAULT '';
	ALTER TABLE sites ADD COLUMN devices_made BIGINT NOT NULL DEFAULT 0;
	UPDATE devices SET last_seq = m.s FROM (SELECT device_id, max(seq) AS s FROM events GROUP BY device_id) AS m
		WHERE m.device_id = devices.id`,
	// 3: the device-reused conflicts that allow a new identity, and the
	// enrolled device every identity descends from (its daily budget).
	`ALTER TABLE devices ADD COLUMN reused_ms BIGINT NOT NULL DEFAULT 0;
	ALTER TABLE devices ADD COLUMN reused_pending BIGINT NOT NULL DEFAULT 0;
	ALTER TABLE devices ADD COLUMN root_id TEXT NOT NULL DEFAULT '';
	CREATE INDEX devices_root ON devices (root_id, created_ms)`,
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
	name = strings.TrimSpace(name)
	if name == "" {
		return Site{}, errors.New("a site needs a name")
	}
	site := Site{ID: uuid.Must(uuid.NewV7()).String(), Name: name, Created: s.now().UTC()}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT count(*) FROM sites WHERE name = ?`), name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("site %q: %w", name, ErrExists)
		}
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

// FindSite finds a site by id or exact name; a name that several sites
// share (made before names were unique) is refused as ambiguous.
func (s *Store) FindSite(ctx context.Context, idOrName string) (Site, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, name, created_ms FROM sites WHERE id = ? OR name = ? ORDER BY id`),
		idOrName, idOrName)
	if err != nil {
		return Site{}, err
	}
	defer rows.Close()
	var found []Site
	for rows.Next() {
		var st Site
		var ms int64
		if err := rows.Scan(&st.ID, &st.Name, &ms); err != nil {
			return Site{}, err
		}
		st.Created = time.UnixMilli(ms).UTC()
		if st.ID == idOrName {
			return st, nil
		}
		found = append(found, st)
	}
	if err := rows.Err(); err != nil {
		return Site{}, err
	}
	switch len(found) {
	case 0:
		return Site{}, fmt.Errorf("site %q: %w", idOrName, ErrNotFound)
	case 1:
		return found[0], nil
	}
	return Site{}, fmt.Errorf("%d sites are named %q; give the site's id: %w", len(found), idOrName, ErrAmbiguous)
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

// Enrol trades a code for a device id, in one transaction: the device
// proposes its token (key; only its hash is kept) and the server chooses
// the id, so nobody can enrol under an id that exists. A code is used at
// most once; retrying with the same code and key (an answer lost on the
// way) gets the same device back. ErrBadCode covers unknown, expired and
// used codes alike.
func (s *Store) Enrol(ctx context.Context, code, key string) (Device, Site, error) {
	now := s.now()
	kh := hashSecret(key)
	var dev Device
	var site Site
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		h := hashSecret(NormalizeCode(code))
		var used sql.NullInt64
		var expires int64
		var usedBy sql.NullString
		if err := tx.QueryRowContext(ctx, s.q(`SELECT site_id, expires_ms, used_ms, device_id FROM enrol_codes WHERE hash = ?`), h).
			Scan(&dev.SiteID, &expires, &used, &usedBy); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrBadCode
			}
			return err
		}
		if expires <= now.UnixMilli() {
			return ErrBadCode
		}
		retry := func() error {
			// The same device asking again: the same answer.
			d, err := s.deviceWhere(ctx, tx, `d.token_hash = ? AND d.id = (SELECT device_id FROM enrol_codes WHERE hash = ?) AND d.revoked_ms IS NULL`, kh, h)
			if errors.Is(err, ErrNotFound) {
				return ErrBadCode
			}
			dev = d
			return err
		}
		if used.Valid {
			if err := retry(); err != nil {
				return err
			}
			site = Site{ID: dev.SiteID, Name: dev.SiteName}
			return nil
		}
		var clash int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT count(*) FROM devices WHERE token_hash = ?`), kh).Scan(&clash); err != nil {
			return err
		}
		if clash > 0 {
			// This key's device exists: this request's twin won (same
			// answer), or the key belongs elsewhere (refused).
			if err := retry(); err != nil {
				return err
			}
			site = Site{ID: dev.SiteID, Name: dev.SiteName}
			return nil
		}
		dev.ID = uuid.Must(uuid.NewV7()).String()
		res, err := tx.ExecContext(ctx, s.q(`UPDATE enrol_codes SET used_ms = ?, device_id = ? WHERE hash = ? AND used_ms IS NULL`),
			now.UnixMilli(), dev.ID, h)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// Another request took the code meanwhile: the same device's
			// duplicate gets its answer, anyone else a refusal.
			if err := retry(); err != nil {
				return err
			}
			site = Site{ID: dev.SiteID, Name: dev.SiteName}
			return nil
		}
		d, st, err := s.addDevice(ctx, tx, dev.ID, dev.SiteID, kh, "", "", now)
		dev, site = d, st
		return err
	})
	if err != nil {
		return Device{}, Site{}, err
	}
	return dev, site, nil
}

// addDevice creates a device numbered after the site's last one and named
// "SITE #N" (the admin can rename it).
func (s *Store) addDevice(ctx context.Context, tx *sql.Tx, id, siteID, tokenHash, previous, reason string, now time.Time) (Device, Site, error) {
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE sites SET devices_made = devices_made + 1 WHERE id = ?`), siteID); err != nil {
		return Device{}, Site{}, err
	}
	var site Site
	var n int64
	if err := tx.QueryRowContext(ctx, s.q(`SELECT id, name, devices_made FROM sites WHERE id = ?`), siteID).Scan(&site.ID, &site.Name, &n); err != nil {
		return Device{}, Site{}, err
	}
	dev := Device{ID: id, SiteID: siteID, SiteName: site.Name, Name: fmt.Sprintf("%s #%d", site.Name, n), Created: now.UTC(),
		PreviousID: previous, Reason: reason}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO devices (id, site_id, name, token_hash, created_ms, number, previous_id, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), dev.ID, siteID, dev.Name, tokenHash, now.UnixMilli(), n, previous, reason)
	return dev, site, err
}

const deviceCols = `d.id, d.site_id, s.name, d.name, d.created_ms, d.last_seen_ms, d.revoked_ms IS NOT NULL, d.last_seq, d.previous_id, d.reason`

func scanDevice(r interface{ Scan(...any) error }) (Device, error) {
	var d Device
	var created, seen int64
	err := r.Scan(&d.ID, &d.SiteID, &d.SiteName, &d.Name, &created, &seen, &d.Revoked, &d.LastSeq, &d.PreviousID, &d.Reason)
	d.Created, d.LastSeen = time.UnixMilli(created).UTC(), time.UnixMilli(seen).UTC()
	return d, err
}

// deviceWhere reads one device matching cond (over devices d joined with
// sites s).
func (s *Store) deviceWhere(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, cond string, args ...any) (Device, error) {
	d, err := scanDevice(q.QueryRowContext(ctx, s.q(`SELECT `+deviceCols+` FROM devices d JOIN sites s ON s.id = d.site_id WHERE `+cond), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

// ReidentifyRequest is a device's request for a new identity.
type ReidentifyRequest struct {
	Key     string // the token the device proposes for its new identity
	Reason  string // "restored" or "copied"
	LastSeq int64  // the highest seq in the device's journal
	// PerDay caps the new identities taken in 24 h by the devices that
	// descend from one enrolment (0: DefaultReidentifyPerDay).
	PerDay int
}

// DefaultReidentifyPerDay is the default daily budget of new identities per
// enrolled device: enough for a room of machines cloned from one image.
const DefaultReidentifyPerDay = 20

// reusedWindow is how long a device-reused conflict allows a new identity.
const reusedWindow = time.Hour

// Errors of Reidentify.
var (
	// ErrNoConflict: the server saw nothing showing the device's journal
	// was restored or copied, so it gives no new identity.
	ErrNoConflict = errors.New("no sign of a restored or copied journal")
)

// ReidentifyLimitError says the daily budget of new identities is spent.
type ReidentifyLimitError struct {
	RetryAfter time.Duration
}

func (e *ReidentifyLimitError) Error() string {
	return fmt.Sprintf("too many new identities from this device's enrolment in 24 h; retry in %s", e.RetryAfter.Round(time.Minute))
}

// Reidentify gives dev a new identity in the same site, for a device whose
// journal was restored from an older copy or cloned: what it writes from
// now on goes under the new id, with the proposed token key. Retrying with
// the same key gets the same new device.
//
// A token must not mint devices at will (a copied token would survive its
// revocation), so a new identity needs evidence the server saw itself: a
// device-reused conflict on a push in the last hour (each conflict allows
// one new identity, so the same token cannot mint again without a new
// one), or a journal whose last seq is behind the seq the server holds.
// The devices descending from one enrolment take at most req.PerDay new
// identities in 24 h. The old id and token stay: a clone that pushed first
// keeps using them.
func (s *Store) Reidentify(ctx context.Context, dev Device, req ReidentifyRequest) (Device, error) {
	now := s.now()
	kh := hashSecret(req.Key)
	perDay := req.PerDay
	if perDay <= 0 {
		perDay = DefaultReidentifyPerDay
	}
	var out Device
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		d, err := s.deviceWhere(ctx, tx, `d.token_hash = ?`, kh)
		switch {
		case err == nil && d.PreviousID == dev.ID:
			out = d
			return nil
		case err == nil:
			return ErrBadCode
		case !errors.Is(err, ErrNotFound):
			return err
		}
		var lastSeq, reusedMS, pending int64
		var root string
		if err := tx.QueryRowContext(ctx, s.q(`SELECT last_seq, reused_ms, reused_pending, root_id FROM devices WHERE id = ?`), dev.ID).
			Scan(&lastSeq, &reusedMS, &pending, &root); err != nil {
			return fmt.Errorf("device %s: %w", dev.ID, err)
		}
		conflict := pending > 0 && reusedMS > now.Add(-reusedWindow).UnixMilli()
		if !conflict && req.LastSeq >= lastSeq {
			return ErrNoConflict
		}
		if root == "" {
			root = dev.ID
		}
		since := now.Add(-24 * time.Hour).UnixMilli()
		rows, err := tx.QueryContext(ctx, s.q(`SELECT created_ms FROM devices WHERE root_id = ? AND created_ms > ? ORDER BY created_ms`), root, since)
		if err != nil {
			return err
		}
		var made []int64
		for rows.Next() {
			var ms int64
			if err := rows.Scan(&ms); err != nil {
				rows.Close()
				return err
			}
			made = append(made, ms)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(made) >= perDay {
			oldest := made[len(made)-perDay]
			return &ReidentifyLimitError{RetryAfter: time.UnixMilli(oldest).Add(24 * time.Hour).Sub(now)}
		}
		if conflict {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE devices SET reused_pending = reused_pending - 1 WHERE id = ?`), dev.ID); err != nil {
				return err
			}
		}
		out, _, err = s.addDevice(ctx, tx, uuid.Must(uuid.NewV7()).String(), dev.SiteID, kh, dev.ID, req.Reason, now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE devices SET root_id = ? WHERE id = ?`), root, out.ID)
		return err
	})
	return out, err
}

// noteReused records a device-reused conflict: it allows the device one new
// identity within the next hour (at most perDay of them pending).
func (s *Store) noteReused(ctx context.Context, deviceID string, perDay int) error {
	if perDay <= 0 {
		perDay = DefaultReidentifyPerDay
	}
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UnixMilli()
		var reusedMS, pending int64
		if err := tx.QueryRowContext(ctx, s.q(`SELECT reused_ms, reused_pending FROM devices WHERE id = ?`), deviceID).Scan(&reusedMS, &pending); err != nil {
			return fmt.Errorf("device %s: %w", deviceID, err)
		}
		if reusedMS <= now-reusedWindow.Milliseconds() {
			pending = 0
		}
		pending = min(pending+1, int64(perDay))
		_, err := tx.ExecContext(ctx, s.q(`UPDATE devices SET reused_ms = ?, reused_pending = ? WHERE id = ?`), now, pending, deviceID)
		return err
	})
}

// RenameDevice gives a device a new readable name.
func (s *Store) RenameDevice(ctx context.Context, deviceID, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return errors.New("a device name is 1 to 200 characters")
	}
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE devices SET name = ? WHERE id = ?`), name, deviceID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("device %q: %w", deviceID, ErrNotFound)
		}
		return nil
	})
}

// DeviceByToken finds the live device holding token.
func (s *Store) DeviceByToken(ctx context.Context, token string) (Device, error) {
	d, err := s.deviceWhere(ctx, s.db, `d.token_hash = ? AND d.revoked_ms IS NULL`, hashSecret(token))
	if errors.Is(err, ErrNotFound) {
		return d, ErrUnauthorized
	}
	return d, err
}

// Devices lists a site's devices (every device if siteID is empty), with
// their site's name.
func (s *Store) Devices(ctx context.Context, siteID string) ([]Device, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+deviceCols+` FROM devices d JOIN sites s ON s.id = d.site_id
		WHERE ? = '' OR d.site_id = ? ORDER BY s.name, d.site_id, d.number, d.created_ms`), siteID, siteID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
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
	DeviceSeq int64    // highest seq held from the device
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
	erasedNow := false
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res = PushResult{}
		erasedNow = false
		var lastPos, maxHLC int64
		lockSt, err := s.stmt(ctx, tx, s.siteLock())
		if err != nil {
			return err
		}
		if err := lockSt.QueryRowContext(ctx, dev.SiteID).Scan(&lastPos, &maxHLC); err != nil {
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
		var devSeq int64
		seqSt, err := s.stmt(ctx, tx, qDeviceSeq)
		if err != nil {
			return err
		}
		if err := seqSt.QueryRowContext(ctx, dev.ID).Scan(&devSeq); err != nil {
			return fmt.Errorf("device seq: %w", err)
		}
		// One query tells the ids this site holds from those another site
		// holds: an id of another site is answered like a new one (a site
		// learns nothing of another's events) and not stored twice.
		holders, err := s.inMap(ctx, tx, qHolders, ids)
		if err != nil {
			return err
		}
		known, elsewhere := map[string]bool{}, map[string]bool{}
		for id, site := range holders {
			if site == dev.SiteID {
				known[id] = true
			} else {
				elsewhere[id] = true
			}
		}
		// A new event under a seq the server already holds from this
		// device: another journal writes under its id.
		for _, e := range events {
			if known[e.ID] {
				continue
			}
			if e.Seq <= devSeq {
				return &ReusedError{EventID: e.ID, Seq: e.Seq, DeviceSeq: devSeq}
			}
			devSeq = e.Seq
		}
		var lids []any
		for l := range learners {
			lids = append(lids, l)
		}
		erased, err := s.inSet(ctx, tx, qErased, []any{dev.SiteID}, lids)
		if err != nil {
			return err
		}
		for _, e := range events {
			if e.Type == "learner.erased" && e.LearnerID != "" && !erased[e.LearnerID] {
				erased[e.LearnerID] = true
				erasedNow = true
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
			if elsewhere[e.ID] {
				res.Stored++
				continue
			}
			if known[e.ID] || (erased[e.LearnerID] && e.Type != "learner.erased") {
				continue
			}
			fresh = append(fresh, e)
			if e.HLC > maxHLC {
				maxHLC = e.HLC
			}
		}
		const cols = 11
		start := 0
		for _, k := range chunks(len(fresh)) {
			chunk := fresh[start : start+k]
			start += k
			st, err := s.stmt(ctx, tx, insertEvents(k))
			if err != nil {
				return fmt.Errorf("insert events: %w", err)
			}
			args := make([]any, 0, k*cols)
			for _, e := range chunk {
				lastPos++
				args = append(args, e.ID, dev.SiteID, lastPos, e.DeviceID, e.Seq, e.WallMS, e.HLC, e.Type, e.LearnerID, []byte(e.Payload), now)
			}
			r, err := st.ExecContext(ctx, args...)
			if err != nil {
				return fmt.Errorf("insert events: %w", err)
			}
			n, _ := r.RowsAffected()
			res.Stored += int(n)
		}
		siteSt, err := s.stmt(ctx, tx, qSiteUpdate)
		if err != nil {
			return err
		}
		if _, err := siteSt.ExecContext(ctx, lastPos, maxHLC, dev.SiteID); err != nil {
			return err
		}
		devSt, err := s.stmt(ctx, tx, qDeviceUpdate)
		if err != nil {
			return err
		}
		if _, err := devSt.ExecContext(ctx, now, devSeq, dev.ID); err != nil {
			return err
		}
		res.ServerHLC = maxHLC
		res.DeviceSeq = devSeq
		return nil
	})
	if err == nil && erasedNow {
		s.ForgetErased(ctx)
	}
	return res, err
}

// ForgetErased empties the SQLite write-ahead log after an erasure: freed
// pages are overwritten with zeros (secure_delete), but the WAL still holds
// the erased rows' old pages until a checkpoint. PostgreSQL keeps dead
// tuples until VACUUM (see docs/server.md).
func (s *Store) ForgetErased(ctx context.Context) {
	if s.postgres {
		return
	}
	var busy, logged, done int
	if err := s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil {
		slog.Warn("checkpoint after an erasure", "err", err)
	} else if busy != 0 {
		slog.Warn("checkpoint after an erasure: readers busy, the WAL keeps old pages until the next checkpoint")
	}
}

// inMap runs query (with %s replaced by placeholders for set) and returns
// its first column mapped to its second.
func (s *Store) inMap(ctx context.Context, tx *sql.Tx, query string, set []any) (map[string]string, error) {
	out := map[string]string{}
	start := 0
	for _, k := range chunks(len(set)) {
		chunk := set[start : start+k]
		start += k
		st, err := s.stmt(ctx, tx, fmt.Sprintf(query, placeholders(k, 1)))
		if err != nil {
			return nil, err
		}
		rows, err := st.QueryContext(ctx, chunk...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				rows.Close()
				return nil, err
			}
			out[k] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// inSet runs query (with %s replaced by placeholders for set, after the
// fixed args) and returns the first column's values as a set.
func (s *Store) inSet(ctx context.Context, tx *sql.Tx, query string, fixed, set []any) (map[string]bool, error) {
	out := map[string]bool{}
	start := 0
	for _, k := range chunks(len(set)) {
		chunk := set[start : start+k]
		start += k
		st, err := s.stmt(ctx, tx, fmt.Sprintf(query, placeholders(k, 1)))
		if err != nil {
			return nil, err
		}
		rows, err := st.QueryContext(ctx, append(append([]any{}, fixed...), chunk...)...)
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
	if !ValidPackVersion(info.Version) {
		return fmt.Errorf("%w %q: 1 to 64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit, no '..'", ErrBadVersion, info.Version)
	}
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO packs (version, published_ms, sha256, signature, size, data) VALUES (?, ?, ?, ?, ?, ?)`),
			info.Version, s.now().UnixMilli(), info.SHA256, info.Signature, len(data), data)
		return err
	})
}

var packVersionRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$`)

// ValidPackVersion reports whether v can name a pack: it appears in URLs
// and folder names on the kiosks, so nothing that could climb a path.
func ValidPackVersion(v string) bool {
	return packVersionRE.MatchString(v) && !strings.Contains(v, "..")
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
