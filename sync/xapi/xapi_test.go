package xapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tremplin-numerique/tremplin/internal/faultproxy"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/pgtest"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// lrs is a small test LRS: it keeps each statement once by id, and counts
// how many times each id arrived.
type lrs struct {
	mu       sync.Mutex
	held     map[string]string
	arrivals map[string]int
	conflict int
	t        *testing.T
}

func newLRS(t *testing.T) *lrs {
	return &lrs{held: map[string]string{}, arrivals: map[string]int{}, t: t}
}

func (l *lrs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Experience-API-Version") != Version || r.Header.Get("Authorization") != "Basic dGVzdDp0ZXN0" {
		http.Error(w, "bad headers", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var sts []json.RawMessage
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/xapi/statements":
		if json.Unmarshal(body, &sts) != nil {
			http.Error(w, "not an array of statements", http.StatusBadRequest)
			return
		}
	case r.Method == http.MethodPut && r.URL.Path == "/xapi/statements":
		sts = []json.RawMessage{body}
	default:
		http.NotFound(w, r)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var ids []string
	for _, raw := range sts {
		var st struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &st) != nil || st.ID == "" {
			http.Error(w, "statement without id", http.StatusBadRequest)
			return
		}
		if old, ok := l.held[st.ID]; ok && old != string(raw) {
			l.conflict++
			http.Error(w, "another statement has this id", http.StatusConflict)
			return
		}
		ids = append(ids, st.ID)
	}
	for i, raw := range sts {
		l.arrivals[ids[i]]++
		l.held[ids[i]] = string(raw)
	}
	if r.Method == http.MethodPut {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	_ = json.NewEncoder(w).Encode(ids)
}

// site makes a site with a device and pushes kiosk events: per learner a
// finished diagnostic over three domains, a module mastered with its
// skill, and answers.
func seed(t *testing.T, st *server.Store, name string, learners int) (server.Site, server.Device, []string) {
	ctx := context.Background()
	s, err := st.AddSite(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	code, _, _ := st.NewEnrolCode(ctx, s.ID, time.Hour)
	dev, _, err := st.Enrol(ctx, code, wire.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	var evs []wire.Event
	var ids []string
	seq := int64(0)
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	add := func(typ, learner string, p any) {
		seq++
		at = at.Add(time.Minute)
		raw, _ := json.Marshal(p)
		evs = append(evs, wire.Event{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: dev.ID, Seq: seq, WallMS: at.UnixMilli(), HLC: at.UnixMilli() << 16,
			Type: typ, LearnerID: learner, Payload: raw})
	}
	for range learners {
		l := uuid.Must(uuid.NewV7()).String()
		ids = append(ids, l)
		add(event.TypeLearnerCreated, l, event.LearnerCreated{Anonymous: true})
		add(event.TypeAnswerRecorded, l, event.AnswerRecorded{SessionID: "s", ItemID: "internet.q1", Skill: "internet.navigateur.liens", Domain: "internet", Outcome: "correct", Correct: true})
		add(event.TypeDiagnosticFinished, l, event.DiagnosticFinished{SessionID: "s", Items: 12, Results: []event.DomainResult{
			{Domain: "internet", Band: 0, Items: 4, Correct: 1}, {Domain: "equipement", Band: 3, Items: 4, Correct: 4}, {Domain: "documents", Band: 2, Items: 4, Correct: 3}}})
		add(event.TypeModuleMastered, l, event.ModuleMastered{Module: "internet-liens", Skill: "internet.navigateur.liens", Known: 0.96})
	}
	if _, err := st.Push(ctx, dev, evs); err != nil {
		t.Fatal(err)
	}
	return s, dev, ids
}

func TestDeliverySQLite(t *testing.T) {
	testDelivery(t, "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
}

func TestDeliveryPostgres(t *testing.T) {
	testDelivery(t, pgtest.Start(t).NewDatabase(t))
}

// testDelivery sends two sites' statements through the fault proxy (half
// the requests misbehave) to the test LRS, restarting the forwarder
// midway: every statement arrives, is held once, none conflicts, and an
// erased learner's unsent statements never leave.
func testDelivery(t *testing.T, dsn string) {
	ctx := context.Background()
	st, err := server.OpenStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, _, _ = seed(t, st, "Médiathèque A", 30)
	siteB, devB, learnersB := seed(t, st, "Mairie B", 20)
	lrsSrv := httptest.NewServer(newLRS(t))
	defer lrsSrv.Close()
	l := lrsSrv.Config.Handler.(*lrs)
	proxy := faultproxy.New(lrsSrv.URL, 50, 7)
	proxySrv := httptest.NewServer(proxy)
	defer proxySrv.Close()
	cfg := Config{URL: proxySrv.URL + "/xapi/", Auth: "Basic dGVzdDp0ZXN0", Batch: 7, Every: time.Millisecond,
		MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, Maker: Maker{HomePage: "https://tremplin.example"},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Client: &http.Client{Timeout: 5 * time.Second}}
	f, err := New(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	queued, err := f.Enqueue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Per learner: 3 domains + a module + a skill; no answers by default.
	if want := 50 * 5; queued != want {
		t.Fatalf("queued %d statements, want %d", queued, want)
	}
	// An erasure before sending: that learner's statements never leave.
	gone := learnersB[0]
	raw, _ := json.Marshal(event.LearnerErased{Reason: "test"})
	if _, err := st.Push(ctx, devB, []wire.Event{{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: devB.ID, Seq: 1000, WallMS: 1, HLC: 1 << 40,
		Type: event.TypeLearnerErased, LearnerID: gone, Payload: raw}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for steps := 0; ; steps++ {
		if steps == 20 {
			// A restart: a new forwarder over the same queue.
			if f, err = New(ctx, st, cfg); err != nil {
				t.Fatal(err)
			}
		}
		f.Step(ctx)
		status, _ := f.Status(ctx)
		if status[1][1] == "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still queued after 2 min: %v", status)
		}
		time.Sleep(time.Millisecond)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.held) != 49*5 {
		t.Errorf("the LRS holds %d statements, want %d", len(l.held), 49*5)
	}
	dups := 0
	for id, n := range l.arrivals {
		if n > 1 {
			dups++
		}
		if strings.Contains(l.held[id], gone) {
			t.Errorf("a statement of the erased learner was sent")
		}
	}
	if l.conflict > 0 {
		t.Errorf("%d conflicting statements", l.conflict)
	}
	t.Logf("faults %v; %d statements arrived more than once and are held once; site B %s", proxy.Counts(), dups, siteB.Name)
	for _, fault := range []string{"drop-request", "truncate-response", "reset-after-commit"} {
		if proxy.Count(fault) == 0 {
			t.Errorf("fault %s never injected", fault)
		}
	}
	// Sent once, never queued again.
	if n, _ := f.Enqueue(ctx); n != 0 {
		t.Errorf("enqueue after everything was sent queued %d", n)
	}
}

// TestStatementIDsAreStable checks a statement's id comes from its event.
func TestStatementIDsAreStable(t *testing.T) {
	src := Source{ID: "0190a000-0000-7000-8000-000000000001", SiteID: "s", LearnerID: "l", Type: event.TypeModuleMastered,
		At: time.Unix(1700000000, 0), Payload: []byte(`{"module":"m","skill":"k"}`)}
	a, _ := Maker{}.Statements(src)
	b, _ := Maker{}.Statements(src)
	if len(a) != 2 || a[0].ID != b[0].ID || a[1].ID != b[1].ID || a[0].ID == a[1].ID {
		t.Fatalf("ids %v %v", a, b)
	}
	src.ID = "0190a000-0000-7000-8000-000000000002"
	c, _ := Maker{}.Statements(src)
	if c[0].ID == a[0].ID {
		t.Error("two events, one statement id")
	}
}

// TestStatementsValidate validates one statement of every kind with
// Learning Locker's xapi-validation (npm), installed on first use in the
// user's cache; skipped without node and npm unless CI=true.
func TestStatementsValidate(t *testing.T) {
	node, err1 := exec.LookPath("node")
	npm, err2 := exec.LookPath("npm")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") == "true" || os.Getenv("TREMPLIN_REQUIRE_ALL") == "1" {
			t.Fatal("node and npm are needed (Debian packages nodejs, npm)")
		}
		t.Skip("node or npm missing")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "tremplin-xapi-validation")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@learninglocker", "xapi-validation")); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(npm, "install", "--no-audit", "--no-fund", "--prefix", dir, "@learninglocker/xapi-validation@3.0.0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm install: %v\n%s", err, out)
		}
	}
	m := Maker{HomePage: "https://tremplin.example", Answers: true}
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	var all []Statement
	kinds := map[string]bool{}
	for _, src := range []Source{
		{Type: event.TypeDiagnosticFinished, Payload: mustJSON(event.DiagnosticFinished{SessionID: "s", Results: []event.DomainResult{{Domain: "internet", Band: 2, Items: 5, Correct: 3}, {Domain: "équipement", Band: 0}}})},
		{Type: event.TypeModuleMastered, Payload: mustJSON(event.ModuleMastered{Module: "internet-liens", Skill: "internet.navigateur.liens", Known: 0.95})},
		{Type: event.TypeAnswerRecorded, Payload: mustJSON(event.AnswerRecorded{ItemID: "internet.q 1", Skill: "internet.navigateur.liens", Correct: false})},
	} {
		src.ID, src.SiteID, src.LearnerID, src.At = uuid.Must(uuid.NewV7()).String(), "site", uuid.Must(uuid.NewV7()).String(), at
		sts, err := m.Statements(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sts {
			kinds[s.Verb.ID] = true
		}
		all = append(all, sts...)
	}
	if len(kinds) != 3 || len(all) != 5 {
		t.Fatalf("kinds %v, %d statements", kinds, len(all))
	}
	file := filepath.Join(t.TempDir(), "statements.json")
	if err := os.WriteFile(file, mustJSON(all), 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs("testdata/validate.js")
	cmd := exec.Command(node, script, file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(dir, "node_modules"))
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Errorf("xapi-validation: %v", err)
	}
	// The validator does refuse a broken statement.
	broken := all[0]
	broken.Actor.Account.HomePage = "not an IRL"
	if err := os.WriteFile(file, mustJSON([]Statement{broken}), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(node, script, file)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(dir, "node_modules"))
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("xapi-validation accepted a broken statement:\n%s", out)
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
