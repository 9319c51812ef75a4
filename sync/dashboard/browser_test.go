package dashboard

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// chromium finds Debian's chromium (scripts/apt/test.txt installs it); the
// browser test is skipped without it unless CI=true or
// TREMPLIN_REQUIRE_ALL=1.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" || os.Getenv("TREMPLIN_REQUIRE_ALL") == "1" {
		t.Fatal("chromium is not installed (Debian package chromium; make test installs it)")
	}
	t.Skip("chromium not found; skipping the browser test")
	return ""
}

// shot is one viewport the pages are photographed at.
type shot struct {
	name string
	w, h int64
}

var viewports = []shot{{"desktop", 1366, 768}, {"phone", 390, 844}}

// TestBrowser drives Debian's chromium, headless, through the dashboard as
// a coordinator and as an administrator: every page, a path pushed, a
// learner erased, both CSVs and the PDF downloaded, a pack published, and
// another site's pages and exports refused. Screenshots of every page at
// 1366×768 and 390×844 go to $TREMPLIN_SCREENSHOTS (or a temporary
// directory).
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	e := newEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "server.db"), Config{})
	f := e.fixture()
	shots := os.Getenv("TREMPLIN_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	downloads := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.WindowSize(1366, 768),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 8*time.Minute)
	defer cancel()

	done := make(chan string, 8)
	chromedp.ListenTarget(ctx, func(v any) {
		if ev, ok := v.(*browser.EventDownloadProgress); ok && ev.State == browser.DownloadProgressStateCompleted {
			done <- ev.GUID
		}
	})
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	run("download folder", browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).
		WithDownloadPath(downloads).WithEventsEnabled(true))
	status := func(path string) int64 {
		t.Helper()
		resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(e.url+path))
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		return resp.Status
	}
	text := func(sel string) string {
		var s string
		run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
		return s
	}
	login := func(name string) {
		run("login "+name,
			chromedp.Navigate(e.url+"/login"),
			chromedp.SendKeys("#name", name, chromedp.ByID),
			chromedp.SendKeys("#password", pw, chromedp.ByID),
			chromedp.Click("form.login button", chromedp.ByQuery),
			chromedp.WaitVisible("nav", chromedp.ByQuery),
		)
	}
	logout := func() {
		run("logout", chromedp.Click("form.logout button", chromedp.ByQuery), chromedp.WaitVisible("#name", chromedp.ByID))
	}
	// photograph saves the page at both sizes, and checks it loaded fine.
	photograph := func(who, name, path string) {
		t.Helper()
		for _, v := range viewports {
			run("viewport", chromedp.EmulateViewport(v.w, v.h))
			if code := status(path); code != 200 {
				t.Errorf("%s %s: %d", who, path, code)
			}
			var png []byte
			run("screenshot "+path, chromedp.CaptureScreenshot(&png))
			if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("%s-%s-%s.png", who, name, v.name)), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		run("viewport", chromedp.EmulateViewport(1366, 768))
	}
	download := func(linkSel, wantPrefix string) {
		t.Helper()
		run("click "+linkSel, chromedp.Click(linkSel, chromedp.ByQuery))
		select {
		case guid := <-done:
			b, err := os.ReadFile(filepath.Join(downloads, guid))
			if err != nil || !strings.HasPrefix(string(b), wantPrefix) {
				t.Errorf("download %s: %v, starts %q", linkSel, err, string(b[:min(len(b), 12)]))
			}
		case <-time.After(30 * time.Second):
			t.Errorf("download %s never finished", linkSel)
		}
	}

	// French, whatever the browser asks for.
	run("french", chromedp.Navigate(e.url+"/lang/fr"))
	// Someone without a session lands on the login form.
	run("anonymous", chromedp.Navigate(e.url+"/sites/"+f.a.ID), chromedp.WaitVisible("#password", chromedp.ByID))
	photograph("anon", "login", "/login")

	// Coordinator of site A.
	login(f.coordA)
	photograph("coord", "overview", "/")
	photograph("coord", "site", "/sites/"+f.a.ID)
	photograph("coord", "learner", "/sites/"+f.a.ID+"/learners/"+f.awa)
	photograph("coord", "paths", "/paths")
	photograph("coord", "content", "/content")
	photograph("coord", "exports", "/exports")
	photograph("coord", "audit", "/audit")

	// Push a path to the whole site.
	run("push a path",
		chromedp.Navigate(e.url+"/paths"),
		chromedp.SendKeys("#pname", "Premiers pas sur internet", chromedp.ByID),
		chromedp.Click(`input[value="internet.navigateur.liens"]`, chromedp.ByQuery),
		chromedp.Click(`input[value="equipement.souris.double-clic"]`, chromedp.ByQuery),
		chromedp.Click("form.path button[type=submit]", chromedp.ByQuery),
		// The list of pushed paths is on the form's page too: wait for the row.
		chromedp.WaitVisible(`//th[contains(., "Premiers pas sur internet")]`, chromedp.BySearch),
	)
	if got := text("#pushed + div tbody"); !strings.Contains(got, "Premiers pas sur internet") {
		t.Errorf("pushed paths: %q", got)
	}
	pulled := false
	for _, ev := range e.pull(f.devA1) {
		pulled = pulled || (ev.Type == "path.assigned" && strings.Contains(string(ev.Payload), "Premiers pas"))
	}
	if !pulled {
		t.Error("the path pushed in the browser does not reach site A's devices")
	}

	// Erase a learner.
	run("erase",
		chromedp.Navigate(e.url+"/sites/"+f.a.ID+"/learners/"+f.bruno),
		chromedp.Click("#confirm", chromedp.ByID),
		chromedp.Click(".danger-zone button", chromedp.ByQuery),
		chromedp.WaitVisible(`p[role="status"]`, chromedp.ByQuery),
	)
	if got := text("main"); strings.Contains(got, "Bruno") || !strings.Contains(got, "Postes en attente") {
		t.Errorf("erased learner's page: %q", got)
	}
	photograph("coord", "erased", "/sites/"+f.a.ID+"/learners/"+f.bruno)
	run("site after erasure", chromedp.Navigate(e.url+"/sites/"+f.a.ID))
	if got := text("#learners + form + div"); strings.Contains(got, "Bruno") {
		t.Error("the erased learner is still listed")
	}

	// Downloads: the site CSV, the path CSV, the PDF report.
	run("exports", chromedp.Navigate(e.url+"/exports"))
	download(`a[href="/sites/`+f.a.ID+`/export.csv"]`, "\ufeff")
	download(`a[href$="/export.csv"][href*="/paths/"]`, "\ufeffparcours;")
	download(`form[action="/report.pdf"] button`, "%PDF-")

	// Another site's pages and exports: the same answer as a missing page.
	for _, p := range []string{"/sites/" + f.b.ID, "/sites/" + f.b.ID + "/learners/" + f.chloe, "/sites/" + f.b.ID + "/export.csv",
		"/sites/" + f.b.ID + "/report.pdf", "/report.pdf?site=" + f.b.ID, "/sites/" + f.a.ID + "/learners/" + f.chloe} {
		if code := status(p); code != 404 {
			t.Errorf("coordinator of A opens %s: %d, want 404", p, code)
		}
	}
	if code := status("/users"); code != 403 {
		t.Errorf("coordinator opens /users: %d, want 403", code)
	}
	photograph403 := func() {
		var png []byte
		run("403", chromedp.CaptureScreenshot(&png))
		_ = os.WriteFile(filepath.Join(shots, "coord-403-desktop.png"), png, 0o644)
	}
	photograph403()
	logout()

	// Administrator.
	login(f.admin)
	photograph("admin", "overview", "/")
	photograph("admin", "site-b", "/sites/"+f.b.ID)
	photograph("admin", "users", "/users")
	photograph("admin", "xapi", "/xapi")
	photograph("admin", "audit", "/audit")
	archive, key, _ := packArchive(t, false)
	file := filepath.Join(t.TempDir(), "pack.tar.gz")
	if err := os.WriteFile(file, archive, 0o644); err != nil {
		t.Fatal(err)
	}
	run("publish a pack",
		chromedp.Navigate(e.url+"/content"),
		chromedp.SetUploadFiles("#archive", []string{file}, chromedp.ByID),
		chromedp.SendKeys("#version", "2026.12.1", chromedp.ByID),
		chromedp.SendKeys("#signature", sign(key, "2026.12.1", archive), chromedp.ByID),
		chromedp.Click(`form[action="/content"] button`, chromedp.ByQuery),
		chromedp.WaitVisible("p.ok", chromedp.ByQuery),
	)
	if got := text("p.ok"); !strings.Contains(got, "2026.12.1") {
		t.Errorf("publish: %q", got)
	}
	photograph("admin", "content", "/content")
	if latest, _ := e.store.LatestPack(ctx); latest == nil || latest.Version != "2026.12.1" {
		t.Errorf("latest pack after the upload: %+v", latest)
	}
	// English.
	run("english", chromedp.Navigate(e.url+"/"), chromedp.Click(`a[hreflang="en"]`, chromedp.ByQuery), chromedp.WaitVisible("nav", chromedp.ByQuery))
	if got := text("h1"); got != "Overview" {
		t.Errorf("English title %q", got)
	}
	photograph("admin", "overview-en", "/")
}
