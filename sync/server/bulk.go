package server

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// bulkRows is how many events one INSERT statement of BulkLoad carries
// (11 values each: under SQLite's and PostgreSQL's parameter limits).
const bulkRows = 500

// bulkTx is how many events one transaction of BulkLoad commits: big
// enough that commits cost nothing, small enough that the SQLite WAL stays
// a few hundred megabytes.
const bulkTx = 200_000

// BulkLoad appends events of one site's devices in big transactions
// through one prepared multi-row INSERT, without Push's checks (known ids,
// erasures, re-used seqs, clocks). It is for building benchmark and test
// data sets, where the caller makes every id new and every device's seqs
// increasing; a running server never calls it. On SQLite, the connection
// it uses skips fsync while it runs (a crash mid-load loses the load, not
// the database). The site's position and clock and each device's last seq
// and last sync follow, as after Push.
func (s *Store) BulkLoad(ctx context.Context, siteID string, events []wire.Event) error {
	if !s.postgres {
		s.wmu.Lock()
		defer s.wmu.Unlock()
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if !s.postgres {
		if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = OFF`); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = FULL`)
	}
	now := s.now().UnixMilli()
	var full *sql.Stmt
	for start := 0; start < len(events); start += bulkTx {
		chunk := events[start:min(start+bulkTx, len(events))]
		err := func() error {
			tx, err := conn.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			var lastPos, maxHLC int64
			if err := tx.QueryRowContext(ctx, s.q(`SELECT last_pos, max_hlc FROM sites WHERE id = ?`), siteID).Scan(&lastPos, &maxHLC); err != nil {
				return fmt.Errorf("site %s: %w", siteID, err)
			}
			if full == nil {
				full, err = conn.PrepareContext(ctx, s.bulkInsert(bulkRows))
				if err != nil {
					return err
				}
			}
			stmt := tx.StmtContext(ctx, full)
			devs := map[string]int64{}
			args := make([]any, 0, bulkRows*11)
			for i := 0; i < len(chunk); i += bulkRows {
				rows := chunk[i:min(i+bulkRows, len(chunk))]
				args = args[:0]
				for _, e := range rows {
					lastPos++
					args = append(args, e.ID, siteID, lastPos, e.DeviceID, e.Seq, e.WallMS, e.HLC, e.Type, e.LearnerID, []byte(e.Payload), now)
					maxHLC = max(maxHLC, e.HLC)
					devs[e.DeviceID] = max(devs[e.DeviceID], e.Seq)
				}
				if len(rows) == bulkRows {
					_, err = stmt.ExecContext(ctx, args...)
				} else {
					_, err = tx.ExecContext(ctx, s.bulkInsert(len(rows)), args...)
				}
				if err != nil {
					return fmt.Errorf("insert events: %w", err)
				}
			}
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE sites SET last_pos = ?, max_hlc = ? WHERE id = ?`), lastPos, maxHLC, siteID); err != nil {
				return err
			}
			for dev, seq := range devs {
				if _, err := tx.ExecContext(ctx, s.q(`UPDATE devices SET last_seq = CASE WHEN last_seq < ? THEN ? ELSE last_seq END, last_seen_ms = ? WHERE id = ?`),
					seq, seq, now, dev); err != nil {
					return err
				}
			}
			return tx.Commit()
		}()
		if err != nil {
			return fmt.Errorf("bulk load site %s: %w", siteID, err)
		}
	}
	if full != nil {
		full.Close()
	}
	return nil
}

// bulkInsert is an INSERT of n events.
func (s *Store) bulkInsert(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO events (id, site_id, site_pos, device_id, seq, wall_ms, hlc, type, learner_id, payload, received_ms) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
	}
	return s.q(b.String())
}
