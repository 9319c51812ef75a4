package dashboard

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// Audit actions: every change made from the dashboard or the admin
// command leaves one line.
const (
	ActPathPushed     = "path.pushed"
	ActPackPublished  = "pack.published"
	ActDeviceRevoked  = "device.revoked"
	ActEnrolCode      = "device.code"
	ActLearnerErased  = "learner.erased"
	ActLearnersLinked = "learners.linked"
	ActUserAdded      = "user.added"
	ActLogin          = "user.login"
	ActLoginFailed    = "user.login_failed"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At     time.Time
	User   string
	SiteID string
	Action string
	Target string
	Detail string
}

// Audit records an action.
func (d *Dashboard) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = d.now()
	}
	return d.db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_audit (id, at_ms, user_name, site_id, action, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			uuid.Must(uuid.NewV7()).String(), e.At.UnixMilli(), e.User, e.SiteID, e.Action, e.Target, clipText(e.Detail, 500))
		return err
	})
}

// auditLog returns the newest entries the user may see: all for an admin,
// their sites' for a coordinator.
func (d *Dashboard) auditLog(ctx context.Context, u User, limit int) ([]AuditEntry, error) {
	query := `SELECT at_ms, user_name, site_id, action, target, detail FROM dash_audit`
	var args []any
	if !u.Admin() {
		if len(u.Sites) == 0 {
			return nil, nil
		}
		query += ` WHERE site_id IN (` + strings.TrimSuffix(strings.Repeat("?,", len(u.Sites)), ",") + `)`
		for _, s := range u.Sites {
			args = append(args, s)
		}
	}
	query += ` ORDER BY at_ms DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := d.db.db.QueryContext(ctx, d.db.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var ms int64
		if err := rows.Scan(&ms, &e.User, &e.SiteID, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, err
		}
		e.At = time.UnixMilli(ms)
		out = append(out, e)
	}
	return out, rows.Err()
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// emit stores an event made by the dashboard (path.assigned,
// learner.erased) in a site through the sync store's Push, so it gets a
// site position like any device's event and every device of the site pulls
// it at its next sync. Its clock sorts after everything the site holds.
func (d *Dashboard) emit(ctx context.Context, siteID, typ, learnerID string, payload any) (string, error) {
	dev, err := d.store.ServerDevice(ctx, siteID)
	if err != nil {
		return "", err
	}
	var maxHLC int64
	if err := d.db.db.QueryRowContext(ctx, d.db.q(`SELECT max_hlc FROM sites WHERE id = ?`), siteID).Scan(&maxHLC); err != nil {
		return "", fmt.Errorf("site %s: %w", siteID, err)
	}
	now := d.now()
	hlc := max(now.UnixMilli()<<16, maxHLC+1)
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	// The seq must be above what the server holds from the device.
	seq := d.seq.Add(1)
	if seq <= dev.LastSeq {
		d.seq.Store(dev.LastSeq + 1)
		seq = d.seq.Add(1)
	}
	ev := wire.Event{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: dev.ID, Seq: seq, WallMS: now.UnixMilli(),
		HLC: hlc, Type: typ, LearnerID: learnerID, Payload: raw}
	if err := ev.Validate(); err != nil {
		return "", err
	}
	if _, err := d.store.Push(ctx, dev, []wire.Event{ev}); err != nil {
		return "", fmt.Errorf("store %s event: %w", typ, err)
	}
	return ev.ID, nil
}
