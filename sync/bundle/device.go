package bundle

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/packsign"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// StateSpareKey keeps, in the journal's state, the token this device
// proposes in its bundles for a change of identity (Manifest.SpareKey), so
// every bundle proposes the same one until it is used.
const StateSpareKey = "sync.bundle_spare_key"

// ExportResult says what Export wrote.
type ExportResult struct {
	Path   string // the bundle file
	Events int    // events in it (every event the server has not acknowledged)
}

// Export writes this device's unsent events into a bundle file in dir (a
// USB stick). The events stay unsent: they are marked sent only when an
// acknowledgement comes back (a server bundle, or a network sync), so a
// lost stick loses nothing.
func Export(ctx context.Context, j *journal.Journal, dir string) (ExportResult, error) {
	st := func(k string) string { v, _ := j.State(ctx, k); return v }
	token := st(journal.StateToken)
	if token == "" || st(journal.StateSiteID) == "" {
		return ExportResult{}, fail(ErrKindNotEnrolled, "this device has no server identity")
	}
	if err := j.ApplyErasures(ctx); err != nil {
		return ExportResult{}, fail(ErrKindIO, "%v", err)
	}
	// Like a push: once the server's clock is known, what ran ahead of it
	// is re-stamped first.
	if st(journal.StateClockOffset) != "" {
		if _, err := j.RestampAhead(ctx); err != nil {
			return ExportResult{}, fail(ErrKindIO, "%v", err)
		}
	}
	evs, err := j.Unsent(ctx, math.MaxInt32)
	if err != nil {
		return ExportResult{}, fail(ErrKindIO, "%v", err)
	}
	spare := st(StateSpareKey)
	if !wire.ValidKey(spare) {
		spare = wire.NewKey()
		if err := j.SetState(ctx, StateSpareKey, spare); err != nil {
			return ExportResult{}, fail(ErrKindIO, "%v", err)
		}
	}
	batch := make([]wire.Event, len(evs))
	for i, e := range evs {
		batch[i] = ToWire(e)
	}
	data, err := EncodeEvents(batch)
	if err != nil {
		return ExportResult{}, fail(ErrKindIO, "%v", err)
	}
	last, err := j.LastSeq(ctx)
	if err != nil {
		return ExportResult{}, fail(ErrKindIO, "%v", err)
	}
	now := time.Now()
	key := KeyFromToken(token)
	name := st(journal.StateDeviceName)
	m := Manifest{Kind: KindDevice, ID: uuid.Must(uuid.NewV7()).String(), CreatedMS: now.UnixMilli(),
		DeviceID: j.DeviceID(), DeviceName: name, SiteID: st(journal.StateSiteID), SiteName: st(journal.StateSiteName),
		Events: len(batch), LastSeq: last, Cursor: st(journal.StatePullCursor), SpareKey: key.Seal(spare)}
	if name == "" {
		name = j.DeviceID()[:8]
	}
	path, err := Write(dir, FileName(KindDevice, name, now), m, key, []NamedData{{MemberEvents, data}})
	if err != nil {
		return ExportResult{}, err
	}
	return ExportResult{Path: path, Events: len(batch)}, nil
}

// Options tell Import where content packs go.
type Options struct {
	PackKeys  []ed25519.PublicKey // keys whose signed packs this device accepts; none: packs are skipped
	PacksDir  string              // where packs are installed (see packsign.InstallChecked)
	CheckPack func(dir string) error
}

// ImportResult says what Import changed.
type ImportResult struct {
	Created time.Time // when the server wrote the bundle
	Events  int       // site events new to this journal
	Acked   int       // this device's waiting events the server holds (now marked sent)
	// Recovered counts this device's own events the journal had lost (a
	// restore) and got back from the server.
	Recovered int
	Pending   int // events still waiting for the server
	// Reidentified is "restored" or "copied" when the bundle handed this
	// device the new identity the server made for it.
	Reidentified string
	// Restored: the server holds more from this device than its journal
	// (restored from an older copy); the server gives it a new identity
	// when it imports the device's next bundle.
	Restored    bool
	Pack        string // the content pack version installed, if any
	PackSkipped bool   // a pack was in the bundle but no pack key is trusted
	PackErr     error  // the pack was refused (the previous one stays); the rest was imported
}

// Import imports a server bundle into the journal: the site's events
// (merged by id, so importing twice changes nothing), the
// acknowledgements of this device's events, a new identity if the server
// made one, and the content pack. A bundle that is truncated, damaged,
// forged or made for another device is refused whole.
func Import(ctx context.Context, j *journal.Journal, path string, opts Options) (ImportResult, error) {
	var res ImportResult
	b, err := ReadFile(path)
	if err != nil {
		return res, err
	}
	m := b.Manifest
	res.Created = time.UnixMilli(m.CreatedMS)
	if m.Kind != KindServer {
		return res, fail(ErrKindKind, "a %q bundle is imported by the server", m.Kind)
	}
	st := func(k string) string { v, _ := j.State(ctx, k); return v }
	token := st(journal.StateToken)
	if token == "" {
		return res, fail(ErrKindNotEnrolled, "this device has no server identity")
	}
	if m.DeviceID != j.DeviceID() {
		if m.Identity != nil && m.Identity.DeviceID == j.DeviceID() {
			return res, fail(ErrKindAlready, "this bundle gave this device its identity %s already", j.DeviceID())
		}
		return res, fail(ErrKindOtherDevice, "bundle for device %s, this is %s", m.DeviceID, j.DeviceID())
	}
	if err := b.Verify(KeyFromToken(token)); err != nil {
		return res, err
	}
	if m.SiteID != st(journal.StateSiteID) {
		return res, fail(ErrKindOtherDevice, "bundle for site %s", m.SiteID)
	}
	site, err := b.Events(MemberEvents)
	if err != nil {
		return res, err
	}
	own, err := b.Events(MemberOwn)
	if err != nil {
		return res, err
	}
	for _, e := range own {
		if e.DeviceID != m.DeviceID {
			return res, fail(ErrKindInvalid, "acknowledged event %s is of device %s", e.ID, e.DeviceID)
		}
	}
	conv := func(evs []wire.Event) []journal.Event {
		out := make([]journal.Event, len(evs))
		for i, e := range evs {
			out[i] = FromWire(e)
		}
		return out
	}
	// The cursor moves on only when this journal holds everything up to
	// the bundle's starting point, and never backwards.
	cursor := ""
	if have, since, next := cursorOf(st(journal.StatePullCursor)), cursorOf(m.Since), cursorOf(m.Cursor); have >= since && next > have {
		cursor = m.Cursor
	}
	if res.Events, err = j.Merge(ctx, conv(site), cursor); err != nil {
		return res, fail(ErrKindIO, "%v", err)
	}
	// This device's own events the server holds: those the journal lost
	// (restored from an older copy) come back, sent; those still waiting
	// are acknowledged.
	if res.Recovered, err = j.Merge(ctx, conv(own), ""); err != nil {
		return res, fail(ErrKindIO, "%v", err)
	}
	ids := make([]string, len(own))
	for i, e := range own {
		ids[i] = e.ID
	}
	before, _ := j.Pending(ctx)
	if err := j.MarkSent(ctx, ids); err != nil {
		return res, fail(ErrKindIO, "%v", err)
	}
	after, _ := j.Pending(ctx)
	res.Acked = before - after
	if m.ServerHLC > 0 {
		_ = j.ObserveHLC(ctx, journal.HLC(m.ServerHLC))
	}
	if m.Identity != nil {
		spare := st(StateSpareKey)
		if !wire.ValidKey(spare) {
			return res, fail(ErrKindIO, "the spare key this device proposed is gone: sync once over the network")
		}
		if _, err := j.AdoptIdentity(ctx, m.Identity.DeviceID, m.Identity.Reason, journal.StateToken, spare,
			journal.StateDeviceName, m.Identity.DeviceName, StateSpareKey, ""); err != nil {
			return res, fail(ErrKindIO, "%v", err)
		}
		res.Reidentified = m.Identity.Reason
	} else if last, err := j.LastSeq(ctx); err == nil && m.DeviceSeq > last {
		res.Restored = true
	}
	res.Pending, _ = j.Pending(ctx)
	// A sync, by hand: the mediator area shows it as the last one.
	_ = j.RecordSync(ctx, time.Now(), "", "")
	if m.Pack != nil && b.Data(MemberPack) != nil {
		switch {
		case st(journal.StatePackVersion) == m.Pack.Version && packsign.Current(opts.PacksDir) != "":
		case len(opts.PackKeys) == 0 || opts.PacksDir == "":
			res.PackSkipped = true
		default:
			if _, err := packsign.InstallChecked(opts.PackKeys, opts.PacksDir, m.Pack.Version, b.Data(MemberPack), m.Pack.Signature, opts.CheckPack); err != nil {
				res.PackErr = &Error{Kind: ErrKindPack, Err: err}
			} else if err := j.SetState(ctx, journal.StatePackVersion, m.Pack.Version); err != nil {
				res.PackErr = &Error{Kind: ErrKindIO, Err: err}
			} else {
				res.Pack = m.Pack.Version
			}
		}
	}
	return res, nil
}

func cursorOf(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// ToWire turns a journal event into its wire form.
func ToWire(e journal.Event) wire.Event {
	return wire.Event{ID: e.ID, DeviceID: e.DeviceID, Seq: e.Seq, WallMS: e.WallTime.UnixMilli(), HLC: int64(e.HLC),
		Type: e.Type, LearnerID: e.LearnerID, Payload: e.Payload}
}

// FromWire turns a wire event into a journal event.
func FromWire(e wire.Event) journal.Event {
	return journal.Event{ID: e.ID, DeviceID: e.DeviceID, Seq: e.Seq, WallTime: time.UnixMilli(e.WallMS).UTC(), HLC: journal.HLC(e.HLC),
		Type: e.Type, LearnerID: e.LearnerID, Payload: e.Payload}
}

// AsError returns err's *Error, or wraps another error as ErrKindIO.
func AsError(err error) *Error {
	var be *Error
	if errors.As(err, &be) {
		return be
	}
	return &Error{Kind: ErrKindIO, Err: fmt.Errorf("%w", err)}
}
