// Package bundlestore is the server's side of sync by USB stick (package
// sync/bundle, docs/sync-protocol.md "Bundles"): it imports the bundles
// devices write, through the store's Push like a network push (same
// validation, same exactly-once by id, same detection of restored and
// cloned journals), and writes a bundle for a device with what a pull
// would give it, its acknowledgements and the newest signed content pack.
//
// It keeps one table of its own, bundle_imports, beside the sync tables,
// which it only reads (events enter through Push, identities through
// Reidentify).
package bundlestore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/tremplin-numerique/tremplin/sync/bundle"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// Store imports and writes bundles over the server's store.
type Store struct {
	st  *server.Store
	db  *sql.DB
	now func() time.Time
}

// New prepares the bundle table in st's database.
func New(ctx context.Context, st *server.Store) (*Store, error) {
	s := &Store{st: st, db: st.DB(), now: time.Now}
	err := st.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bundle_imports (
			id TEXT PRIMARY KEY,
			device_id TEXT NOT NULL,
			site_id TEXT NOT NULL,
			created_ms BIGINT NOT NULL,
			imported_ms BIGINT NOT NULL,
			events BIGINT NOT NULL,
			stored BIGINT NOT NULL,
			cursor TEXT NOT NULL DEFAULT '',
			spare_hash TEXT NOT NULL DEFAULT '',
			outcome TEXT NOT NULL
		)`)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bundle table: %w", err)
	}
	return s, nil
}

type device struct {
	server.Device
	tokenHash string
}

func (s *Store) device(ctx context.Context, id string) (device, error) {
	var d device
	var revoked bool
	err := s.db.QueryRowContext(ctx, s.st.Q(`SELECT d.id, d.site_id, s.name, d.name, d.token_hash, d.revoked_ms IS NOT NULL, d.last_seq, d.reason
		FROM devices d JOIN sites s ON s.id = d.site_id WHERE d.id = ?`), id).
		Scan(&d.ID, &d.SiteID, &d.SiteName, &d.Name, &d.tokenHash, &revoked, &d.LastSeq, &d.Reason)
	d.Revoked = revoked
	if errors.Is(err, sql.ErrNoRows) {
		return d, &bundle.Error{Kind: bundle.ErrKindUnknown, Err: fmt.Errorf("no device %s on this server", id)}
	}
	return d, err
}

// ImportResult says what importing a device's bundle did.
type ImportResult struct {
	BundleID   string
	Created    time.Time // when the device wrote it (the device's clock)
	DeviceID   string
	DeviceName string
	SiteName   string
	Events     int       // events in the bundle
	Stored     int       // events new to the server
	Already    time.Time // when this bundle was first imported (zero the first time)
	// NewIdentity is set when the bundle showed a restored or cloned
	// journal (nothing stored): the device's new identity, handed to it
	// by the next bundle written for it.
	NewIdentity *server.Device
}

// Import imports a device's bundle: authenticated with the device's
// token, every event validated, all stored in one transaction or none.
// Importing it again stores nothing more. A bundle from a restored or
// cloned journal is refused (ErrKindReused) and the device gets a new
// identity, made with the spare token its bundle proposed.
func (s *Store) Import(ctx context.Context, path string) (ImportResult, error) {
	var res ImportResult
	b, err := bundle.ReadFile(path)
	if err != nil {
		return res, err
	}
	m := b.Manifest
	res.BundleID, res.Created, res.DeviceID = m.ID, time.UnixMilli(m.CreatedMS), m.DeviceID
	if m.Kind != bundle.KindDevice {
		return res, &bundle.Error{Kind: bundle.ErrKindKind, Err: fmt.Errorf("a %q bundle is imported by its device", m.Kind)}
	}
	dev, err := s.device(ctx, m.DeviceID)
	if err != nil {
		return res, err
	}
	res.DeviceName, res.SiteName = dev.Name, dev.SiteName
	key, err := bundle.KeyFromTokenHash(dev.tokenHash)
	if err != nil {
		return res, &bundle.Error{Kind: bundle.ErrKindForged, Err: err}
	}
	if err := b.Verify(key); err != nil {
		return res, err
	}
	if dev.Revoked {
		return res, &bundle.Error{Kind: bundle.ErrKindRevoked, Err: fmt.Errorf("device %s is revoked", dev.ID)}
	}
	if m.SiteID != dev.SiteID {
		return res, &bundle.Error{Kind: bundle.ErrKindOtherDevice, Err: fmt.Errorf("bundle for site %s, the device is in %s", m.SiteID, dev.SiteID)}
	}
	evs, err := b.Events(bundle.MemberEvents)
	if err != nil {
		return res, err
	}
	now := s.now()
	bound := now.Add(wire.MaxClockAheadMS * time.Millisecond).UnixMilli()
	seen := map[string]bool{}
	uniq := evs[:0]
	for _, e := range evs {
		if e.DeviceID != dev.ID {
			return res, &bundle.Error{Kind: bundle.ErrKindInvalid, Err: fmt.Errorf("event %s is of device %s", e.ID, e.DeviceID)}
		}
		if e.HLC>>16 > bound {
			return res, &bundle.Error{Kind: bundle.ErrKindClockAhead, Err: fmt.Errorf("event %s is stamped %s, more than an hour after the server's clock (%s)",
				e.ID, time.UnixMilli(e.HLC>>16).UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))}
		}
		if !seen[e.ID] {
			seen[e.ID] = true
			uniq = append(uniq, e)
		}
	}
	evs = uniq
	res.Events = len(evs)
	var first sql.NullInt64
	if err := s.db.QueryRowContext(ctx, s.st.Q(`SELECT imported_ms FROM bundle_imports WHERE id = ?`), m.ID).Scan(&first); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return res, err
	}
	if first.Valid {
		res.Already = time.UnixMilli(first.Int64)
	}
	spare, spareHash := "", ""
	if m.SpareKey != "" {
		if k, err := key.Open(m.SpareKey); err == nil && wire.ValidKey(k) {
			spare, spareHash = k, tokenHash(k)
		}
	}
	outcome := "imported"
	var pushErr error
	if len(evs) > 0 {
		pr, err := s.st.Push(ctx, dev.Device, evs)
		var re *server.ReusedError
		switch {
		case errors.As(err, &re):
			outcome, pushErr = "reused", err
			if spare == "" {
				return res, &bundle.Error{Kind: bundle.ErrKindReused, Err: fmt.Errorf("%v; the bundle proposes no spare token: sync the device once over the network", err)}
			}
			reason := "copied"
			if re.DeviceSeq > m.LastSeq {
				reason = "restored"
			}
			// The evidence Reidentify asks for is the conflict the store
			// just found: the journal wrote a new event at seq re.Seq, so
			// its own last seq before it was re.Seq-1, behind the
			// server's re.DeviceSeq. (A network push records the
			// conflict itself; a bundle has no later request to wait for.)
			nd, err := s.st.Reidentify(ctx, dev.Device, server.ReidentifyRequest{Key: spare, Reason: reason, LastSeq: re.Seq - 1})
			if err != nil {
				return res, fmt.Errorf("new identity for device %s: %w", dev.ID, err)
			}
			res.NewIdentity = &nd
		case err != nil:
			return res, fmt.Errorf("store the bundle's events: %w", err)
		default:
			res.Stored = pr.Stored
		}
	}
	err = s.st.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.st.Q(`INSERT INTO bundle_imports (id, device_id, site_id, created_ms, imported_ms, events, stored, cursor, spare_hash, outcome)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
			m.ID, dev.ID, dev.SiteID, m.CreatedMS, now.UnixMilli(), len(evs), res.Stored, m.Cursor, spareHash, outcome)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("record the import: %w", err)
	}
	if pushErr != nil {
		return res, &bundle.Error{Kind: bundle.ErrKindReused, Err: pushErr}
	}
	return res, nil
}

// ExportOptions tune Export.
type ExportOptions struct {
	NoPack bool // leave the content pack out
	// Since is the cursor to start the site's events from; negative: from
	// the cursor of the device's latest imported bundle (0 if none).
	Since int64
}

// ExportResult says what a written bundle holds.
type ExportResult struct {
	Path        string
	DeviceID    string
	DeviceName  string
	Events      int // site events from other devices
	Own         int // the device's own events the server holds (acknowledgements)
	Pack        string
	NewIdentity string // the device's new identity, if the server made one
}

// Export writes a bundle for one device into dir: the events of its site
// from other devices since its cursor, its own events the server holds
// (they acknowledge what it sent, and give back what a restore lost), the
// new identity made for it if its journal was found restored or cloned,
// and the newest content pack. It is authenticated with the device's token.
func (s *Store) Export(ctx context.Context, deviceID, dir string, opts ExportOptions) (ExportResult, error) {
	res := ExportResult{DeviceID: deviceID}
	dev, err := s.device(ctx, deviceID)
	if err != nil {
		return res, err
	}
	res.DeviceName = dev.Name
	if dev.Revoked {
		return res, &bundle.Error{Kind: bundle.ErrKindRevoked, Err: fmt.Errorf("device %s is revoked", dev.ID)}
	}
	key, err := bundle.KeyFromTokenHash(dev.tokenHash)
	if err != nil {
		return res, err
	}
	since := opts.Since
	if since < 0 {
		since = 0
		var c string
		err := s.db.QueryRowContext(ctx, s.st.Q(`SELECT cursor FROM bundle_imports WHERE device_id = ? ORDER BY imported_ms DESC LIMIT 1`), dev.ID).Scan(&c)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return res, err
		}
		if n, err := strconv.ParseInt(c, 10, 64); err == nil && n > 0 {
			since = n
		}
	}
	now := s.now()
	var site []wire.Event
	cursor := since
	for {
		page, next, more, err := s.st.Pull(ctx, dev.Device, cursor, wire.MaxPullLimit)
		if err != nil {
			return res, fmt.Errorf("read the site's events: %w", err)
		}
		site = append(site, page...)
		if !more || next == cursor {
			cursor = next
			break
		}
		cursor = next
	}
	own, err := s.ownEvents(ctx, dev)
	if err != nil {
		return res, err
	}
	var maxHLC int64
	if err := s.db.QueryRowContext(ctx, s.st.Q(`SELECT max_hlc FROM sites WHERE id = ?`), dev.SiteID).Scan(&maxHLC); err != nil {
		return res, err
	}
	m := bundle.Manifest{Kind: bundle.KindServer, ID: uuid.Must(uuid.NewV7()).String(), CreatedMS: now.UnixMilli(),
		DeviceID: dev.ID, DeviceName: dev.Name, SiteID: dev.SiteID, SiteName: dev.SiteName,
		Events: len(site), Own: len(own), Since: strconv.FormatInt(since, 10), Cursor: strconv.FormatInt(cursor, 10),
		DeviceSeq: dev.LastSeq, ServerHLC: min(maxHLC, (now.UnixMilli()+wire.MaxClockAheadMS)<<16), ServerMS: now.UnixMilli()}
	var nd server.Device
	err = s.db.QueryRowContext(ctx, s.st.Q(`SELECT id, name, reason FROM devices WHERE previous_id = ? AND revoked_ms IS NULL AND token_hash IN
		(SELECT spare_hash FROM bundle_imports WHERE device_id = ? AND spare_hash <> '') ORDER BY created_ms DESC LIMIT 1`), dev.ID, dev.ID).
		Scan(&nd.ID, &nd.Name, &nd.Reason)
	switch {
	case err == nil:
		m.Identity = &bundle.Identity{DeviceID: nd.ID, DeviceName: nd.Name, Reason: nd.Reason}
		res.NewIdentity = nd.ID
	case !errors.Is(err, sql.ErrNoRows):
		return res, err
	}
	siteData, err := bundle.EncodeEvents(site)
	if err != nil {
		return res, err
	}
	ownData, err := bundle.EncodeEvents(own)
	if err != nil {
		return res, err
	}
	members := []bundle.NamedData{{Name: bundle.MemberEvents, Data: siteData}, {Name: bundle.MemberOwn, Data: ownData}}
	if !opts.NoPack {
		info, err := s.st.LatestPack(ctx)
		if err != nil {
			return res, fmt.Errorf("latest pack: %w", err)
		}
		if info != nil {
			data, err := s.st.PackData(ctx, info.Version)
			if err != nil {
				return res, fmt.Errorf("pack %s: %w", info.Version, err)
			}
			m.Pack = info
			members = append(members, bundle.NamedData{Name: bundle.MemberPack, Data: data})
			res.Pack = info.Version
		}
	}
	res.Events, res.Own = len(site), len(own)
	res.Path, err = bundle.Write(dir, bundle.FileName(bundle.KindServer, dev.Name, now), m, key, members)
	return res, err
}

// ExportSite writes a bundle for every live device of a site.
func (s *Store) ExportSite(ctx context.Context, siteID, dir string, opts ExportOptions) ([]ExportResult, error) {
	devs, err := s.st.Devices(ctx, siteID)
	if err != nil {
		return nil, err
	}
	var out []ExportResult
	for _, d := range devs {
		if d.Revoked || d.Reason == server.ReasonServer {
			continue
		}
		r, err := s.Export(ctx, d.ID, dir, opts)
		if err != nil {
			return out, fmt.Errorf("bundle for %s: %w", d.Name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *Store) ownEvents(ctx context.Context, dev device) ([]wire.Event, error) {
	rows, err := s.db.QueryContext(ctx, s.st.Q(`SELECT id, device_id, seq, wall_ms, hlc, type, learner_id, payload
		FROM events WHERE site_id = ? AND device_id = ? ORDER BY seq`), dev.SiteID, dev.ID)
	if err != nil {
		return nil, fmt.Errorf("read the device's events: %w", err)
	}
	defer rows.Close()
	var out []wire.Event
	for rows.Next() {
		var e wire.Event
		var payload []byte
		if err := rows.Scan(&e.ID, &e.DeviceID, &e.Seq, &e.WallMS, &e.HLC, &e.Type, &e.LearnerID, &payload); err != nil {
			return nil, err
		}
		e.Payload = payload
		out = append(out, e)
	}
	return out, rows.Err()
}

// tokenHash is how the store keeps a token (hex SHA-256).
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Plain says a bundle error in plain French with its detail, for the
// command line.
func Plain(err error) string {
	var be *bundle.Error
	if errors.As(err, &be) {
		return be.Plain() + " (" + strings.TrimPrefix(be.Err.Error(), "bundle: ") + ")"
	}
	return err.Error()
}
