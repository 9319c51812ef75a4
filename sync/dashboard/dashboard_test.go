package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tremplin-numerique/tremplin/sync/pgtest"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// env is one dashboard under test: a store, the sync API with the
// dashboard mounted as in tremplin-server, and a movable clock.
type env struct {
	t     *testing.T
	store *server.Store
	dash  *Dashboard
	srv   *httptest.Server
	url   string

	mu  sync.Mutex
	now time.Time
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// TestSuiteSQLite and TestSuitePostgres run the same suite on both stores.
func TestSuiteSQLite(t *testing.T) {
	runSuite(t, func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "server.db") })
}

func TestSuitePostgres(t *testing.T) {
	pg := pgtest.Start(t)
	runSuite(t, func(t *testing.T) string { return pg.NewDatabase(t) })
}

func runSuite(t *testing.T, dsn func(*testing.T) string) {
	tests := []struct {
		name string
		fn   func(*testing.T, *env)
	}{
		{"LoginLogoutExpiry", testLoginLogoutExpiry},
		{"LockoutAndRateLimit", testLockoutAndRateLimit},
		{"CSRFOnEveryForm", testCSRFOnEveryForm},
		{"EveryRouteIsolated", testEveryRouteIsolated},
		{"PagesShowTheSite", testPagesShowTheSite},
		{"LateDevicesOnOverview", testLateDevicesOnOverview},
		{"PathReachesDevices", testPathReachesDevices},
		{"EraseReachesDevices", testEraseReachesDevices},
		{"Exports", testExports},
		{"PublishPack", testPublishPack},
		{"EnrolAndRevoke", testEnrolAndRevoke},
		{"UsersPage", testUsersPage},
		{"LinkLearners", testLinkLearners},
		{"DiagnosticWithoutResults", testDiagnosticWithoutResults},
		{"FoldInAnyPages", testFoldInAnyPages},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newEnv(t, dsn(t), Config{}))
		})
	}
}

func newEnv(t *testing.T, dsn string, cfg Config) *env {
	t.Helper()
	ctx := context.Background()
	store, err := server.OpenStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := &env{t: t, store: store, now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Now = e.clock
	if cfg.LoginRate == 0 {
		cfg.LoginRate, cfg.LoginBurst = 1000, 1000
	}
	e.dash, err = New(ctx, store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	api := server.New(store, server.Config{Logger: cfg.Logger, DeviceRate: 1000, DeviceBurst: 1000, Fallback: e.dash.Handler()})
	e.srv = httptest.NewServer(api.Handler())
	t.Cleanup(e.srv.Close)
	e.url = e.srv.URL
	return e
}

// fixture is two sites with devices, learners and a coordinator each.
type fixture struct {
	a, b          server.Site
	devA1, devA2  server.Device
	devB          server.Device
	awa, bruno    string // learners of site A
	chloe         string // learner of site B
	admin, coordA string // user names
	coordB        string
	password      string
}

const pw = "correct horse battery"

func (e *env) site(name string) server.Site {
	s, err := e.store.AddSite(context.Background(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) device(s server.Site, name string) server.Device {
	ctx := context.Background()
	code, _, err := e.store.NewEnrolCode(ctx, s.ID, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	d, _, err := e.store.Enrol(ctx, code, uuid.NewString())
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.RenameDevice(ctx, d.ID, name); err != nil {
		e.t.Fatal(err)
	}
	d.Name = name
	return d
}

// push stores events of dev as the kiosk writes them.
func (e *env) push(dev server.Device, evs ...wire.Event) {
	e.t.Helper()
	for i := range evs {
		evs[i].DeviceID = dev.ID
		if err := evs[i].Validate(); err != nil {
			e.t.Fatal(err)
		}
	}
	if _, err := e.store.Push(context.Background(), dev, evs); err != nil {
		e.t.Fatal(err)
	}
}

var seq int64

func ev(typ, learner string, at time.Time, payload any) wire.Event {
	seq++
	raw, _ := json.Marshal(payload)
	return wire.Event{ID: uuid.Must(uuid.NewV7()).String(), Seq: seq, WallMS: at.UnixMilli(), HLC: at.UnixMilli()<<16 + seq%1000,
		Type: typ, LearnerID: learner, Payload: raw}
}

// visit is one learner's diagnostic as the kiosk journals it: session,
// answers, and the per-domain results.
func visit(learner string, at time.Time, bands map[string]int, toWork []string) []wire.Event {
	sess := uuid.Must(uuid.NewV7()).String()
	out := []wire.Event{ev("session.started", learner, at, map[string]any{"session_id": sess, "mode": "diagnostic", "pack_version": "2026.11.1"})}
	var results []map[string]any
	for dom, b := range bands {
		for i := range 3 {
			out = append(out, ev("answer.recorded", learner, at.Add(time.Duration(i+1)*time.Minute), map[string]any{
				"learner_id": learner, "session_id": sess, "item_id": dom + ".q", "skill": dom + ".skill", "domain": dom, "outcome": "correct", "correct": i < b}))
		}
		results = append(results, map[string]any{"domain": dom, "band": b, "items": 3, "correct": b, "recommended": toWork})
	}
	out = append(out, ev("diagnostic.finished", learner, at.Add(10*time.Minute), map[string]any{"session_id": sess, "items": 3 * len(bands), "results": results}))
	return out
}

func (e *env) fixture() *fixture {
	e.t.Helper()
	ctx := context.Background()
	f := &fixture{admin: "ada", coordA: "corinne", coordB: "basile", password: pw}
	f.a, f.b = e.site("Médiathèque Saint-Flour"), e.site("Tiers-lieu Murat")
	f.devA1, f.devA2, f.devB = e.device(f.a, "Poste accueil"), e.device(f.a, "Poste 2"), e.device(f.b, "Poste Murat")
	f.awa, f.bruno, f.chloe = uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	t0 := e.clock().Add(-30 * 24 * time.Hour)
	e.push(f.devA1, ev("learner.created", f.awa, t0, map[string]any{"name": "Awa Diop", "picture_code": "soleil-arbre-chat"}))
	e.push(f.devA1, visit(f.awa, t0.Add(time.Minute), map[string]int{"internet": 1, "equipement": 2}, []string{"internet.navigateur.liens"})...)
	e.push(f.devA2, visit(f.awa, t0.Add(10*24*time.Hour), map[string]int{"internet": 3, "equipement": 2}, nil)...)
	e.push(f.devA2, ev("module.mastered", f.awa, t0.Add(11*24*time.Hour), map[string]any{"module": "internet.recherche"}))
	e.push(f.devA2, ev("learner.note", f.awa, t0.Add(11*24*time.Hour), map[string]any{"text": "Très motivée"}))
	e.push(f.devA1, ev("learner.created", f.bruno, t0, map[string]any{"name": "Bruno Martin", "picture_code": "vélo-lune-clé"}))
	e.push(f.devA1, visit(f.bruno, t0.Add(time.Hour), map[string]int{"internet": 0}, []string{"internet.navigateur.adresse"})...)
	e.push(f.devB, ev("learner.created", f.chloe, t0, map[string]any{"name": "Chloé Secret", "picture_code": "poisson-fleur-lune"}))
	e.push(f.devB, visit(f.chloe, t0.Add(time.Hour), map[string]int{"documents": 2}, nil)...)
	if _, err := e.dash.Index(ctx); err != nil {
		e.t.Fatal(err)
	}
	for _, u := range []struct {
		name, role string
		sites      []string
	}{{f.admin, RoleAdmin, nil}, {f.coordA, RoleCoordinator, []string{f.a.ID}}, {f.coordB, RoleCoordinator, []string{f.b.ID}}} {
		if _, err := e.dash.AddUser(ctx, u.name, u.role, pw, u.sites); err != nil {
			e.t.Fatal(err)
		}
	}
	return f
}

// client is a cookie-holding client that does not follow redirects.
type client struct {
	e    *env
	c    *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *client) do(method, path string, body io.Reader, ctype string) (*http.Response, string) {
	b.e.t.Helper()
	req, err := http.NewRequest(method, b.e.url+path, body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(raw); m != nil && method == http.MethodGet {
		b.csrf = string(m[1])
	}
	return resp, string(raw)
}

func (b *client) get(path string) (*http.Response, string) {
	return b.do(http.MethodGet, path, nil, "")
}

// post sends a form with the browser's CSRF token (unless vals has one).
func (b *client) post(path string, vals url.Values) (*http.Response, string) {
	if vals == nil {
		vals = url.Values{}
	}
	if _, ok := vals["csrf"]; !ok {
		vals.Set("csrf", b.csrf)
	}
	return b.do(http.MethodPost, path, strings.NewReader(vals.Encode()), "application/x-www-form-urlencoded")
}

func (b *client) login(name, password string) *http.Response {
	b.e.t.Helper()
	b.get("/login")
	resp, _ := b.post("/login", url.Values{"name": {name}, "password": {password}})
	if resp.StatusCode == http.StatusSeeOther {
		b.get("/") // picks up the session's CSRF token
	}
	return resp
}

func (e *env) as(name string) *client {
	b := e.client()
	if resp := b.login(name, pw); resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d", name, resp.StatusCode)
	}
	return b
}

func testLoginLogoutExpiry(t *testing.T, e *env) {
	f := e.fixture()
	b := e.client()
	resp, _ := b.get("/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous / = %d %s, want a redirect to the login form", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := b.login(f.admin, "wrong password!!"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
	resp = b.login(f.admin, pw)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	var sc *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			sc = c
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteStrictMode || sc.Secure {
		t.Errorf("session cookie over plain HTTP %+v: want HttpOnly, SameSite=Strict, not Secure", sc)
	}
	if resp, body := b.get("/"); resp.StatusCode != 200 || !strings.Contains(body, "Médiathèque Saint-Flour") || !strings.Contains(body, "Tiers-lieu Murat") {
		t.Errorf("admin overview: %d", resp.StatusCode)
	}
	// Logout ends the session on the server, not only in the browser.
	stolen := *sc
	if resp, _ := b.post("/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	replay := e.client()
	u, _ := url.Parse(e.url)
	replay.c.Jar.SetCookies(u, []*http.Cookie{&stolen})
	if resp, _ := replay.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("old session cookie after logout: %d, want a redirect to login", resp.StatusCode)
	}
	// Idle sessions expire.
	b = e.as(f.admin)
	e.advance(3 * time.Hour)
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("session after 3 h idle: %d, want a redirect to login", resp.StatusCode)
	}
	// Active sessions still end after SessionTTL.
	b = e.as(f.admin)
	for range 13 {
		e.advance(time.Hour)
		b.get("/")
	}
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("session after 13 h: %d, want a redirect to login", resp.StatusCode)
	}
	// Under TLS the cookie is Secure.
	tlsSrv := httptest.NewTLSServer(e.dash.Handler())
	defer tlsSrv.Close()
	tb := &client{e: &env{t: t, url: tlsSrv.URL}, c: tlsSrv.Client()}
	tb.c.Jar, _ = cookiejar.New(nil)
	tb.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp = tb.login(f.admin, pw)
	secure := false
	for _, c := range resp.Cookies() {
		secure = secure || (c.Name == sessionCookie && c.Secure && c.HttpOnly)
	}
	if !secure {
		t.Error("session cookie over TLS is not Secure")
	}
}

func testLockoutAndRateLimit(t *testing.T, e *env) {
	f := e.fixture()
	b := e.client()
	for i := range MaxFailures {
		if resp := b.login(f.coordA, "not the password"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, resp.StatusCode)
		}
	}
	if resp := b.login(f.coordA, pw); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("right password while locked: %d, want 401", resp.StatusCode)
	}
	e.advance(LockFor + time.Second)
	if resp := b.login(f.coordA, pw); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("right password after the lock: %d", resp.StatusCode)
	}
	// Per-address rate limit on a dashboard with its default rate.
	e2 := newEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "rl.db"), Config{LoginRate: 0.001, LoginBurst: 3})
	b2 := e2.client()
	codes := []int{}
	for range 5 {
		codes = append(codes, b2.login("nobody", "whatever at all").StatusCode)
	}
	if fmt.Sprint(codes) != "[401 401 401 429 429]" {
		t.Errorf("login codes %v, want three refusals then 429", codes)
	}
	log, _ := e.dash.auditLog(context.Background(), User{Role: RoleAdmin}, 100)
	failed := 0
	for _, l := range log {
		if l.Action == ActLoginFailed {
			failed++
		}
	}
	if failed < MaxFailures {
		t.Errorf("audit holds %d failed logins", failed)
	}
}

// siteRoutes fills a route pattern with ids of site s.
func (f *fixture) fill(pattern string, s server.Site, learner, path string) string {
	dev := f.devA1.ID
	if s.ID == f.b.ID {
		dev = f.devB.ID
	}
	return strings.NewReplacer("{site}", s.ID, "{learner}", learner, "{device}", dev, "{path}", path,
		"{file}", "style.css", "{lang}", "en", "{$}", "").Replace(pattern)
}

func (e *env) pushPath(b *client, site server.Site, learner string) string {
	e.t.Helper()
	resp, body := b.post("/paths", url.Values{"name": {"Chercher un emploi"}, "site": {site.ID}, "learner": {learner},
		"skill": {"internet.navigateur.liens", "equipement.souris.double-clic"}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("push path: %d\n%s", resp.StatusCode, body)
	}
	var id string
	if err := e.store.DB().QueryRow(e.store.Q(`SELECT id FROM dash_paths WHERE site_id = ? ORDER BY created_ms DESC LIMIT 1`), site.ID).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func testCSRFOnEveryForm(t *testing.T, e *env) {
	f := e.fixture()
	b := e.as(f.admin)
	pathA := e.pushPath(b, f.a, "")
	seen := 0
	for _, rt := range e.dash.routes() {
		if rt.method != http.MethodPost || rt.pattern == "/login" {
			continue
		}
		seen++
		p := f.fill(rt.pattern, f.a, f.bruno, pathA)
		for _, tok := range []string{"", "forged"} {
			resp, _ := b.post(p, url.Values{"csrf": {tok}, "confirm": {"yes"}, "name": {"x"}, "site": {f.a.ID}})
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with csrf %q: %d, want 403", p, tok, resp.StatusCode)
			}
		}
	}
	if seen < 7 {
		t.Errorf("only %d POST routes checked", seen)
	}
	// Login has its own token.
	resp, _ := e.client().post("/login", url.Values{"name": {f.admin}, "password": {pw}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without its token: %d", resp.StatusCode)
	}
	// A cross-origin POST with the right token is refused too.
	req, _ := http.NewRequest(http.MethodPost, e.url+"/logout", strings.NewReader("csrf="+b.csrf))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := b.c.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin logout: %v %v", resp.StatusCode, err)
	}
	if _, ok := e.learnerStillThere(f.a.ID, f.bruno); !ok {
		t.Error("a forged erase erased the learner")
	}
}

func (e *env) learnerStillThere(site, learner string) (learnerRow, bool) {
	l, err := e.dash.learnerOf(context.Background(), site, learner)
	return l, err == nil
}

// testEveryRouteIsolated walks the dashboard's route table: anonymous
// users are sent to the login form, coordinators get 403 on admin routes
// and 404 on every route of another site (the same answer as a missing
// site), and reach their own site.
func testEveryRouteIsolated(t *testing.T, e *env) {
	f := e.fixture()
	adminB := e.as(f.admin)
	pathB := e.pushPath(adminB, f.b, "")
	pathA := e.pushPath(adminB, f.a, "")
	coordA := e.as(f.coordA)
	anon := e.client()
	scopes := map[scope]int{}
	sitesAsField := 0
	for _, rt := range e.dash.routes() {
		scopes[rt.scope]++
		other := f.fill(rt.pattern, f.b, f.chloe, pathB)
		own := f.fill(rt.pattern, f.a, f.bruno, pathA)
		send := func(b *client, p string) int {
			if rt.method == http.MethodGet {
				resp, _ := b.get(p)
				return resp.StatusCode
			}
			// Valid-looking forms, so only the site check can refuse them.
			resp, _ := b.post(p, url.Values{"confirm": {"no"}, "name": {""}, "site": {f.b.ID}})
			return resp.StatusCode
		}
		switch rt.scope {
		case public:
			continue
		case admin:
			if got := send(coordA, own); got != http.StatusForbidden {
				t.Errorf("coordinator %s %s: %d, want 403", rt.method, own, got)
			}
		case site:
			if got := send(coordA, other); got != http.StatusNotFound {
				t.Errorf("coordinator of A %s %s (site B): %d, want 404", rt.method, other, got)
			}
			missing := f.fill(rt.pattern, server.Site{ID: uuid.Must(uuid.NewV7()).String()}, f.chloe, pathB)
			if got := send(adminB, missing); got != http.StatusNotFound {
				t.Errorf("admin %s %s (no such site): %d, want 404", rt.method, missing, got)
			}
			if rt.method == http.MethodGet {
				if got := send(coordA, own); got != http.StatusOK {
					t.Errorf("coordinator of A %s %s (own site): %d, want 200", rt.method, own, got)
				}
				if got := send(adminB, other); got != http.StatusOK {
					t.Errorf("admin %s %s: %d, want 200", rt.method, other, got)
				}
			}
		case user:
			if rt.method == http.MethodGet {
				// A route taking its site as a field refuses another's.
				if got := send(coordA, own+"?site="+f.b.ID); got != http.StatusOK && got != http.StatusNotFound {
					t.Errorf("coordinator of A %s?site=B: %d", own, got)
				} else if got == http.StatusNotFound {
					sitesAsField++
				}
				own += "?site=" + f.a.ID
				resp, body := coordA.get(own)
				if resp.StatusCode != http.StatusOK || strings.Contains(body, f.b.Name) || strings.Contains(body, f.b.ID) || strings.Contains(body, "Chloé") {
					t.Errorf("coordinator of A %s: %d, or shows site B", own, resp.StatusCode)
				}
			}
		}
		want := http.StatusSeeOther
		if rt.method == http.MethodPost {
			want = http.StatusUnauthorized
		}
		if got := send(anon, own); got != want {
			t.Errorf("anonymous %s %s: %d, want %d", rt.method, own, got, want)
		}
	}
	if sitesAsField != 1 {
		t.Errorf("%d GET routes take a site as a field, want 1 (/report.pdf)", sitesAsField)
	}
	if scopes[public] == 0 || scopes[user] == 0 || scopes[site] == 0 || scopes[admin] == 0 {
		t.Errorf("route scopes seen %v: want every scope", scopes)
	}
	// Pushing a path to another site's id is refused like the pages.
	resp, _ := coordA.post("/paths", url.Values{"name": {"x"}, "site": {f.b.ID}, "skill": {"internet.navigateur.liens"}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("coordinator of A pushing a path to site B: %d", resp.StatusCode)
	}
	// A learner of site B through site A's URL is not found either.
	if resp, _ := coordA.get("/sites/" + f.a.ID + "/learners/" + f.chloe); resp.StatusCode != http.StatusNotFound {
		t.Errorf("site B learner through site A: %d", resp.StatusCode)
	}
	if resp, _ := coordA.get("/sites/" + f.a.ID + "/paths/" + pathB + "/export.csv"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("site B path through site A: %d", resp.StatusCode)
	}
	if resp, _ := coordA.post("/sites/"+f.a.ID+"/devices/"+f.devB.ID+"/revoke", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("revoking site B's device through site A: %d", resp.StatusCode)
	}
	if _, err := e.store.DeviceByToken(context.Background(), "x"); err == nil {
		t.Error("odd: unknown token accepted")
	}
	devs, _ := e.store.Devices(context.Background(), f.b.ID)
	for _, d := range devs {
		if d.ID == f.devB.ID && d.Revoked {
			t.Errorf("site B's device was revoked through site A")
		}
	}
}

func testPagesShowTheSite(t *testing.T, e *env) {
	f := e.fixture()
	b := e.as(f.coordA)
	_, body := b.get("/")
	for _, want := range []string{"Médiathèque Saint-Flour", "<svg", "Visites par semaine"} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	_, body = b.get("/sites/" + f.a.ID)
	for _, want := range []string{"Awa Diop", "Bruno Martin", "Poste accueil", "2026.11.1", "Écrire une adresse de site", "Chercher sur Internet", "1 personnes ont refait", "Aller sur Internet"} {
		if !strings.Contains(body, want) {
			t.Errorf("site page lacks %q", want)
		}
	}
	_, body = b.get("/sites/" + f.a.ID + "?q=awa")
	if !strings.Contains(body, "Awa Diop") || strings.Contains(body, "Bruno Martin") {
		t.Error("search for awa")
	}
	_, body = b.get("/sites/" + f.a.ID + "/learners/" + f.awa)
	for _, want := range []string{"Awa Diop", "Poste accueil", "Poste 2", "Très motivée", "Diagnostic terminé", "internet.recherche"} {
		if !strings.Contains(body, want) {
			t.Errorf("learner page lacks %q", want)
		}
	}
	// English.
	b.get("/lang/en?back=/")
	_, body = b.get("/")
	if !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Visits per week") {
		t.Error("English overview")
	}
}

// testLateDevicesOnOverview: the overview names, in red, each device that
// has not synced for 7 days (at most 3 a site, the oldest first, then a
// link to the site's devices), and none while every device is on time.
func testLateDevicesOnOverview(t *testing.T, e *env) {
	f := e.fixture()
	for _, n := range []string{"Poste 3", "Poste 4", "Poste 5"} {
		e.device(f.a, n)
	}
	setClock := func(at time.Time) {
		e.mu.Lock()
		e.now = at
		e.mu.Unlock()
	}
	setClock(time.Now().Add(6 * 24 * time.Hour))
	if _, body := e.as(f.admin).get("/"); strings.Contains(body, `class="late`) {
		t.Error("devices marked late after 6 days")
	}
	setClock(time.Now().Add(8 * 24 * time.Hour)) // sessions expired: log in again
	_, body := e.as(f.admin).get("/")
	if n := strings.Count(body, `<li class="late">`); n != 4 {
		t.Errorf("%d late devices named, want 3 of site A and 1 of site B", n)
	}
	for _, want := range []string{"Poste Murat : ", "Poste 3 : jamais synchronisé", "/sites/" + f.a.ID + "#devices", "et 2 autres", "(5 sans synchro depuis 7 jours)"} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	// A coordinator sees only their site's devices.
	_, body = e.as(f.coordB).get("/")
	if strings.Contains(body, "Poste 3") || !strings.Contains(body, "Poste Murat") {
		t.Error("a coordinator's overview names another site's devices")
	}
}

// pull returns what a device of the site gets at its next sync.
func (e *env) pull(dev server.Device) []wire.Event {
	evs, _, _, err := e.store.Pull(context.Background(), dev, 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

func testPathReachesDevices(t *testing.T, e *env) {
	f := e.fixture()
	b := e.as(f.coordA)
	id := e.pushPath(b, f.a, f.awa)
	var got *PathAssigned
	for _, ev := range e.pull(f.devA1) {
		if ev.Type == "path.assigned" {
			if ev.LearnerID != f.awa {
				t.Errorf("path for learner %q", ev.LearnerID)
			}
			got = &PathAssigned{}
			if err := json.Unmarshal(ev.Payload, got); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got == nil || got.PathID != id || len(got.Skills) != 2 || got.Name != "Chercher un emploi" {
		t.Fatalf("device of site A pulled path %+v", got)
	}
	for _, ev := range e.pull(f.devB) {
		if ev.Type == "path.assigned" {
			t.Error("site B's device got site A's path")
		}
	}
	// Unknown learner, no skill: refused, nothing sent.
	if resp, _ := b.post("/paths", url.Values{"name": {"x"}, "site": {f.a.ID}, "learner": {f.chloe}, "skill": {"internet.navigateur.liens"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("path for another site's learner: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/paths", url.Values{"name": {"x"}, "site": {f.a.ID}, "skill": {"no.such.skill"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("path with no known skill: %d", resp.StatusCode)
	}
	_, body := b.get("/paths")
	if !strings.Contains(body, "Chercher un emploi") || !strings.Contains(body, "Utiliser un ordinateur") {
		t.Error("paths page lacks the pushed path or the framework")
	}
	e.expectAudit(ActPathPushed, f.a.ID)
}

func (e *env) expectAudit(action, site string) {
	e.t.Helper()
	log, err := e.dash.auditLog(context.Background(), User{Role: RoleAdmin}, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, l := range log {
		if l.Action == action && l.SiteID == site {
			return
		}
	}
	e.t.Errorf("no %s in the audit log for site %s", action, site)
}

func testEraseReachesDevices(t *testing.T, e *env) {
	f := e.fixture()
	b := e.as(f.coordA)
	if resp, _ := b.post("/sites/"+f.a.ID+"/learners/"+f.awa+"/erase", url.Values{}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("erase without confirmation: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/sites/"+f.a.ID+"/learners/"+f.awa+"/erase", url.Values{"confirm": {"yes"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d", resp.StatusCode)
	}
	tomb := 0
	for _, ev := range e.pull(f.devA1) {
		if ev.LearnerID == f.awa && ev.Type != "learner.erased" {
			t.Errorf("server still holds %s of the erased learner", ev.Type)
		}
		if ev.LearnerID == f.awa && ev.Type == "learner.erased" {
			tomb++
		}
	}
	if tomb != 1 {
		t.Errorf("devices get %d tombstones", tomb)
	}
	resp, page := b.get("/sites/" + f.a.ID + "/learners/" + f.awa)
	if resp.StatusCode != http.StatusOK || strings.Contains(page, "Awa") || !strings.Contains(page, "Personne effacée") ||
		!strings.Contains(page, "Postes en attente</dt><dd>Poste accueil, Poste 2") {
		t.Errorf("erased learner's page: %d, or names them, or lacks the devices waiting", resp.StatusCode)
	}
	if _, err := e.dash.Index(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, body := b.get("/sites/" + f.a.ID)
	if strings.Contains(body, "Awa Diop") {
		t.Error("site page still names the erased learner")
	}
	// Which devices have synced since: none yet, then the first one.
	if !strings.Contains(body, "postes synchronisés depuis: —; en attente: Poste accueil, Poste 2") {
		t.Errorf("erasure status before sync missing")
	}
	e.advance(time.Minute)
	e.push(f.devA1, ev("session.started", "", e.clock(), map[string]any{}))
	_, body = b.get("/sites/" + f.a.ID)
	if !strings.Contains(body, "postes synchronisés depuis: Poste accueil; en attente: Poste 2") {
		t.Errorf("erasure status after one device synced missing")
	}
	e.expectAudit(ActLearnerErased, f.a.ID)
}

func testExports(t *testing.T, e *env) {
	f := e.fixture()
	b := e.as(f.coordA)
	resp, body := b.get("/sites/" + f.a.ID + "/export.csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "\ufeff") || !strings.Contains(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("site CSV: %d %q", resp.StatusCode, body[:min(len(body), 40)])
	}
	lines := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
	if len(lines) != 3 || !strings.Contains(lines[0], ";niveau internet (dernier);") || !strings.Contains(body, "Awa Diop") || strings.Contains(body, "Chloé") {
		t.Errorf("site CSV:\n%s", body)
	}
	if !strings.Contains(body, "à travailler") {
		t.Error("site CSV has no skill status")
	}
	pathA := e.pushPath(b, f.a, "")
	resp, body = b.get("/sites/" + f.a.ID + "/paths/" + pathA + "/export.csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "\ufeffparcours;") || !strings.Contains(body, "Bruno Martin") {
		t.Errorf("path CSV: %d\n%s", resp.StatusCode, body)
	}
	resp, body = b.get("/sites/" + f.a.ID + "/report.pdf?from=2026-01-01&to=2026-11-30")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "%PDF-") || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("PDF: %d %q", resp.StatusCode, body[:min(len(body), 10)])
	}
	if resp, _ := b.get("/sites/" + f.a.ID + "/report.pdf?from=2026-12-01&to=2026-01-01"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("PDF with an inverted period: %d", resp.StatusCode)
	}
}

func testPublishPack(t *testing.T, e *env) {
	f := e.fixture()
	archive, key, pub := packArchive(t, false)
	e2 := newEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "keys.db"), Config{PackKeys: pub})
	f2 := e2.fixture()
	for _, tc := range []struct {
		name     string
		env      *env
		user     string
		archive  []byte
		sig      string
		wantCode int
		wantText string
	}{
		{"coordinator", e, f.coordA, archive, sign(key, "2026.12.1", archive), http.StatusForbidden, ""},
		{"broken pack", e, f.admin, brokenArchive(t), "sig", http.StatusUnprocessableEntity, "Paquet refusé"},
		{"not an archive", e, f.admin, []byte("hello"), "sig", http.StatusUnprocessableEntity, "Paquet refusé"},
		{"bad signature with keys", e2, f2.admin, archive, sign(key, "other", archive), http.StatusUnprocessableEntity, "signature ne correspond pas"},
		{"good", e2, f2.admin, archive, sign(key, "2026.12.1", archive), http.StatusOK, "Version 2026.12.1 publiée"},
		{"again", e2, f2.admin, archive, sign(key, "2026.12.1", archive), http.StatusConflict, "existe déjà"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.env.as(tc.user)
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			mw.WriteField("csrf", b.csrf)
			mw.WriteField("version", "2026.12.1")
			mw.WriteField("signature", tc.sig)
			fw, _ := mw.CreateFormFile("archive", "pack.tar.gz")
			fw.Write(tc.archive)
			mw.Close()
			resp, page := b.do(http.MethodPost, "/content", &body, mw.FormDataContentType())
			if resp.StatusCode != tc.wantCode || !strings.Contains(page, tc.wantText) {
				t.Errorf("%d, want %d with %q", resp.StatusCode, tc.wantCode, tc.wantText)
			}
		})
	}
	latest, _ := e2.store.LatestPack(context.Background())
	if latest == nil || latest.Version != "2026.12.1" {
		t.Fatalf("latest pack %+v", latest)
	}
	if l, _ := e.store.LatestPack(context.Background()); l != nil {
		t.Errorf("a refused pack was published: %+v", l)
	}
	e2.expectAudit(ActPackPublished, "")
	_, page := e2.as(f2.coordA).get("/content")
	if !strings.Contains(page, "2026.12.1") || strings.Contains(page, `action="/content"`) {
		t.Error("coordinator's content page: versions shown, no upload form")
	}
}

func testEnrolAndRevoke(t *testing.T, e *env) {
	f := e.fixture()
	b := e.as(f.coordA)
	resp, body := b.post("/sites/"+f.a.ID+"/enrol", nil)
	m := regexp.MustCompile(`class="big" role="status">([0-9A-Z-]{14})<`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("enrol: %d", resp.StatusCode)
	}
	dev, site, err := e.store.Enrol(context.Background(), m[1], uuid.NewString())
	if err != nil || site.ID != f.a.ID {
		t.Fatalf("the code shown does not enrol into site A: %v %v", site, err)
	}
	if resp, _ := b.post("/sites/"+f.a.ID+"/devices/"+dev.ID+"/revoke", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("revoke: %d", resp.StatusCode)
	}
	devs, _ := e.store.Devices(context.Background(), f.a.ID)
	for _, d := range devs {
		if d.ID == dev.ID && !d.Revoked {
			t.Error("device not revoked")
		}
	}
	e.expectAudit(ActEnrolCode, f.a.ID)
	e.expectAudit(ActDeviceRevoked, f.a.ID)
}

func testUsersPage(t *testing.T, e *env) {
	f := e.fixture()
	b := e.as(f.admin)
	resp, _ := b.post("/users", url.Values{"name": {"dora"}, "role": {RoleCoordinator}, "password": {"short"}, "site": {f.b.ID}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("weak password: %d", resp.StatusCode)
	}
	resp, _ = b.post("/users", url.Values{"name": {"dora"}, "role": {RoleCoordinator}, "password": {pw}, "site": {f.b.ID}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add user: %d", resp.StatusCode)
	}
	_, body := e.as("dora").get("/")
	if !strings.Contains(body, f.b.Name) || strings.Contains(body, f.a.Name) {
		t.Error("new coordinator of B sees the wrong sites")
	}
	if resp, _ := b.post("/users", url.Values{"name": {"dora"}, "role": {RoleAdmin}, "password": {pw}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("same name twice: %d", resp.StatusCode)
	}
	e.expectAudit(ActUserAdded, "")
}

func testLinkLearners(t *testing.T, e *env) {
	f := e.fixture()
	b := e.as(f.coordA)
	if resp, _ := b.post("/sites/"+f.a.ID+"/learners/"+f.awa+"/link", url.Values{"other": {f.chloe}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("linking another site's learner: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/sites/"+f.a.ID+"/learners/"+f.awa+"/link", url.Values{"other": {f.bruno}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("link: %d", resp.StatusCode)
	}
	if resp, _ := b.get("/sites/" + f.a.ID + "/learners/" + f.bruno); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the linked learner still has a page: %d", resp.StatusCode)
	}
	_, body := b.get("/sites/" + f.a.ID + "/learners/" + f.awa)
	if !strings.Contains(body, f.bruno) || strings.Count(body, "Diagnostic terminé") != 3 {
		t.Errorf("the kept learner's page lacks the linked one's history")
	}
	l, _ := e.learnerStillThere(f.a.ID, f.awa)
	if l.Diagnostics != 3 || l.Name != "Awa Diop" {
		t.Errorf("kept learner %+v", l)
	}
	// Later events of the linked learner go to the kept one.
	e.push(f.devA1, visit(f.bruno, e.clock(), map[string]int{"internet": 2}, nil)...)
	if _, err := e.dash.Index(context.Background()); err != nil {
		t.Fatal(err)
	}
	if l, _ := e.learnerStillThere(f.a.ID, f.awa); l.Diagnostics != 4 {
		t.Errorf("kept learner after a late event of the linked one: %d diagnostics", l.Diagnostics)
	}
	linked := false
	for _, ev := range e.pull(f.devA1) {
		linked = linked || (ev.Type == "learners.linked" && ev.LearnerID == f.awa && strings.Contains(string(ev.Payload), f.bruno))
	}
	if !linked {
		t.Error("devices do not get the learners.linked event")
	}
	e.expectAudit(ActLearnersLinked, f.a.ID)
}

// testDiagnosticWithoutResults: an older kiosk's diagnostic.finished has
// no per-domain results; the levels come from the session's answers.
func testDiagnosticWithoutResults(t *testing.T, e *env) {
	f := e.fixture()
	l := uuid.Must(uuid.NewV7()).String()
	at := e.clock().Add(-time.Hour)
	evs := []wire.Event{ev("learner.created", l, at, map[string]any{"name": "Driss"})}
	for i, ok := range []bool{true, true, true, false, false, false, false, true} {
		dom, skill := "internet", "internet.navigateur.liens"
		if i >= 4 {
			dom, skill = "documents", "documents.fichiers.ouvrir"
		}
		evs = append(evs, ev("answer.recorded", l, at.Add(time.Duration(i)*time.Minute), map[string]any{"session_id": "old", "skill": skill, "domain": dom, "correct": ok}))
	}
	evs = append(evs, ev("answer.recorded", l, at, map[string]any{"session_id": "another", "skill": "x", "domain": "equipement", "correct": true}))
	evs = append(evs, ev("diagnostic.finished", l, at.Add(time.Hour), map[string]any{"session_id": "old", "items": 8}))
	e.push(f.devA1, evs...)
	if _, err := e.dash.Index(context.Background()); err != nil {
		t.Fatal(err)
	}
	row, ok := e.learnerStillThere(f.a.ID, l)
	var sum diagSummary
	if !ok || json.Unmarshal([]byte(row.LastDiag), &sum) != nil {
		t.Fatalf("learner %+v", row)
	}
	want := `[{"d":"documents","b":1,"i":4,"c":1},{"d":"internet","b":3,"i":4,"c":3}]`
	if got, _ := json.Marshal(sum.Domains); string(got) != want || fmt.Sprint(sum.ToWork) != "[documents.fichiers.ouvrir]" {
		t.Errorf("levels from answers %s to work %v, want %s", got, sum.ToWork, want)
	}
}

// testFoldInAnyPages: the read model is the same whether a site's events
// are folded in one page or a few events at a time (answers are folded
// per learner and device in SQL, before the page's other events): two
// sites get the same events, one folded at once, the other after every
// push of 3 events.
func testFoldInAnyPages(t *testing.T, e *env) {
	ctx := context.Background()
	a, b := e.site("A"), e.site("B")
	da := []server.Device{e.device(a, "a1"), e.device(a, "a2")}
	db := []server.Device{e.device(b, "b1"), e.device(b, "b2")}
	awa, bruno, chloe := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	t0 := e.clock().Add(-60 * 24 * time.Hour)
	type pushed struct {
		dev int
		ev  wire.Event
	}
	var script []pushed
	add := func(dev int, evs ...wire.Event) {
		for _, x := range evs {
			script = append(script, pushed{dev, x})
		}
	}
	add(0, ev("learner.created", awa, t0, map[string]any{"name": "Awa", "picture_code": "soleil-arbre-chat"}))
	add(0, visit(awa, t0.Add(time.Hour), map[string]int{"internet": 1, "equipement": 2}, []string{"internet.navigateur.liens"})...)
	add(1, ev("learner.created", bruno, t0.Add(24*time.Hour), map[string]any{"name": "Bruno"}))
	add(1, ev("answer.recorded", bruno, t0.Add(25*time.Hour), map[string]any{"session_id": "s", "skill": "x", "domain": "internet", "correct": true}))
	add(1, ev("answer.recorded", chloe, t0.Add(26*time.Hour), map[string]any{"session_id": "c", "skill": "x", "domain": "internet", "correct": false}))
	add(1, ev("diagnostic.finished", bruno, t0.Add(27*time.Hour), map[string]any{"session_id": "s", "items": 1}))
	add(1, visit(awa, t0.Add(20*24*time.Hour), map[string]int{"internet": 3}, nil)...)
	add(0, ev("module.mastered", awa, t0.Add(21*24*time.Hour), map[string]any{"module": "internet.recherche"}))
	add(0, ev("learners.linked", awa, t0.Add(22*24*time.Hour), map[string]any{"linked": []string{bruno}}))
	add(1, ev("answer.recorded", bruno, t0.Add(30*24*time.Hour), map[string]any{"session_id": "t", "skill": "x", "domain": "internet", "correct": true}))
	add(1, ev("learner.renamed", awa, t0.Add(31*24*time.Hour), map[string]any{"name": "Awa D."}))
	// Site A: everything (in the same order), then one fold.
	for i := 0; i < len(script); {
		j := i
		var evs []wire.Event
		for ; j < len(script) && script[j].dev == script[i].dev; j++ {
			evs = append(evs, script[j].ev)
		}
		e.push(da[script[i].dev], evs...)
		i = j
	}
	if _, err := e.dash.Index(ctx); err != nil {
		t.Fatal(err)
	}
	// Site B: the same events (new ids), 3 at a time, a fold after each.
	for i := 0; i < len(script); i += 3 {
		for _, p := range script[i:min(i+3, len(script))] {
			x := p.ev
			x.ID = uuid.Must(uuid.NewV7()).String()
			e.push(db[p.dev], x)
		}
		if _, err := e.dash.Index(ctx); err != nil {
			t.Fatal(err)
		}
	}
	dump := func(site string, devs []server.Device) string {
		var b strings.Builder
		for _, q := range []string{
			`SELECT learner_id, name, picture_code, first_ms, last_ms, sessions, diagnostics, modules, first_diag, last_diag FROM dash_learners WHERE site_id = ? ORDER BY learner_id`,
			`SELECT week_ms, visits, diagnostics, modules, learners FROM dash_weeks WHERE site_id = ? ORDER BY week_ms`,
			`SELECT module, n FROM dash_modules WHERE site_id = ? ORDER BY module`,
			`SELECT learner_id, into_id FROM dash_links WHERE site_id = ? ORDER BY learner_id`,
		} {
			err := e.dash.eachRow(ctx, q, []any{site}, func(sc scanner) error {
				cols := make([]any, strings.Count(strings.Split(q, "FROM")[0], ",")+1)
				ptrs := make([]any, len(cols))
				for i := range cols {
					ptrs[i] = &cols[i]
				}
				if err := sc.Scan(ptrs...); err != nil {
					return err
				}
				fmt.Fprintf(&b, "%v\n", cols)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for i, dv := range devs {
			var pack string
			var lastMS int64
			if err := e.dash.db.db.QueryRowContext(ctx, e.dash.db.q(`SELECT pack_version, last_event_ms FROM dash_devices WHERE device_id = ?`), dv.ID).Scan(&pack, &lastMS); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "device %d %s %d\n", i, pack, lastMS)
		}
		return b.String()
	}
	ga, gb := dump(a.ID, da), dump(b.ID, db)
	if ga != gb {
		t.Errorf("read model folded at once:\n%s\nfolded 3 events at a time:\n%s", ga, gb)
	}
	// Chloé has only an answer: she is a learner of the site from it.
	if want := fmt.Sprintf("[%s   %d %d 0 0 0  ]", chloe, t0.Add(26*time.Hour).UnixMilli(), t0.Add(26*time.Hour).UnixMilli()); !strings.Contains(ga, want) {
		t.Errorf("no row %s for a learner seen only in an answer:\n%s", want, ga)
	}
	if !strings.Contains(ga, "Awa D.") || strings.Count(ga, "\n") < 8 {
		t.Errorf("read model too thin to compare:\n%s", ga)
	}
}
