package dashboard

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/tremplin-numerique/tremplin/sync/server"
)

// db is the dashboard's view of the server's database: its own tables
// (dash_*), beside the sync tables it only reads.
type db struct {
	st *server.Store
	db *sql.DB
}

func newDB(st *server.Store) *db { return &db{st: st, db: st.DB()} }

func (d *db) q(query string) string { return d.st.Q(query) }

func (d *db) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.st.WriteTx(ctx, fn)
}

// dashSchema is the dashboard's migrations, applied in order and counted
// in dash_schema_version, apart from the sync schema's own counter.
var dashSchema = []string{
	`CREATE TABLE dash_users (
		id TEXT PRIMARY KEY,
		name TEXT NOT NULL UNIQUE,
		role TEXT NOT NULL,
		hash TEXT NOT NULL,
		created_ms BIGINT NOT NULL,
		failed INTEGER NOT NULL DEFAULT 0,
		locked_until_ms BIGINT NOT NULL DEFAULT 0
	);
	CREATE TABLE dash_user_sites (
		user_id TEXT NOT NULL,
		site_id TEXT NOT NULL,
		PRIMARY KEY (user_id, site_id)
	);
	CREATE TABLE dash_sessions (
		hash TEXT PRIMARY KEY,
		user_id TEXT NOT NULL,
		csrf TEXT NOT NULL,
		created_ms BIGINT NOT NULL,
		expires_ms BIGINT NOT NULL,
		last_ms BIGINT NOT NULL
	);
	CREATE TABLE dash_audit (
		id TEXT PRIMARY KEY,
		at_ms BIGINT NOT NULL,
		user_name TEXT NOT NULL,
		site_id TEXT NOT NULL DEFAULT '',
		action TEXT NOT NULL,
		target TEXT NOT NULL DEFAULT '',
		detail TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX dash_audit_at ON dash_audit (at_ms);
	CREATE TABLE dash_state (
		key TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);
	CREATE TABLE dash_paths (
		id TEXT PRIMARY KEY,
		site_id TEXT NOT NULL,
		learner_id TEXT NOT NULL DEFAULT '',
		name TEXT NOT NULL,
		skills TEXT NOT NULL,
		modules TEXT NOT NULL,
		event_id TEXT NOT NULL,
		created_ms BIGINT NOT NULL,
		created_by TEXT NOT NULL
	);
	CREATE INDEX dash_paths_site ON dash_paths (site_id, created_ms);
	CREATE TABLE dash_erasures (
		site_id TEXT NOT NULL,
		learner_id TEXT NOT NULL,
		event_id TEXT NOT NULL,
		at_ms BIGINT NOT NULL,
		by_user TEXT NOT NULL,
		PRIMARY KEY (site_id, learner_id)
	);
	CREATE TABLE dash_cursor (
		site_id TEXT PRIMARY KEY,
		pos BIGINT NOT NULL
	);
	CREATE TABLE dash_learners (
		site_id TEXT NOT NULL,
		learner_id TEXT NOT NULL,
		name TEXT NOT NULL DEFAULT '',
		name_hlc BIGINT NOT NULL DEFAULT 0,
		picture_code TEXT NOT NULL DEFAULT '',
		first_ms BIGINT NOT NULL,
		last_ms BIGINT NOT NULL,
		sessions INTEGER NOT NULL DEFAULT 0,
		diagnostics INTEGER NOT NULL DEFAULT 0,
		modules INTEGER NOT NULL DEFAULT 0,
		first_diag TEXT NOT NULL DEFAULT '',
		last_diag TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (site_id, learner_id)
	);
	CREATE INDEX dash_learners_last ON dash_learners (site_id, last_ms);
	CREATE TABLE dash_weeks (
		site_id TEXT NOT NULL,
		week_ms BIGINT NOT NULL,
		visits INTEGER NOT NULL DEFAULT 0,
		diagnostics INTEGER NOT NULL DEFAULT 0,
		modules INTEGER NOT NULL DEFAULT 0,
		learners INTEGER NOT NULL DEFAULT 0,
		PRIMARY KEY (site_id, week_ms)
	);
	CREATE TABLE dash_modules (
		site_id TEXT NOT NULL,
		module TEXT NOT NULL,
		n INTEGER NOT NULL DEFAULT 0,
		PRIMARY KEY (site_id, module)
	);
	CREATE TABLE dash_devices (
		device_id TEXT PRIMARY KEY,
		site_id TEXT NOT NULL,
		pack_version TEXT NOT NULL DEFAULT '',
		last_event_ms BIGINT NOT NULL DEFAULT 0
	);`,
	// 2: learners linked into another (learners.linked).
	`CREATE TABLE dash_links (
		site_id TEXT NOT NULL,
		learner_id TEXT NOT NULL,
		into_id TEXT NOT NULL,
		PRIMARY KEY (site_id, learner_id)
	);`,
}

func (d *db) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS dash_schema_version (v INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("dashboard schema: %w", err)
	}
	return d.write(ctx, func(tx *sql.Tx) error {
		var v int
		err := tx.QueryRowContext(ctx, `SELECT v FROM dash_schema_version`).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dash_schema_version (v) VALUES (0)`); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		for ; v < len(dashSchema); v++ {
			for _, stmt := range strings.Split(dashSchema[v], ";") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("dashboard schema %d: %w", v+1, err)
				}
			}
		}
		_, err = tx.ExecContext(ctx, d.q(`UPDATE dash_schema_version SET v = ?`), v)
		return err
	})
}
