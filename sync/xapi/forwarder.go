package xapi

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// Config sets a Forwarder up.
type Config struct {
	// URL is the LRS endpoint (statements go to URL + "/statements").
	URL string
	// Auth is the Authorization header's value ("Basic …").
	Auth string
	Maker
	// Batch is how many statements one request carries (default 50).
	Batch int
	// Every is how often new events are looked for (default 5 s).
	Every time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed send
	// (default 1 s doubling to 10 min, full jitter).
	MinBackoff, MaxBackoff time.Duration
	// Seed seeds the jitter.
	Seed   uint64
	Client *http.Client
	Logger *slog.Logger
}

// Forwarder turns stored events into queued statements and sends them.
type Forwarder struct {
	st  *server.Store
	db  *sql.DB
	cfg Config
	log *slog.Logger

	mu        sync.Mutex
	rnd       *rand.Rand
	failures  int
	nextTry   time.Time
	lastError string
	lastSent  time.Time
	sent      int64
}

var schema = []string{
	`CREATE TABLE xapi_cursor (
		site_id TEXT PRIMARY KEY,
		pos BIGINT NOT NULL
	);
	CREATE TABLE xapi_queue (
		id TEXT PRIMARY KEY,
		site_id TEXT NOT NULL,
		learner_id TEXT NOT NULL,
		created_ms BIGINT NOT NULL,
		body TEXT NOT NULL,
		sent_ms BIGINT NOT NULL DEFAULT 0,
		rejected TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX xapi_queue_due ON xapi_queue (sent_ms, created_ms)`,
}

// New makes a forwarder over store and creates its tables.
func New(ctx context.Context, store *server.Store, cfg Config) (*Forwarder, error) {
	if cfg.URL == "" {
		return nil, errors.New("xapi: no LRS address")
	}
	cfg.URL = strings.TrimSuffix(cfg.URL, "/")
	if cfg.Batch <= 0 {
		cfg.Batch = 50
	}
	if cfg.Every == 0 {
		cfg.Every = 5 * time.Second
	}
	if cfg.MinBackoff == 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 10 * time.Minute
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	f := &Forwarder{st: store, db: store.DB(), cfg: cfg, log: cfg.Logger, rnd: rand.New(rand.NewPCG(cfg.Seed, 0x7a91))}
	if err := f.migrate(ctx); err != nil {
		return nil, fmt.Errorf("xapi tables: %w", err)
	}
	return f, nil
}

func (f *Forwarder) migrate(ctx context.Context) error {
	if _, err := f.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS xapi_schema_version (v INTEGER NOT NULL)`); err != nil {
		return err
	}
	return f.st.WriteTx(ctx, func(tx *sql.Tx) error {
		var v int
		err := tx.QueryRowContext(ctx, `SELECT v FROM xapi_schema_version`).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO xapi_schema_version (v) VALUES (0)`); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		for ; v < len(schema); v++ {
			for _, stmt := range strings.Split(schema[v], ";") {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return err
				}
			}
		}
		_, err = tx.ExecContext(ctx, f.st.Q(`UPDATE xapi_schema_version SET v = ?`), v)
		return err
	})
}

// Enqueue turns every stored event not yet looked at into queued
// statements, a site page at a time, each page and its cursor in one
// transaction: a statement is queued exactly once. It returns how many
// statements it queued.
func (f *Forwarder) Enqueue(ctx context.Context) (int, error) {
	rows, err := f.db.QueryContext(ctx, `SELECT s.id, s.last_pos, COALESCE(c.pos, 0) FROM sites s
		LEFT JOIN xapi_cursor c ON c.site_id = s.id WHERE s.last_pos > COALESCE(c.pos, 0)`)
	if err != nil {
		return 0, err
	}
	type todo struct {
		site      string
		last, pos int64
	}
	var sites []todo
	for rows.Next() {
		var t todo
		if err := rows.Scan(&t.site, &t.last, &t.pos); err != nil {
			rows.Close()
			return 0, err
		}
		sites = append(sites, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	total := 0
	for _, t := range sites {
		for pos := t.pos; pos < t.last; {
			n, next, err := f.enqueuePage(ctx, t.site, pos, t.last)
			if err != nil {
				return total, fmt.Errorf("xapi: site %s from %d: %w", t.site, pos, err)
			}
			total += n
			pos = next
		}
	}
	return total, nil
}

const pageSize = 2000

func (f *Forwarder) enqueuePage(ctx context.Context, site string, from, last int64) (int, int64, error) {
	rows, err := f.db.QueryContext(ctx, f.st.Q(`SELECT site_pos, id, type, learner_id, wall_ms, received_ms, payload FROM events
		WHERE site_id = ? AND site_pos > ? AND site_pos <= ? ORDER BY site_pos LIMIT ?`), site, from, last, pageSize)
	if err != nil {
		return 0, 0, err
	}
	var stmts []Statement
	var learnersOf []string
	var erased []string
	n, next := 0, last
	for rows.Next() {
		var src Source
		var pos, wall, recv int64
		if err := rows.Scan(&pos, &src.ID, &src.Type, &src.LearnerID, &wall, &recv, &src.Payload); err != nil {
			rows.Close()
			return 0, 0, err
		}
		n++
		next = pos
		src.SiteID, src.At = site, time.UnixMilli(min(wall, recv))
		if src.Type == event.TypeLearnerErased {
			erased = append(erased, src.LearnerID)
			continue
		}
		sts, err := f.cfg.Maker.Statements(src)
		if err != nil {
			f.log.Warn("xapi: event skipped", "event", src.ID, "err", err)
			continue
		}
		for range sts {
			learnersOf = append(learnersOf, src.LearnerID)
		}
		stmts = append(stmts, sts...)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	if n < pageSize {
		next = last
	}
	now := time.Now().UnixMilli()
	err = f.st.WriteTx(ctx, func(tx *sql.Tx) error {
		for i, st := range stmts {
			body, err := marshal(st)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, f.st.Q(`INSERT INTO xapi_queue (id, site_id, learner_id, created_ms, body) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (id) DO NOTHING`), st.ID, site, learnersOf[i], now, body); err != nil {
				return err
			}
		}
		for _, l := range erased {
			// What was not sent yet of an erased learner never leaves.
			if _, err := tx.ExecContext(ctx, f.st.Q(`DELETE FROM xapi_queue WHERE site_id = ? AND learner_id = ? AND sent_ms = 0`), site, l); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, f.st.Q(`INSERT INTO xapi_cursor (site_id, pos) VALUES (?, ?) ON CONFLICT (site_id) DO UPDATE SET pos = excluded.pos`), site, next)
		return err
	})
	return len(stmts), next, err
}

// errTransient marks a send worth retrying later.
var errTransient = errors.New("LRS unavailable")

// Send sends up to one batch of queued statements and returns how many the
// LRS now holds. A statement is marked sent only after the LRS said it
// holds it; one the LRS refuses as invalid is set aside with its reason.
func (f *Forwarder) Send(ctx context.Context) (int, error) {
	type item struct {
		id, body string
	}
	var batch []item
	rows, err := f.db.QueryContext(ctx, f.st.Q(`SELECT id, body FROM xapi_queue WHERE sent_ms = 0 AND rejected = '' ORDER BY created_ms, id LIMIT ?`), f.cfg.Batch)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.body); err != nil {
			rows.Close()
			return 0, err
		}
		batch = append(batch, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(batch) == 0 {
		return 0, err
	}
	var body bytes.Buffer
	body.WriteByte('[')
	for i, it := range batch {
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(it.body)
	}
	body.WriteByte(']')
	code, msg, err := f.request(ctx, http.MethodPost, f.cfg.URL+"/statements", body.Bytes())
	if err != nil {
		return 0, err
	}
	switch {
	case code == http.StatusOK || code == http.StatusNoContent:
		ids := make([]string, len(batch))
		for i, it := range batch {
			ids[i] = it.id
		}
		return len(ids), f.markSent(ctx, ids)
	case code == http.StatusBadRequest || code == http.StatusConflict:
		// One statement spoils the batch (invalid, or already held with
		// other content): send them one by one, by id, which is idempotent.
		done := 0
		for _, it := range batch {
			c, m, err := f.request(ctx, http.MethodPut, f.cfg.URL+"/statements?statementId="+it.id, []byte(it.body))
			if err != nil {
				return done, err
			}
			switch {
			case c == http.StatusOK || c == http.StatusNoContent || c == http.StatusConflict:
				if c == http.StatusConflict {
					f.log.Warn("xapi: the LRS holds another statement under this id", "id", it.id, "detail", m)
				}
				if err := f.markSent(ctx, []string{it.id}); err != nil {
					return done, err
				}
				done++
			case c == http.StatusBadRequest:
				f.log.Error("xapi: statement refused by the LRS", "id", it.id, "detail", m)
				if err := f.st.WriteTx(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, f.st.Q(`UPDATE xapi_queue SET rejected = ? WHERE id = ?`), clip(m, 500), it.id)
					return err
				}); err != nil {
					return done, err
				}
			default:
				return done, fmt.Errorf("%w: PUT statement: %d %s", errTransient, c, clip(m, 200))
			}
		}
		return done, nil
	default:
		return 0, fmt.Errorf("%w: POST statements: %d %s", errTransient, code, clip(msg, 200))
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func (f *Forwarder) request(ctx context.Context, method, url string, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Experience-API-Version", Version)
	if f.cfg.Auth != "" {
		req.Header.Set("Authorization", f.cfg.Auth)
	}
	resp, err := f.cfg.Client.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("%w: %v", errTransient, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return 0, "", fmt.Errorf("%w: read answer: %v", errTransient, err)
	}
	return resp.StatusCode, string(b), nil
}

func (f *Forwarder) markSent(ctx context.Context, ids []string) error {
	now := time.Now()
	err := f.st.WriteTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, f.st.Q(`UPDATE xapi_queue SET sent_ms = ? WHERE id = ? AND sent_ms = 0`), now.UnixMilli(), id); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		f.mu.Lock()
		f.sent += int64(len(ids))
		f.lastSent = now
		f.mu.Unlock()
	}
	return err
}

// Step enqueues new events and sends what is due, until the queue is
// empty or a send fails; after a failure it waits (exponential backoff with
// full jitter) before trying again. It returns the wait before the next
// step.
func (f *Forwarder) Step(ctx context.Context) time.Duration {
	if _, err := f.Enqueue(ctx); err != nil {
		f.log.Error("xapi: enqueue", "err", err)
	}
	f.mu.Lock()
	wait := time.Until(f.nextTry)
	f.mu.Unlock()
	if wait > 0 {
		return min(wait, f.cfg.Every)
	}
	for ctx.Err() == nil {
		n, err := f.Send(ctx)
		f.mu.Lock()
		if err != nil {
			f.failures++
			ceiling := min(f.cfg.MaxBackoff, f.cfg.MinBackoff<<min(f.failures-1, 20))
			d := time.Duration(f.rnd.Int64N(int64(ceiling)) + 1)
			f.nextTry = time.Now().Add(d)
			f.lastError = err.Error()
			f.mu.Unlock()
			f.log.Warn("xapi: send failed", "err", err, "retry_in", d.String())
			return min(d, f.cfg.Every)
		}
		f.failures = 0
		f.mu.Unlock()
		if n == 0 {
			break
		}
	}
	return f.cfg.Every
}

// Run forwards until ctx ends.
func (f *Forwarder) Run(ctx context.Context) {
	for {
		d := f.Step(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
		}
	}
}

// Status reports the forwarder's state for the dashboard.
func (f *Forwarder) Status(ctx context.Context) ([][2]string, error) {
	var queued, sent, rejected int
	err := f.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN sent_ms = 0 AND rejected = '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sent_ms > 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN rejected <> '' THEN 1 ELSE 0 END), 0) FROM xapi_queue`).
		Scan(&queued, &sent, &rejected)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	when := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05") + " UTC"
	}
	next := "—"
	if time.Until(f.nextTry) > 0 {
		next = when(f.nextTry)
	}
	return [][2]string{
		{"LRS", f.cfg.URL},
		{"queued", strconv.Itoa(queued)},
		{"sent", strconv.Itoa(sent)},
		{"rejected", strconv.Itoa(rejected)},
		{"answers", strconv.FormatBool(f.cfg.Answers)},
		{"last sent", when(f.lastSent)},
		{"failures in a row", strconv.Itoa(f.failures)},
		{"next try", next},
		{"last error", firstNonEmpty(f.lastError, "—")},
	}, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
