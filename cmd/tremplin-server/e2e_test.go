package main

// End-to-end tests against a real tremplin-server process (built into a
// temporary directory), real device journals, a fault-injecting proxy,
// kill -9 of the server and of a client process.

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tremplin-numerique/tremplin/internal/faultproxy"
	"github.com/tremplin-numerique/tremplin/sync/client"
	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

func TestMain(m *testing.M) {
	if os.Getenv("TREMPLIN_E2E_CLIENT") != "" {
		clientProcess()
		return
	}
	os.Exit(m.Run())
}

// clientProcess is a kiosk that syncs its journal in a loop, to be killed
// with -9 mid-push.
func clientProcess() {
	ctx := context.Background()
	j, err := journal.Open(ctx, os.Getenv("TREMPLIN_E2E_CLIENT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c := client.New(j, client.Options{BatchSize: 10, HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	for {
		c.SyncOnce(ctx)
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func buildServer(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tremplin-server-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "tremplin-server")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// proc is a running server process.
type proc struct {
	t     *testing.T
	extra []string // more flags for the server
	bin   string
	db    string
	addr  string
	cmd   *exec.Cmd
	log   *os.File
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startServer(t *testing.T, dir string, extra ...string) *proc {
	return startServerOn(t, dir, "sqlite:"+filepath.Join(dir, "server.db"), extra...)
}

// startServerOn starts a server process on database dsn.
func startServerOn(t *testing.T, dir, dsn string, extra ...string) *proc {
	p := &proc{t: t, bin: buildServer(t), db: dsn, addr: freeAddr(t), extra: extra}
	var err error
	p.log, err = os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	p.start()
	t.Cleanup(func() {
		if p.cmd != nil && p.cmd.ProcessState == nil {
			p.cmd.Process.Signal(syscall.SIGTERM)
			p.cmd.Wait()
		}
		p.log.Close()
		if t.Failed() {
			b, _ := os.ReadFile(p.log.Name())
			t.Logf("server log (tail):\n%s", tail(string(b), 3000))
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (p *proc) start() {
	p.cmd = exec.Command(p.bin, append([]string{"--addr", p.addr, "--db", p.db, "--device-rate", "1000", "--device-burst", "1000"}, p.extra...)...)
	p.cmd.Stderr = p.log
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + p.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatal("server did not come up")
}

func (p *proc) kill9() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
}

func (p *proc) url() string { return "http://" + p.addr }

func (p *proc) admin(args ...string) string {
	p.t.Helper()
	cmd := exec.Command(p.bin, append([]string{"admin", "--db", p.db}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		p.t.Fatalf("admin %v: %v\n%s", args, err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

func (p *proc) counts(siteID string) map[string]int {
	s, err := server.OpenStore(context.Background(), p.db)
	if err != nil {
		p.t.Fatal(err)
	}
	defer s.Close()
	c, err := s.EventCounts(context.Background(), siteID)
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}

func openJournal(t *testing.T, path string) *journal.Journal {
	j, err := journal.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func enrolDevice(t *testing.T, p *proc, site, path string) *journal.Journal {
	j := openJournal(t, path)
	code := p.admin("enroll-code", "--site", site)
	if err := client.Enroll(context.Background(), j, p.url(), code); err != nil {
		t.Fatal(err)
	}
	return j
}

func record(t *testing.T, j *journal.Journal, name string, answers int) string {
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7()).String()
	if _, err := j.Append(ctx, journal.TypeLearnerCreated, id, map[string]string{"name": name, "picture_code": "sun-tree-cat"}); err != nil {
		t.Fatal(err)
	}
	sess := uuid.Must(uuid.NewV7()).String()
	j.Append(ctx, journal.TypeSessionStarted, id, map[string]string{"session_id": sess})
	for i := range answers {
		if _, err := j.Append(ctx, journal.TypeAnswerRecorded, id, map[string]any{"learner_id": id, "session_id": sess,
			"item_id": fmt.Sprintf("internet.%03d", i), "skill": "internet.search", "domain": "internet", "kind": "single",
			"outcome": "correct", "correct": true, "response": "2"}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func ownIDs(t *testing.T, j *journal.Journal, sentOnly bool) []string {
	q := `SELECT id FROM events WHERE device_id = ?`
	if sentOnly {
		q += ` AND sent = 1`
	}
	rows, err := j.DB().Query(q, j.DeviceID())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		out = append(out, id)
	}
	return out
}

func names(t *testing.T, j *journal.Journal) string {
	ls, _ := j.Learners(context.Background())
	var n []string
	for _, l := range ls {
		n = append(n, l.Name)
	}
	return strings.Join(n, ",")
}

// checkExactlyOnce asserts every event of the journals is on the server
// exactly once, and that the server holds nothing else for the site.
func checkExactlyOnce(t *testing.T, p *proc, siteID string, js ...*journal.Journal) {
	t.Helper()
	c := p.counts(siteID)
	want := 0
	for _, j := range js {
		for _, id := range ownIDs(t, j, false) {
			want++
			if c[id] != 1 {
				t.Errorf("event %s is on the server %d times", id, c[id])
			}
		}
	}
	if len(c) != want {
		t.Errorf("server holds %d events for the site, the devices made %d", len(c), want)
	}
}

func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	p := startServer(t, dir)
	siteA := strings.Fields(p.admin("site", "add", "Médiathèque A"))[0]
	siteB := strings.Fields(p.admin("site", "add", "Mairie B"))[0]
	a1 := enrolDevice(t, p, siteA, filepath.Join(dir, "a1.db"))
	a2 := enrolDevice(t, p, siteA, filepath.Join(dir, "a2.db"))
	b1 := enrolDevice(t, p, siteB, filepath.Join(dir, "b1.db"))
	record(t, a1, "Awa", 20)
	record(t, a2, "Bruno", 15)
	record(t, b1, "Chloé", 5)
	ctx := context.Background()
	for range 2 {
		for _, j := range []*journal.Journal{a1, a2, b1} {
			if _, err := client.SyncOnce(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := names(t, a1); got != "Awa,Bruno" && got != "Bruno,Awa" {
		t.Errorf("a1 sees %q", got)
	}
	if got := names(t, a2); got != "Awa,Bruno" && got != "Bruno,Awa" {
		t.Errorf("a2 sees %q", got)
	}
	if got := names(t, b1); got != "Chloé" {
		t.Errorf("b1 sees %q", got)
	}
	checkExactlyOnce(t, p, siteA, a1, a2)
	checkExactlyOnce(t, p, siteB, b1)
	devs := p.admin("devices", "--site", "Médiathèque A")
	if !strings.Contains(devs, a1.DeviceID()) || !strings.Contains(devs, a2.DeviceID()) || strings.Contains(devs, b1.DeviceID()) {
		t.Errorf("devices:\n%s", devs)
	}
	p.admin("revoke", b1.DeviceID())
	if _, err := client.SyncOnce(ctx, b1); err == nil || !strings.Contains(err.Error(), "unauthorized") {
		t.Errorf("revoked device synced: %v", err)
	}
}

// newFaultProxy puts a misbehaving proxy (package faultproxy) in front of
// target.
func newFaultProxy(t *testing.T, target string, rate int) (*faultproxy.Proxy, string) {
	fp := faultproxy.New(target, rate, 1)
	srv := httptest.NewServer(fp)
	t.Cleanup(srv.Close)
	return fp, srv.URL
}

// syncUntilClean retries SyncOnce until a clean sync or the deadline.
func syncUntilClean(t *testing.T, c *client.Client, deadline time.Time) {
	t.Helper()
	var err error
	for time.Now().Before(deadline) {
		var rep client.Report
		rep, err = c.SyncOnce(context.Background())
		if err == nil && rep.Pending == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("sync did not converge: %v", err)
}

func TestFaultsProxyAndServerKill(t *testing.T) {
	dir := t.TempDir()
	p := startServer(t, dir)
	site := strings.Fields(p.admin("site", "add", "A"))[0]
	fp, proxyURL := newFaultProxy(t, p.url(), 50)
	const devices = 3
	js := make([]*journal.Journal, devices)
	cs := make([]*client.Client, devices)
	ctx := context.Background()
	for i := range js {
		js[i] = enrolDevice(t, p, site, filepath.Join(dir, fmt.Sprintf("d%d.db", i)))
		if err := js[i].SetState(ctx, journal.StateServerURL, proxyURL); err != nil {
			t.Fatal(err)
		}
		cs[i] = client.New(js[i], client.Options{BatchSize: 20, HTTPClient: &http.Client{Timeout: 3 * time.Second}})
	}
	// Devices record and sync through the faulty network while the server
	// is killed with -9 twice and restarted.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range js {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				if k < 8 {
					record(t, js[i], fmt.Sprintf("D%d-%d", i, k), 25)
				}
				cs[i].SyncOnce(ctx)
			}
		}()
	}
	for range 2 {
		time.Sleep(1500 * time.Millisecond)
		// What the devices hold as acknowledged just before the kill must
		// survive it.
		var acked []string
		for _, j := range js {
			acked = append(acked, ownIDs(t, j, true)...)
		}
		p.kill9()
		c := p.counts(site)
		for _, id := range acked {
			if c[id] != 1 {
				t.Fatalf("acknowledged event %s lost by kill -9 (count %d)", id, c[id])
			}
		}
		time.Sleep(300 * time.Millisecond)
		p.start()
	}
	time.Sleep(1 * time.Second)
	close(stop)
	wg.Wait()
	// Heal the network and finish.
	fp.SetRate(0)
	for _, c := range cs {
		syncUntilClean(t, c, time.Now().Add(30*time.Second))
	}
	for _, c := range cs {
		syncUntilClean(t, c, time.Now().Add(30*time.Second))
	}
	checkExactlyOnce(t, p, site, js...)
	total := len(p.counts(site))
	for i, j := range js {
		all, _ := j.Events(ctx, journal.Filter{})
		if len(all) != total {
			t.Errorf("device %d holds %d events, server %d", i, len(all), total)
		}
	}
	var report []string
	for k, v := range fp.Counts() {
		report = append(report, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(report)
	t.Logf("faults injected: %s; events on server: %d", strings.Join(report, " "), total)
	for _, f := range faultproxy.Faults {
		if fp.Count(f) == 0 {
			t.Errorf("fault %s never injected", f)
		}
	}
}

func TestClientKill9MidPush(t *testing.T) {
	dir := t.TempDir()
	p := startServer(t, dir)
	site := strings.Fields(p.admin("site", "add", "A"))[0]
	path := filepath.Join(dir, "kiosk.db")
	j := enrolDevice(t, p, site, path)
	// Point the kiosk at a slow proxy so pushes are in flight when killed.
	fp, proxyURL := newFaultProxy(t, p.url(), 100)
	_ = fp
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(rand.IntN(40)) * time.Millisecond)
		u, _ := url.Parse(proxyURL)
		r.URL.Scheme, r.URL.Host = u.Scheme, u.Host
		fp.SetRate(0)
		fp.ServeHTTP(w, r)
	}))
	t.Cleanup(slow.Close)
	if err := j.SetState(context.Background(), journal.StateServerURL, slow.URL); err != nil {
		t.Fatal(err)
	}
	for k := range 10 {
		record(t, j, fmt.Sprintf("L%d", k), 40)
	}
	j.Close()
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "TREMPLIN_E2E_CLIENT="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+100*round) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	j = openJournal(t, path)
	acked := ownIDs(t, j, true)
	if len(acked) == 0 {
		// A loaded machine can start the client too slowly for the fixed
		// delays: once more, killed as soon as something is acknowledged.
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "TREMPLIN_E2E_CLIENT="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(60 * time.Second); len(acked) == 0 && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
			acked = ownIDs(t, j, true)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		acked = ownIDs(t, j, true)
	}
	if len(acked) == 0 {
		t.Fatal("the killed client acknowledged nothing; kill came too early to test anything")
	}
	c := p.counts(site)
	for _, id := range acked {
		if c[id] != 1 {
			t.Fatalf("acknowledged event %s on server %d times", id, c[id])
		}
	}
	pending, _ := j.Pending(context.Background())
	t.Logf("after 3 kill -9 of the client: %d acknowledged, %d pending, %d on server", len(acked), pending, len(c))
	syncUntilClean(t, client.New(j, client.Options{}), time.Now().Add(30*time.Second))
	checkExactlyOnce(t, p, site, j)
}

// TestServerBinaryCarriesNoVoice: the server needs the pack's framework,
// never its 43 MB of voice clips (assets.TextPack, not DefaultPack).
// With the clips the binary is over 70 MB; without, about 35 MB.
func TestServerBinaryCarriesNoVoice(t *testing.T) {
	st, err := os.Stat(buildServer(t))
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 55<<20 {
		t.Fatalf("tremplin-server is %d MB: something pulls the voice clips in (assets.DefaultPack?)", st.Size()>>20)
	}
	t.Logf("tremplin-server: %d bytes", st.Size())
}
