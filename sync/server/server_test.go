package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tremplin-numerique/tremplin/sync/client"
	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/packsign"
	"github.com/tremplin-numerique/tremplin/sync/pgtest"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// env is one server under test with its store.
type env struct {
	t     *testing.T
	store *server.Store
	url   string
}

type newDSN func(t *testing.T) string

// TestSuiteSQLite and TestSuitePostgres run the same suite on both stores.
func TestSuiteSQLite(t *testing.T) {
	runSuite(t, func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "server.db") })
}

func TestSuitePostgres(t *testing.T) {
	pg := pgtest.Start(t)
	runSuite(t, func(t *testing.T) string { return pg.NewDatabase(t) })
}

func runSuite(t *testing.T, dsn newDSN) {
	tests := []struct {
		name string
		fn   func(*testing.T, *env)
	}{
		{"SitesSyncAndStayApart", testSitesSyncAndStayApart},
		{"ExactlyOnce", testExactlyOnce},
		{"Enrolment", testEnrolment},
		{"Tokens", testTokens},
		{"BadBodies", testBadBodies},
		{"Erasure", testErasure},
		{"RateLimit", testRateLimit},
		{"HealthAndMetrics", testHealthAndMetrics},
		{"Packs", testPacks},
		{"ConcurrentPushersCursor", testConcurrentPushersCursor},
		{"Reidentify", testReidentify},
		{"ReidentifyRestricted", testReidentifyRestricted},
		{"BulkLoad", testBulkLoad},
		{"OtherSiteIDs", testOtherSiteIDs},
		{"SiteNamesAndPackVersions", testSiteNamesAndPackVersions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store, err := server.OpenStore(context.Background(), dsn(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { store.Close() })
			cfg := server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			if tc.name == "ReidentifyRestricted" {
				cfg.MaxReidentifyPerDay = 3
			}
			if tc.name == "RateLimit" {
				cfg.DeviceRate, cfg.DeviceBurst = 1, 3
			} else {
				cfg.DeviceRate, cfg.DeviceBurst = 10000, 10000
				cfg.EnrolRate, cfg.EnrolBurst = 10000, 10000
			}
			srv := httptest.NewServer(server.New(store, cfg).Handler())
			t.Cleanup(srv.Close)
			tc.fn(t, &env{t: t, store: store, url: srv.URL})
		})
	}
}

func (e *env) site(name string) server.Site {
	s, err := e.store.AddSite(context.Background(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) code(site server.Site) string {
	c, _, err := e.store.NewEnrolCode(context.Background(), site.ID, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// device opens a journal and enrols it in site.
func (e *env) device(site server.Site) *journal.Journal {
	e.t.Helper()
	j, err := journal.Open(context.Background(), filepath.Join(e.t.TempDir(), "j.db"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { j.Close() })
	if err := client.Enroll(context.Background(), j, e.url, e.code(site)); err != nil {
		e.t.Fatal(err)
	}
	return j
}

func token(t *testing.T, j *journal.Journal) string {
	tok, _ := j.State(context.Background(), journal.StateToken)
	return tok
}

func syncOK(t *testing.T, j *journal.Journal) client.Report {
	t.Helper()
	rep, err := client.SyncOnce(context.Background(), j)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return rep
}

func learnerNames(t *testing.T, j *journal.Journal) []string {
	ls, err := j.Learners(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

func addLearner(t *testing.T, j *journal.Journal, name string, answers int) string {
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7()).String()
	if _, err := j.Append(ctx, journal.TypeLearnerCreated, id, map[string]string{"name": name, "picture_code": "sun-tree-cat"}); err != nil {
		t.Fatal(err)
	}
	for i := range answers {
		j.Append(ctx, journal.TypeAnswerRecorded, id, map[string]any{"learner_id": id, "item_id": i, "outcome": "correct", "correct": true})
	}
	return id
}

func (e *env) counts(siteID string) map[string]int {
	c, err := e.store.EventCounts(context.Background(), siteID)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func testSitesSyncAndStayApart(t *testing.T, e *env) {
	a, b := e.site("Médiathèque A"), e.site("Mairie B")
	a1, a2, b1 := e.device(a), e.device(a), e.device(b)
	addLearner(t, a1, "Awa", 3)
	addLearner(t, a2, "Bruno", 2)
	addLearner(t, b1, "Chloé", 1)
	for range 2 {
		for _, j := range []*journal.Journal{a1, a2, b1} {
			syncOK(t, j)
		}
	}
	for _, j := range []*journal.Journal{a1, a2} {
		if got := strings.Join(learnerNames(t, j), ","); !strings.Contains(got, "Awa") || !strings.Contains(got, "Bruno") || strings.Contains(got, "Chloé") {
			t.Errorf("site A device sees %q", got)
		}
	}
	if got := strings.Join(learnerNames(t, b1), ","); got != "Chloé" {
		t.Errorf("site B device sees %q", got)
	}
	if n := len(e.counts(a.ID)); n != 4+3 {
		t.Errorf("site A holds %d events, want 7", n)
	}
	if n := len(e.counts(b.ID)); n != 2 {
		t.Errorf("site B holds %d events, want 2", n)
	}
	for _, j := range []*journal.Journal{a1, a2, b1} {
		if n, _ := j.Pending(context.Background()); n != 0 {
			t.Errorf("pending %d", n)
		}
	}
	st, _ := client.Status(a1)
	if !st.Enrolled || st.LastSuccess.IsZero() || st.LastError != "" || st.SiteName != "Médiathèque A" {
		t.Errorf("status %+v", st)
	}
}

func rawPush(t *testing.T, url, tok string, body []byte, hdr map[string]string) (*http.Response, []byte) {
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/sync/push", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func wireEvents(t *testing.T, j *journal.Journal) []wire.Event {
	evs, err := j.Unsent(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]wire.Event, len(evs))
	for i, e := range evs {
		out[i] = wire.Event{ID: e.ID, DeviceID: e.DeviceID, Seq: e.Seq, WallMS: e.WallTime.UnixMilli(), HLC: int64(e.HLC), Type: e.Type, LearnerID: e.LearnerID, Payload: e.Payload}
	}
	return out
}

func testExactlyOnce(t *testing.T, e *env) {
	a := e.site("A")
	j := e.device(a)
	addLearner(t, j, "Awa", 9)
	evs := wireEvents(t, j)
	tok := token(t, j)
	// The same batch three times, then overlapping halves.
	for _, batch := range [][]wire.Event{evs, evs, evs[:6], evs[4:], append(evs[:3:3], evs...)} {
		body, _ := wire.EncodePush(batch)
		resp, b := rawPush(t, e.url, tok, body, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("push: %d %s", resp.StatusCode, b)
		}
		var pr wire.PushResponse
		json.Unmarshal(b, &pr)
		want := map[string]bool{}
		for _, ev := range batch {
			want[ev.ID] = true
		}
		if len(pr.Accepted) != len(want) {
			t.Fatalf("accepted %d of %d", len(pr.Accepted), len(want))
		}
	}
	c := e.counts(a.ID)
	if len(c) != len(evs) {
		t.Fatalf("stored %d events, want %d", len(c), len(evs))
	}
	for id, n := range c {
		if n != 1 {
			t.Fatalf("event %s stored %d times", id, n)
		}
	}
}

func testEnrolment(t *testing.T, e *env) {
	a := e.site("A")
	type answer struct {
		status int
		kind   string
		dev    string
	}
	enrol := func(code, key string) answer {
		body, _ := json.Marshal(wire.EnrollRequest{V: 1, Code: code, Key: key})
		resp, err := http.Post(e.url+"/api/v1/devices/enroll", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			if resp.Header.Get("Content-Type") != wire.ProblemContentType {
				t.Errorf("refusal without problem+json: %s", resp.Header.Get("Content-Type"))
			}
			var p wire.Problem
			json.Unmarshal(raw, &p)
			return answer{status: resp.StatusCode, kind: p.Kind()}
		}
		var out wire.EnrollResponse
		json.Unmarshal(raw, &out)
		return answer{status: 200, dev: out.DeviceID}
	}
	code := e.code(a)
	key := wire.NewKey()
	first := enrol(strings.ToLower(code), key)
	if first.status != 200 || first.dev == "" {
		t.Fatalf("enrol with lower-case code: %+v", first)
	}
	// The same device retrying (its answer was lost) gets the same answer.
	if again := enrol(code, key); again.status != 200 || again.dev != first.dev {
		t.Errorf("retry with the same key: %+v, want device %s", again, first.dev)
	}
	if a := enrol(code, wire.NewKey()); a.status != 401 || a.kind != wire.ProblemBadCode {
		t.Errorf("replayed code with another key: %+v", a)
	}
	if a := enrol("AAAA-BBBB-CCCC", wire.NewKey()); a.status != 401 || a.kind != wire.ProblemBadCode {
		t.Errorf("unknown code: %+v", a)
	}
	expired, _, _ := e.store.NewEnrolCode(context.Background(), a.ID, -time.Second)
	if a := enrol(expired, wire.NewKey()); a.status != 401 {
		t.Errorf("expired code: %+v", a)
	}
	// A key already in use is refused like a bad code.
	if a := enrol(e.code(a), key); a.status != 401 {
		t.Errorf("key of another device: %+v", a)
	}
	if a := enrol(e.code(a), "tdt1_short"); a.status != 400 {
		t.Errorf("bad key: %+v", a)
	}
	if a := enrol(e.code(a), ""); a.status != 400 || a.kind != wire.ProblemVersion {
		t.Errorf("no key (old kiosk): %+v", a)
	}
	// Kiosks racing with one code: one device. The same kiosk's request
	// duplicated by the network: the same device every time.
	race := func(keys func(i int) string) (ok int, devs map[string]bool) {
		code := e.code(a)
		var wg sync.WaitGroup
		var mu sync.Mutex
		devs = map[string]bool{}
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r := enrol(code, keys(i)); r.status == 200 {
					mu.Lock()
					ok++
					devs[r.dev] = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return ok, devs
	}
	if ok, devs := race(func(int) string { return wire.NewKey() }); ok != 1 || len(devs) != 1 {
		t.Errorf("racing kiosks: %d answers, %d devices", ok, len(devs))
	}
	dup := wire.NewKey()
	if ok, devs := race(func(int) string { return dup }); ok != 8 || len(devs) != 1 {
		t.Errorf("duplicated request: %d answers, %d devices", ok, len(devs))
	}
	devs, _ := e.store.Devices(context.Background(), "")
	if len(devs) != 3 {
		t.Errorf("%d devices stored, want 3", len(devs))
	}
	for i, d := range devs {
		if want := fmt.Sprintf("A #%d", i+1); d.Name != want || d.SiteName != "A" {
			t.Errorf("device %d named %q in %q, want %q in A", i, d.Name, d.SiteName, want)
		}
	}
}

func testTokens(t *testing.T, e *env) {
	a, b := e.site("A"), e.site("B")
	ja, jb := e.device(a), e.device(b)
	addLearner(t, ja, "Awa", 2)
	body, _ := wire.EncodePush(wireEvents(t, ja))
	for name, tok := range map[string]string{"none": "", "wrong": "tdt1_nope", "other site": token(t, jb)} {
		resp, b := rawPush(t, e.url, tok, body, nil)
		want := 401
		if name == "other site" {
			want = 403 // a valid token may only push its own device's events
		}
		if resp.StatusCode != want || resp.Header.Get("Content-Type") != wire.ProblemContentType {
			t.Errorf("%s token: %d %s", name, resp.StatusCode, b)
		}
	}
	devs, _ := e.store.Devices(context.Background(), a.ID)
	if err := e.store.Revoke(context.Background(), devs[0].ID); err != nil {
		t.Fatal(err)
	}
	resp, _ := rawPush(t, e.url, token(t, ja), body, nil)
	if resp.StatusCode != 401 {
		t.Errorf("revoked token: %d", resp.StatusCode)
	}
	_, err := client.SyncOnce(context.Background(), ja)
	var se *client.Error
	if err == nil || !asErr(err, &se) || se.Kind != wire.ProblemUnauthorized || !se.Permanent() {
		t.Errorf("sync with revoked token: %v", err)
	}
	st, _ := client.Status(ja)
	if st.Pending != 3 || !strings.Contains(st.LastError, "code d'inscription") {
		t.Errorf("status after refusal: %+v", st)
	}
	// Pull with site B's token sees nothing of A.
	req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/sync/pull?cursor=0", nil)
	req.Header.Set("Authorization", "Bearer "+token(t, jb))
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var pr wire.PullResponse
	json.NewDecoder(r2.Body).Decode(&pr)
	r2.Body.Close()
	if len(pr.Events) != 0 {
		t.Errorf("site B pulled %d events", len(pr.Events))
	}
	if n := len(e.counts("")); n != 0 {
		t.Errorf("%d events stored after refusals", n)
	}
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func testBadBodies(t *testing.T, e *env) {
	a := e.site("A")
	j := e.device(a)
	addLearner(t, j, "Awa", 1)
	evs := wireEvents(t, j)
	tok := token(t, j)
	bad := evs[0]
	bad.Type = "Not A Type"
	badBatch, _ := wire.EncodePush([]wire.Event{evs[1], bad})
	big := make([]byte, wire.MaxBodyBytes+100)
	good, _ := wire.EncodePush(evs)
	cases := []struct {
		name string
		body []byte
		hdr  map[string]string
		want int
	}{
		{"oversized", big, nil, 413},
		{"gzip bomb", gzipBytes(bytes.Repeat([]byte("a"), wire.MaxInflatedBytes+1)), nil, 413},
		{"not gzip", []byte(`{"v":1,"events":[]}`), nil, 400},
		{"garbage json", gzipBytes([]byte(`{"v":1,"events":[{`)), nil, 400},
		{"version 9", gzipBytes([]byte(`{"v":9,"events":[{}]}`)), nil, 400},
		{"one bad event", badBatch, nil, 422},
		{"plain text", good, map[string]string{"Content-Type": "text/plain"}, 415},
		{"not gzip encoded", good, map[string]string{"Content-Encoding": "identity"}, 415},
	}
	for _, c := range cases {
		resp, b := rawPush(t, e.url, tok, c.body, c.hdr)
		if resp.StatusCode != c.want || resp.Header.Get("Content-Type") != wire.ProblemContentType {
			t.Errorf("%s: %d %s (want %d)", c.name, resp.StatusCode, b, c.want)
		}
		var p wire.Problem
		if err := json.Unmarshal(b, &p); err != nil || p.Status != c.want || !strings.HasPrefix(p.Type, wire.ProblemPrefix) {
			t.Errorf("%s: problem body %s", c.name, b)
		}
	}
	if n := len(e.counts("")); n != 0 {
		t.Errorf("%d events stored after bad bodies", n)
	}
	req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/sync/pull?cursor=-3", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, _ := http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("bad cursor: %d", resp.StatusCode)
	}
	resp, _ = http.Get(e.url + "/api/v1/nothing")
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
}

func testErasure(t *testing.T, e *env) {
	a := e.site("A")
	a1, a2 := e.device(a), e.device(a)
	awa := addLearner(t, a1, "Awa", 3)
	addLearner(t, a1, "Bruno", 1)
	syncOK(t, a1)
	syncOK(t, a2)
	if got := learnerNames(t, a2); len(got) != 2 {
		t.Fatalf("a2 sees %v", got)
	}
	// a2 records more about Awa but has not synced when a1 erases her.
	a2.Append(context.Background(), journal.TypeAnswerRecorded, awa, map[string]bool{"correct": false})
	if _, err := a1.Erase(context.Background(), awa, "request"); err != nil {
		t.Fatal(err)
	}
	syncOK(t, a1)
	syncOK(t, a2)
	syncOK(t, a1)
	for _, j := range []*journal.Journal{a1, a2} {
		if got := learnerNames(t, j); len(got) != 1 || got[0] != "Bruno" {
			t.Errorf("after erasure device sees %v", got)
		}
		left, _ := j.Events(context.Background(), journal.Filter{LearnerID: awa})
		if len(left) != 1 || left[0].Type != journal.TypeLearnerErased {
			t.Errorf("device still holds %d events of the erased learner", len(left))
		}
	}
	n := 0
	for range e.counts(a.ID) {
		n++
	}
	if n != 2+1 { // Bruno's two events and the tombstone
		t.Errorf("server holds %d events after erasure, want 3", n)
	}
}

func testRateLimit(t *testing.T, e *env) {
	j := e.device(e.site("A"))
	tok := token(t, j)
	got429 := false
	for range 10 {
		req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/sync/pull", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 429 {
			got429 = true
			if resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
			break
		}
	}
	if !got429 {
		t.Fatal("no 429 after 10 quick requests with burst 3")
	}
	_, err := client.SyncOnce(context.Background(), j)
	var se *client.Error
	if !asErr(err, &se) || se.Kind != wire.ProblemRateLimited || se.RetryAfter < time.Second {
		t.Errorf("client error %v", err)
	}
}

func testHealthAndMetrics(t *testing.T, e *env) {
	j := e.device(e.site("A"))
	addLearner(t, j, "Awa", 4)
	syncOK(t, j)
	resp, err := http.Get(e.url + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(e.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"tremplin_sync_events_stored_total 5", `tremplin_http_requests_total{code="200",route="push"} 1`, "tremplin_http_request_duration_seconds_bucket"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func testPacks(t *testing.T, e *env) {
	ctx := context.Background()
	j := e.device(e.site("A"))
	pubS, privS, _ := packsign.GenerateKey()
	pub, _ := packsign.ParsePublicKey(pubS)
	priv, _ := packsign.ParsePrivateKey(privS)
	keys := []ed25519.PublicKey{pub}
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "pack.yaml"), "version: 1\n")
	writeFile(t, filepath.Join(src, "items", "a.yaml"), "id: a\n")
	data, err := packsign.Archive(src)
	if err != nil {
		t.Fatal(err)
	}
	publish := func(version string, data []byte, sig string) {
		if err := e.store.PublishPack(ctx, wire.PackInfo{Version: version, SHA256: packsign.SHA256(data), Signature: sig}, data); err != nil {
			t.Fatal(err)
		}
	}
	publish("2025.1", data, packsign.Sign(priv, "2025.1", data))
	rep := syncOK(t, j)
	if rep.PackAvailable != "2025.1" {
		t.Errorf("pull did not announce the pack: %+v", rep)
	}
	packs := filepath.Join(t.TempDir(), "packs")
	c := client.New(j, client.Options{})
	dir, err := c.FetchPack(ctx, keys, packs)
	if err != nil || !strings.HasSuffix(dir, "2025.1") {
		t.Fatalf("fetch: %q %v", dir, err)
	}
	// A tampered pack, an unsigned one, one signed by another key: refused, previous kept.
	tampered := append([]byte{}, data...)
	tampered[len(tampered)/2] ^= 0xff
	_, otherS, _ := packsign.GenerateKey()
	other, _ := packsign.ParsePrivateKey(otherS)
	time.Sleep(5 * time.Millisecond)
	publish("2025.2", tampered, packsign.Sign(priv, "2025.2", data))
	time.Sleep(5 * time.Millisecond)
	publish("2025.3", data, "")
	time.Sleep(5 * time.Millisecond)
	publish("2025.4", data, packsign.Sign(other, "2025.4", data))
	dir, err = c.FetchPack(ctx, keys, packs)
	if err == nil || !strings.HasSuffix(dir, "2025.1") || packsign.Current(packs) != dir {
		t.Errorf("bad pack installed: %q %v", dir, err)
	}
}

func testConcurrentPushersCursor(t *testing.T, e *env) {
	a := e.site("A")
	reader := e.device(a)
	const n = 6
	devs := make([]*journal.Journal, n)
	for i := range devs {
		devs[i] = e.device(a)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	// The reader pulls while the others push, so a cursor hole would lose events.
	pullErr := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				pullErr <- nil
				return
			default:
			}
			if _, err := client.SyncOnce(context.Background(), reader); err != nil {
				pullErr <- err
				return
			}
		}
	}()
	for i, j := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 {
				addLearner(t, j, "L"+string(rune('a'+i)), 10-k*10/3)
				if _, err := client.SyncOnce(context.Background(), j); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-pullErr; err != nil {
		t.Fatal(err)
	}
	syncOK(t, reader)
	all, _ := reader.Events(context.Background(), journal.Filter{})
	if len(all) != len(e.counts(a.ID)) {
		t.Fatalf("reader holds %d events, server %d", len(all), len(e.counts(a.ID)))
	}
}

func asErr(err error, target **client.Error) bool { return errors.As(err, target) }

func writeFile(t *testing.T, path, content string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// testReidentify: a push under a seq the server holds is refused with
// device-reused (nothing stored); the device takes a new identity, retrying
// with the same key gets the same one, and its events then go through.
func testReidentify(t *testing.T, e *env) {
	ctx := context.Background()
	a := e.site("A")
	j := e.device(a)
	addLearner(t, j, "Awa", 3)
	syncOK(t, j)
	dev, err := e.store.DeviceByToken(ctx, token(t, j))
	if err != nil || dev.LastSeq != 4 {
		t.Fatalf("device after sync: %+v, %v", dev, err)
	}
	reused := wire.Event{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: dev.ID, Seq: 3, WallMS: 1, HLC: 1 << 16,
		Type: "answer.recorded", Payload: json.RawMessage(`{}`)}
	body, _ := wire.EncodePush([]wire.Event{reused})
	resp, raw := rawPush(t, e.url, token(t, j), body, nil)
	var p wire.Problem
	json.Unmarshal(raw, &p)
	if resp.StatusCode != 409 || p.Kind() != wire.ProblemDeviceReused || p.DeviceSeq != 4 {
		t.Fatalf("re-used seq: %d %s", resp.StatusCode, raw)
	}
	if e.counts(a.ID)[reused.ID] != 0 {
		t.Error("the refused event was stored")
	}
	key := wire.NewKey()
	req := server.ReidentifyRequest{Key: key, Reason: "restored", LastSeq: 2}
	n1, err := e.store.Reidentify(ctx, dev, req)
	if err != nil {
		t.Fatal(err)
	}
	n2, err := e.store.Reidentify(ctx, dev, req)
	if err != nil || n2.ID != n1.ID || n1.ID == dev.ID || n1.PreviousID != dev.ID || n1.SiteID != a.ID {
		t.Fatalf("reidentify twice: %+v / %+v, %v", n1, n2, err)
	}
	if _, err := e.store.Reidentify(ctx, dev, server.ReidentifyRequest{Key: token(t, j), Reason: "restored"}); err == nil {
		t.Error("a key in use by another device was accepted")
	}
	reused.DeviceID, reused.Seq = n1.ID, 1
	body, _ = wire.EncodePush([]wire.Event{reused})
	if resp, raw := rawPush(t, e.url, key, body, nil); resp.StatusCode != 200 {
		t.Fatalf("push under the new identity: %d %s", resp.StatusCode, raw)
	}
}

// testReidentifyRestricted: a token mints a new device only after the
// server saw evidence itself — one new identity per device-reused conflict
// (so the same token cannot mint again without a new one), or a journal
// behind the server's seq — and the devices descending from one enrolment
// take at most MaxReidentifyPerDay (3 here) new identities a day.
func testReidentifyRestricted(t *testing.T, e *env) {
	a := e.site("A")
	j := e.device(a)
	addLearner(t, j, "Awa", 3)
	syncOK(t, j)
	tok := token(t, j)
	dev, err := e.store.DeviceByToken(context.Background(), tok)
	if err != nil || dev.LastSeq != 4 {
		t.Fatalf("device after sync: %+v, %v", dev, err)
	}
	reid := func(tok, key string, last int64) (int, string, http.Header) {
		t.Helper()
		body, _ := json.Marshal(wire.ReidentifyRequest{V: wire.Version, Key: key, Reason: "copied", LastSeq: last})
		req, _ := http.NewRequest(http.MethodPost, e.url+"/api/v1/devices/reidentify", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out wire.EnrollResponse
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out.DeviceID, resp.Header
	}
	push := func(tok, devID string, seq int64, want int) {
		t.Helper()
		ev := wire.Event{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: devID, Seq: seq, WallMS: 1, HLC: 1 << 16,
			Type: "answer.recorded", Payload: json.RawMessage(`{}`)}
		body, _ := wire.EncodePush([]wire.Event{ev})
		if resp, raw := rawPush(t, e.url, tok, body, nil); resp.StatusCode != want {
			t.Fatalf("push seq %d: %d %s, want %d", seq, resp.StatusCode, raw, want)
		}
	}
	if st, _, _ := reid(tok, wire.NewKey(), 4); st != http.StatusForbidden {
		t.Fatalf("new identity without any conflict: %d, want 403", st)
	}
	push(tok, dev.ID, 2, http.StatusConflict)
	k1 := wire.NewKey()
	st, id1, _ := reid(tok, k1, 4)
	if st != 200 || id1 == "" || id1 == dev.ID {
		t.Fatalf("new identity after a conflict: %d %q", st, id1)
	}
	if st, id, _ := reid(tok, k1, 4); st != 200 || id != id1 {
		t.Fatalf("retry with the same key: %d %q, want %q", st, id, id1)
	}
	if st, _, _ := reid(tok, wire.NewKey(), 4); st != http.StatusForbidden {
		t.Fatalf("a second new identity from one conflict: %d, want 403", st)
	}
	// Two clones meeting the conflict: two new identities, not three.
	push(tok, dev.ID, 3, http.StatusConflict)
	push(tok, dev.ID, 4, http.StatusConflict)
	for i := range 2 {
		if st, _, _ := reid(tok, wire.NewKey(), 4); st != 200 {
			t.Fatalf("clone %d: %d", i, st)
		}
	}
	if st, _, _ := reid(tok, wire.NewKey(), 4); st != http.StatusForbidden {
		t.Fatalf("a third new identity from two conflicts: %d, want 403", st)
	}
	// Three made today from this enrolment: the budget is spent, for a
	// journal behind the server's too, and for the new identities.
	push(tok, dev.ID, 1, http.StatusConflict)
	st, _, hdr := reid(tok, wire.NewKey(), 1)
	if st != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
		t.Fatalf("over the daily budget: %d, Retry-After %q", st, hdr.Get("Retry-After"))
	}
	if secs, _ := strconv.Atoi(hdr.Get("Retry-After")); secs < 23*3600 || secs > 24*3600+1 {
		t.Errorf("Retry-After %d s, want about a day", secs)
	}
	push(k1, id1, 1, http.StatusOK)
	if st, _, _ := reid(k1, wire.NewKey(), 0); st != http.StatusTooManyRequests {
		t.Fatalf("a new identity's own new identity over the enrolment's budget: %d, want 429", st)
	}
	devs, err := e.store.Devices(context.Background(), a.ID)
	if err != nil || len(devs) != 4 {
		t.Fatalf("devices: %d (want the enrolled one and 3 new identities), %v", len(devs), err)
	}
}

// testOtherSiteIDs: site B pushing one of site A's event ids gets the
// answer a new id gets (it learns nothing), and A's event is untouched.
func testOtherSiteIDs(t *testing.T, e *env) {
	ja := e.device(e.site("A"))
	addLearner(t, ja, "Awa", 1)
	evA := wireEvents(t, ja)[0]
	syncOK(t, ja)
	b := e.site("B")
	push := func(id string) (int, wire.PushResponse) {
		jb := e.device(b) // a fresh device each time, so seq 1 is new
		ev := wire.Event{ID: id, DeviceID: jb.DeviceID(), Seq: 1, WallMS: 1, HLC: 1 << 16, Type: "learner.created", LearnerID: "x",
			Payload: json.RawMessage(`{"name":"B"}`)}
		body, _ := wire.EncodePush([]wire.Event{ev})
		resp, raw := rawPush(t, e.url, token(t, jb), body, nil)
		var out wire.PushResponse
		json.Unmarshal(raw, &out)
		out.ServerMS, out.ServerHLC = 0, 0
		return resp.StatusCode, out
	}
	s1, fresh := push(uuid.Must(uuid.NewV7()).String())
	s2, known := push(evA.ID)
	if s1 != 200 || s2 != 200 || fresh.Stored != known.Stored || len(fresh.Accepted) != len(known.Accepted) || fresh.DeviceSeq != known.DeviceSeq {
		t.Errorf("site A's id answered %d %+v; a new id %d %+v", s2, known, s1, fresh)
	}
	if c := e.counts(""); c[evA.ID] != 1 {
		t.Errorf("site A's event stored %d times", c[evA.ID])
	}
	if got := learnerNames(t, ja); len(got) != 1 || got[0] != "Awa" {
		t.Errorf("site A sees %v", got)
	}
}

// testSiteNamesAndPackVersions: a second site of the same name is refused,
// a pack version that could climb a path is refused at publish.
func testSiteNamesAndPackVersions(t *testing.T, e *env) {
	ctx := context.Background()
	e.site("Médiathèque")
	if _, err := e.store.AddSite(ctx, "Médiathèque"); !errors.Is(err, server.ErrExists) {
		t.Errorf("duplicate site name: %v", err)
	}
	for _, v := range []string{"../../etc", "..", "a/b", "", ".hidden", "x..y", strings.Repeat("9", 65)} {
		if err := e.store.PublishPack(ctx, wire.PackInfo{Version: v, SHA256: "00", Signature: "s"}, []byte("x")); !errors.Is(err, server.ErrBadVersion) {
			t.Errorf("pack version %q: %v", v, err)
		}
	}
	if err := e.store.PublishPack(ctx, wire.PackInfo{Version: "2026.11.1", SHA256: "00", Signature: "s"}, []byte("x")); err != nil {
		t.Errorf("good version refused: %v", err)
	}
}

// TestEnrolRateKeyedOnTrustedProxies: behind a trusted reverse proxy each
// kiosk's X-Forwarded-For address has its own enrolment bucket; from an
// untrusted peer the header is ignored, so it cannot dodge the limit.
func TestEnrolRateKeyedOnTrustedProxies(t *testing.T) {
	store, err := server.OpenStore(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	try := func(trusted []netip.Prefix) (limited int) {
		srv := httptest.NewServer(server.New(store, server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			EnrolRate: 0.001, EnrolBurst: 2, TrustedProxies: trusted}).Handler())
		defer srv.Close()
		for i := range 10 {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/devices/enroll", strings.NewReader(`{}`))
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == 429 {
				limited++
			}
		}
		return limited
	}
	if n := try(nil); n != 8 {
		t.Errorf("untrusted peer: %d of 10 limited, want 8 (X-Forwarded-For ignored)", n)
	}
	if n := try([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}); n != 0 {
		t.Errorf("trusted proxy: %d of 10 limited, want 0 (one bucket per forwarded address)", n)
	}
}

// TestUnauthenticatedConnectionsCapped: idle connections that never
// authenticate are capped, the next one is closed at once, and a slot
// frees when one of them goes.
func TestUnauthenticatedConnectionsCapped(t *testing.T) {
	store, err := server.OpenStore(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := server.New(store, server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxUnauthConns: 5})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, time.Second) }()
	defer func() { cancel(); <-done }()
	var idle []net.Conn
	for range 5 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	healthy := func() bool {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return false
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		b, _ := io.ReadAll(c)
		return strings.HasPrefix(string(b), "HTTP/1.1 200")
	}
	// The five idle ones hold every slot (the server counts them once it
	// has accepted them; poll until it has).
	refused := false
	for range 100 {
		if !healthy() {
			refused = true
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !refused {
		t.Fatal("a sixth unauthenticated connection was served")
	}
	idle[0].Close()
	ok := false
	for range 100 {
		if healthy() {
			ok = true
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !ok {
		t.Error("no connection served after one idle connection went away")
	}
	for _, c := range idle[1:] {
		c.Close()
	}
}
