package bundlestore_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/bundle"
	"github.com/tremplin-numerique/tremplin/sync/bundlestore"
	"github.com/tremplin-numerique/tremplin/sync/client"
	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/packsign"
	"github.com/tremplin-numerique/tremplin/sync/pgtest"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// world is a real server store (SQLite), its HTTP API (for the online
// half of the tests) and the bundle side over it.
type world struct {
	t     *testing.T
	ctx   context.Context
	st    *server.Store
	bs    *bundlestore.Store
	url   string
	stick string // the USB stick
}

func sqliteDSN(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "server.db") }

// TestBundlesOnPostgres runs the bundle tests on PostgreSQL.
func TestBundlesOnPostgres(t *testing.T) {
	pg := pgtest.Start(t)
	for name, fn := range map[string]func(*testing.T, *world){
		"RoundTrip": testSneakernetRoundTrip, "BadBundles": testBadBundlesRefused,
		"Restored": testRestoredDeviceBundle, "Cloned": testClonedDeviceBundles,
	} {
		t.Run(name, func(t *testing.T) { fn(t, newWorld(t, pg.NewDatabase(t))) })
	}
}

func newWorld(t *testing.T, dsn string) *world {
	t.Helper()
	ctx := context.Background()
	st, err := server.OpenStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bs, err := bundlestore.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(st, server.Config{DeviceRate: 1000, DeviceBurst: 1000})
	hs := httptest.NewServer(srv.APIHandler())
	t.Cleanup(hs.Close)
	return &world{t: t, ctx: ctx, st: st, bs: bs, url: hs.URL, stick: t.TempDir()}
}

func (w *world) site(name string) server.Site {
	s, err := w.st.AddSite(w.ctx, name)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// kiosk enrols a real journal in site through the HTTP API, as a kiosk does
// once when it is set up.
func (w *world) kiosk(site server.Site) *journal.Journal {
	w.t.Helper()
	path := filepath.Join(w.t.TempDir(), "journal.db")
	j, err := journal.Open(w.ctx, path)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { j.Close() })
	code, _, err := w.st.NewEnrolCode(w.ctx, site.ID, time.Hour)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := client.Enroll(w.ctx, j, w.url, code); err != nil {
		w.t.Fatal(err)
	}
	return j
}

func (w *world) answers(j *journal.Journal, n int) []string {
	w.t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		ev, err := j.Append(w.ctx, "answer.recorded", "learner-"+j.DeviceID()[:8], map[string]any{"item_id": "i", "outcome": "correct", "n": i})
		if err != nil {
			w.t.Fatal(err)
		}
		ids = append(ids, ev.ID)
	}
	return ids
}

func (w *world) export(j *journal.Journal) string {
	w.t.Helper()
	r, err := bundle.Export(w.ctx, j, w.stick)
	if err != nil {
		w.t.Fatal(err)
	}
	return r.Path
}

func (w *world) serverBundle(deviceID string) string {
	w.t.Helper()
	r, err := w.bs.Export(w.ctx, deviceID, w.stick, bundlestore.ExportOptions{Since: -1})
	if err != nil {
		w.t.Fatal(err)
	}
	return r.Path
}

// once checks that the server holds every id of want exactly once, and
// nothing else in the site.
func (w *world) once(site server.Site, want ...[]string) {
	w.t.Helper()
	counts, err := w.st.EventCounts(w.ctx, site.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	n := 0
	for _, ids := range want {
		for _, id := range ids {
			n++
			if counts[id] != 1 {
				w.t.Errorf("event %s held %d times on the server", id, counts[id])
			}
		}
	}
	if len(counts) != n {
		w.t.Errorf("the server holds %d events of the site, want %d", len(counts), n)
	}
}

// holds checks a journal holds every id of want exactly once.
func holds(t *testing.T, j *journal.Journal, want ...[]string) {
	t.Helper()
	seen := map[string]int{}
	if err := j.Each(context.Background(), journal.Filter{}, func(e journal.Event) error { seen[e.ID]++; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, ids := range want {
		for _, id := range ids {
			if seen[id] != 1 {
				t.Errorf("journal %s holds event %s %d times", j.DeviceID()[:8], id, seen[id])
			}
		}
	}
}

func pending(t *testing.T, j *journal.Journal) int {
	n, err := j.Pending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func kindOf(err error) string {
	var be *bundle.Error
	if errors.As(err, &be) {
		return be.Kind
	}
	return ""
}

// TestSneakernetRoundTrip carries events device → stick → server and the
// site's events, acknowledgements and a signed pack server → stick →
// device, imports everything twice, and mixes in network syncs: every
// event ends once on the server and once in each journal of the site, and
// nothing crosses to another site.
func TestSneakernetRoundTrip(t *testing.T) { testSneakernetRoundTrip(t, newWorld(t, sqliteDSN(t))) }

func testSneakernetRoundTrip(t *testing.T, w *world) {
	s1, s2 := w.site("Médiathèque"), w.site("Mairie")
	a, b, c := w.kiosk(s1), w.kiosk(s1), w.kiosk(s2)
	aIDs, bIDs, cIDs := w.answers(a, 30), w.answers(b, 20), w.answers(c, 7)

	// A publishes a signed pack on the server.
	pub, priv, err := packsign.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	packDir := t.TempDir()
	os.WriteFile(filepath.Join(packDir, "pack.yaml"), []byte("id: test\nversion: 2026.11\n"), 0o644)
	archive, err := packsign.Archive(packDir)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := packsign.ParsePrivateKey(priv)
	if err := w.st.PublishPack(w.ctx, wire.PackInfo{Version: "2026.11", SHA256: packsign.SHA256(archive), Signature: packsign.Sign(key, "2026.11", archive)}, archive); err != nil {
		t.Fatal(err)
	}

	// Device → stick → server, twice.
	pa := w.export(a)
	if pending(t, a) != 30 {
		t.Fatal("export marked events sent before any acknowledgement")
	}
	r, err := w.bs.Import(w.ctx, pa)
	if err != nil || r.Stored != 30 || r.Events != 30 || !r.Already.IsZero() {
		t.Fatalf("first import: %+v, %v", r, err)
	}
	r, err = w.bs.Import(w.ctx, pa)
	if err != nil || r.Stored != 0 || r.Already.IsZero() {
		t.Fatalf("second import: %+v, %v", r, err)
	}
	// B goes online instead, and C (another site) too.
	if _, err := client.SyncOnce(w.ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := client.SyncOnce(w.ctx, c); err != nil {
		t.Fatal(err)
	}

	// Server → stick → device A: B's events, A's acknowledgements, the pack.
	sb := w.serverBundle(a.DeviceID())
	pub1, _ := packsign.ParsePublicKey(pub)
	packs := t.TempDir()
	ir, err := bundle.Import(w.ctx, a, sb, bundle.Options{PackKeys: []ed25519.PublicKey{pub1}, PacksDir: packs})
	if err != nil {
		t.Fatal(err)
	}
	if ir.Events != 20 || ir.Acked != 30 || ir.Pending != 0 || ir.Pack != "2026.11" || ir.PackErr != nil {
		t.Fatalf("device import: %+v", ir)
	}
	if packsign.Current(packs) == "" {
		t.Fatal("pack not installed")
	}
	ir, err = bundle.Import(w.ctx, a, sb, bundle.Options{PackKeys: []ed25519.PublicKey{pub1}, PacksDir: packs})
	if err != nil || ir.Events != 0 || ir.Acked != 0 || ir.Recovered != 0 || ir.Pack != "" {
		t.Fatalf("second device import: %+v, %v", ir, err)
	}
	holds(t, a, aIDs, bIDs)

	// A: new answers, a bundle that the server imports after A synced
	// online (and the reverse for B): nothing twice.
	a2 := w.answers(a, 5)
	pa2 := w.export(a)
	if _, err := client.SyncOnce(w.ctx, a); err != nil {
		t.Fatal(err)
	}
	if r, err := w.bs.Import(w.ctx, pa2); err != nil || r.Stored != 0 || r.Events != 5 {
		t.Fatalf("bundle after an online sync: %+v, %v", r, err)
	}
	b2 := w.answers(b, 4)
	pb2 := w.export(b)
	if r, err := w.bs.Import(w.ctx, pb2); err != nil || r.Stored != 4 {
		t.Fatalf("B's bundle: %+v, %v", r, err)
	}
	rep, err := client.SyncOnce(w.ctx, b)
	if err != nil || rep.Pending != 0 {
		t.Fatalf("B online after its bundle: %+v, %v", rep, err)
	}
	// A takes the site's news by stick again: only what is new.
	ir, err = bundle.Import(w.ctx, a, w.serverBundle(a.DeviceID()), bundle.Options{})
	if err != nil || ir.Events != 4 {
		t.Fatalf("A's second server bundle: %+v, %v", ir, err)
	}
	w.once(s1, aIDs, bIDs, a2, b2)
	w.once(s2, cIDs)
	holds(t, a, aIDs, bIDs, a2, b2)
	if _, err := client.SyncOnce(w.ctx, b); err != nil {
		t.Fatal(err)
	}
	holds(t, b, aIDs, bIDs, a2, b2)
	// Nothing of site 2 reached a device of site 1, by stick or network.
	seen := 0
	a.Each(w.ctx, journal.Filter{}, func(e journal.Event) error {
		if e.DeviceID == c.DeviceID() {
			seen++
		}
		return nil
	})
	if seen != 0 {
		t.Fatalf("%d events of another site reached A", seen)
	}
}

// TestBadBundlesRefused: truncated (at every tenth of the file and inside
// the last bytes), damaged, forged, misplaced and replayed bundles are
// refused whole with their own kind, and neither side changes.
func TestBadBundlesRefused(t *testing.T) { testBadBundlesRefused(t, newWorld(t, sqliteDSN(t))) }

func testBadBundlesRefused(t *testing.T, w *world) {
	s1 := w.site("Médiathèque")
	a, b := w.kiosk(s1), w.kiosk(s1)
	aIDs := w.answers(a, 12)
	w.answers(b, 3)
	good := w.export(a)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, d []byte) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, d, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	refuse := func(what, path, kind string) {
		t.Helper()
		_, err := w.bs.Import(w.ctx, path)
		if got := kindOf(err); got != kind {
			t.Errorf("%s: got %q (%v), want %q", what, got, err, kind)
		}
		if be := bundle.AsError(err); be.Plain() == "" || be.Plain() == (&bundle.Error{}).Plain() {
			t.Errorf("%s: no plain message", what)
		}
	}
	// Truncated anywhere: the copy was interrupted.
	// The MAC is the last data; the end-of-archive blocks after it carry
	// nothing, so a cut there loses nothing (checked below).
	macEnd := bytes.LastIndexByte(bytes.TrimRight(data, "\x00"), ' ') + 1 + 64
	cuts := []int{0}
	for i := 1; i < 10; i++ {
		cuts = append(cuts, macEnd*i/10)
	}
	cuts = append(cuts, macEnd-1, macEnd-64, macEnd-200, macEnd-600)
	for _, n := range cuts {
		refuse("truncated at "+strconv.Itoa(n), write("cut.tremplin", data[:n]), bundle.ErrKindIncomplete)
	}
	// A .part file: a copy that did not finish.
	refuse(".part", write("x.tremplin.part", data), bundle.ErrKindIncomplete)
	// A byte changed in the events member, or in the manifest.
	flip := func(at int) []byte {
		d := bytes.Clone(data)
		d[at] ^= 0x20
		return d
	}
	ev := bytes.Index(data, []byte("events.json.gz"))
	ev = bytes.Index(data[ev+512:], []byte{0x1f, 0x8b}) + ev + 512 // the member's gzip data
	refuse("damaged events", write("d.tremplin", flip(ev+40)), bundle.ErrKindCorrupt)
	man := bytes.Index(data, []byte(`"events": 12`))
	refuse("damaged manifest", write("m.tremplin", flip(man+3)), bundle.ErrKindCorrupt)
	// Not a bundle at all.
	refuse("text file", write("t.tremplin", bytes.Repeat([]byte("bonjour "), 200)), bundle.ErrKindCorrupt)
	// Forged: A's identity, but made with B's token.
	bTok, _ := b.State(w.ctx, journal.StateToken)
	forged, err := bundle.Write(t.TempDir(), "f.tremplin", bundle.Manifest{Kind: bundle.KindDevice, ID: "x", DeviceID: a.DeviceID(), SiteID: s1.ID, Events: 0},
		bundle.KeyFromToken(bTok), []bundle.NamedData{{Name: bundle.MemberEvents, Data: mustEvents(t, nil)}})
	if err != nil {
		t.Fatal(err)
	}
	refuse("forged", forged, bundle.ErrKindForged)
	// A server bundle given to the server.
	refuse("server bundle on the server", w.serverBundle(a.DeviceID()), bundle.ErrKindKind)
	// Nothing reached the server.
	w.once(s1)
	if r, err := w.bs.Import(w.ctx, write("end.tremplin", data[:macEnd])); err != nil || r.Stored != 12 {
		t.Fatalf("a copy complete up to its MAC: %+v, %v", r, err)
	}

	// The device side: a truncated, damaged, forged or misplaced server
	// bundle is refused and the journal does not change.
	sb := w.serverBundle(a.DeviceID())
	sdata, _ := os.ReadFile(sb)
	before := pending(t, a)
	for _, c := range []struct {
		what, path, kind string
	}{
		{"truncated", write("s.tremplin", sdata[:len(sdata)*2/3]), bundle.ErrKindIncomplete},
		{"device bundle on a device", good, bundle.ErrKindKind},
		{"for another device", w.serverBundle(b.DeviceID()), bundle.ErrKindOtherDevice},
	} {
		_, err := bundle.Import(w.ctx, a, c.path, bundle.Options{})
		if got := kindOf(err); got != c.kind {
			t.Errorf("device: %s: got %q (%v), want %q", c.what, got, err, c.kind)
		}
	}
	aTok, _ := a.State(w.ctx, journal.StateToken)
	fs, err := bundle.Write(t.TempDir(), "fs.tremplin", bundle.Manifest{Kind: bundle.KindServer, ID: "y", DeviceID: a.DeviceID(), SiteID: s1.ID},
		bundle.KeyFromToken(aTok+"x"), []bundle.NamedData{{Name: bundle.MemberEvents, Data: mustEvents(t, nil)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bundle.Import(w.ctx, a, fs, bundle.Options{}); kindOf(err) != bundle.ErrKindForged {
		t.Errorf("forged server bundle: %v", err)
	}
	if pending(t, a) != before || before != 12 {
		t.Fatalf("refused bundles changed the journal: %d pending, want 12", pending(t, a))
	}
	if _, err := bundle.Import(w.ctx, a, sb, bundle.Options{}); err != nil {
		t.Fatal(err)
	}
	if pending(t, a) != 0 {
		t.Fatal("the good server bundle did not acknowledge A's events")
	}
	w.once(s1, aIDs)

	// Clock far ahead: refused with its own message, nothing stored.
	ahead := wire.Event{ID: "0190a0b0-0000-7000-8000-000000000001", DeviceID: a.DeviceID(), Seq: 13, WallMS: 1,
		HLC: (time.Now().Add(3*time.Hour).UnixMilli() << 16), Type: "answer.recorded", Payload: []byte("{}")}
	cp, err := bundle.Write(t.TempDir(), "c.tremplin", bundle.Manifest{Kind: bundle.KindDevice, ID: "z", DeviceID: a.DeviceID(), SiteID: s1.ID, Events: 1},
		bundle.KeyFromToken(aTok), []bundle.NamedData{{Name: bundle.MemberEvents, Data: mustEvents(t, []wire.Event{ahead})}})
	if err != nil {
		t.Fatal(err)
	}
	refuse("clock ahead", cp, bundle.ErrKindClockAhead)
	w.once(s1, aIDs)
}

// TestRestoredDeviceBundle: a kiosk whose data folder was put back to an
// earlier copy writes a bundle. The server refuses it (the restored-journal
// detection of network sync is not bypassed), gives the device a new
// identity with the spare token its bundle proposed, and the next server
// bundle hands it over with the device's lost events; the device's next
// bundle is then accepted. Nothing lost, nothing twice.
func TestRestoredDeviceBundle(t *testing.T) { testRestoredDeviceBundle(t, newWorld(t, sqliteDSN(t))) }

func testRestoredDeviceBundle(t *testing.T, w *world) {
	s1 := w.site("Médiathèque")
	a := w.kiosk(s1)
	early := w.answers(a, 5)
	// The image the restore tool will put back.
	snap := filepath.Join(t.TempDir(), "snapshot.db")
	copyJournal(t, a, snap)
	late := w.answers(a, 5)
	if r, err := w.bs.Import(w.ctx, w.export(a)); err != nil || r.Stored != 10 {
		t.Fatalf("%+v, %v", r, err)
	}
	oldID := a.DeviceID()
	a.Close()

	// The restore: the journal is back to 5 events, and the kiosk goes on.
	r, err := journal.Open(w.ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fresh := w.answers(r, 3)
	res, err := w.bs.Import(w.ctx, w.export(r))
	if kindOf(err) != bundle.ErrKindReused || res.NewIdentity == nil || res.NewIdentity.Reason != "restored" {
		t.Fatalf("restored bundle: %+v, %v", res, err)
	}
	w.once(s1, early, late) // the 3 new events under re-used seqs were not stored
	// Importing it again does not mint another identity.
	res2, err := w.bs.Import(w.ctx, w.export(r))
	if kindOf(err) != bundle.ErrKindReused || res2.NewIdentity == nil || res2.NewIdentity.ID != res.NewIdentity.ID {
		t.Fatalf("second restored bundle: %+v, %v", res2, err)
	}

	// Server → stick → restored kiosk: its new identity and its lost events.
	ir, err := bundle.Import(w.ctx, r, w.serverBundle(oldID), bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ir.Reidentified != "restored" || ir.Recovered != 5 || ir.Acked != 5 || ir.Pending != 3 || r.DeviceID() != res.NewIdentity.ID {
		t.Fatalf("device import: %+v (device %s)", ir, r.DeviceID())
	}
	// The same server bundle again: already done.
	if _, err := bundle.Import(w.ctx, r, w.serverBundle(oldID), bundle.Options{}); kindOf(err) != bundle.ErrKindAlready && kindOf(err) != bundle.ErrKindOtherDevice {
		t.Fatalf("server bundle for the old identity, again: %v", err)
	}
	// Now its bundle goes through, under the new identity.
	if res, err := w.bs.Import(w.ctx, w.export(r)); err != nil || res.Stored != 3 || res.DeviceID != r.DeviceID() {
		t.Fatalf("bundle after the new identity: %+v, %v", res, err)
	}
	if _, err := bundle.Import(w.ctx, r, w.serverBundle(r.DeviceID()), bundle.Options{}); err != nil {
		t.Fatal(err)
	}
	if pending(t, r) != 0 {
		t.Fatalf("%d events still pending", pending(t, r))
	}
	w.once(s1, early, late, fresh)
	holds(t, r, early, late, fresh)
	// And the network agrees: an online sync changes nothing.
	if rep, err := client.SyncOnce(w.ctx, r); err != nil || rep.Pushed != 0 || rep.Reidentified != "" {
		t.Fatalf("online sync after: %+v, %v", rep, err)
	}
	w.once(s1, early, late, fresh)
}

// TestClonedDeviceBundles: two copies of one enrolled journal each write
// and carry bundles; the second is refused and gets its own identity, and
// every event ends on the server once.
func TestClonedDeviceBundles(t *testing.T) { testClonedDeviceBundles(t, newWorld(t, sqliteDSN(t))) }

func testClonedDeviceBundles(t *testing.T, w *world) {
	s1 := w.site("Médiathèque")
	a := w.kiosk(s1)
	snap := filepath.Join(t.TempDir(), "clone.db")
	copyJournal(t, a, snap)
	clone, err := journal.Open(w.ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	defer clone.Close()
	aIDs, cIDs := w.answers(a, 4), w.answers(clone, 6)
	if _, err := w.bs.Import(w.ctx, w.export(a)); err != nil {
		t.Fatal(err)
	}
	res, err := w.bs.Import(w.ctx, w.export(clone))
	if kindOf(err) != bundle.ErrKindReused || res.NewIdentity == nil || res.NewIdentity.Reason != "copied" {
		t.Fatalf("clone's bundle: %+v, %v", res, err)
	}
	if _, err := bundle.Import(w.ctx, clone, w.serverBundle(a.DeviceID()), bundle.Options{}); err != nil {
		t.Fatal(err)
	}
	if clone.DeviceID() == a.DeviceID() {
		t.Fatal("the clone kept the shared identity")
	}
	if res, err := w.bs.Import(w.ctx, w.export(clone)); err != nil || res.Stored != 6 {
		t.Fatalf("clone's bundle under its new identity: %+v, %v", res, err)
	}
	w.once(s1, aIDs, cIDs)
}

func copyJournal(t *testing.T, j *journal.Journal, to string) {
	t.Helper()
	// A consistent copy of the journal file, as a disk image holds it.
	if _, err := j.DB().ExecContext(context.Background(), `VACUUM INTO ?`, to); err != nil {
		t.Fatal(err)
	}
}

func mustEvents(t *testing.T, evs []wire.Event) []byte {
	d, err := bundle.EncodeEvents(evs)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
