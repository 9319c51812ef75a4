package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/client"
	"github.com/tremplin-numerique/tremplin/sync/journal"

	"github.com/tremplin-numerique/tremplin/sync/dashboard"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// TestAdminUserAdd adds accounts with `admin user add`, the password on
// standard input, and logs in with them.
func TestAdminUserAdd(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "s.db")
	oldOut, oldIn := stdout, stdin
	t.Cleanup(func() { stdout, stdin = oldOut, oldIn })
	var out bytes.Buffer
	stdout = &out
	admin := func(pw string, args ...string) error {
		stdin = strings.NewReader(pw)
		return run(ctx, append([]string{"admin", "--db", dsn}, args...))
	}
	if err := admin("", "site", "add", "Médiathèque Saint-Flour"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pw   string
		args []string
		ok   bool
	}{
		{"correct horse battery\n", []string{"user", "add", "ada", "--role", "admin"}, true},
		{"correct horse battery\n", []string{"user", "add", "corinne", "--role", "coordinator", "--site", "Médiathèque Saint-Flour"}, true},
		{"short\n", []string{"user", "add", "bob", "--role", "admin"}, false},
		{"correct horse battery\n", []string{"user", "add", "bob", "--role", "coordinator"}, false},
		{"correct horse battery\n", []string{"user", "add", "bob", "--role", "coordinator", "--site", "Nowhere"}, false},
		{"correct horse battery\n", []string{"user", "add", "bob", "--role", "king"}, false},
		{"correct horse battery\n", []string{"user", "add", "ada", "--role", "admin"}, false},
	} {
		if err := admin(tc.pw, tc.args...); (err == nil) != tc.ok {
			t.Errorf("%v: err %v, want ok=%v", tc.args, err, tc.ok)
		}
	}
	store, err := server.OpenStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	d, err := dashboard.New(ctx, store, dashboard.Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, u, err := d.Login(ctx, "corinne", "correct horse battery")
	if err != nil || u.Role != dashboard.RoleCoordinator || len(u.Sites) != 1 {
		t.Errorf("login as the new coordinator: %+v %v", u, err)
	}
	// pack sign prints the signature the content page asks for.
	dir := t.TempDir()
	if err := run(ctx, []string{"admin", "pack", "keygen", "--out", filepath.Join(dir, "key")}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"admin", "pack", "sign", "--key", filepath.Join(dir, "key"), "--version", "1", "--dir", "../../assets/pack", "--out", filepath.Join(dir, "p.tar.gz")}); err != nil {
		t.Fatal(err)
	}
	if sig := strings.TrimSpace(out.String()); len(sig) < 80 {
		t.Errorf("signature %q", sig)
	}
	users, _ := d.Users(ctx)
	if len(users) != 2 {
		t.Errorf("%d users, want 2", len(users))
	}
}

// TestServeDashboardAndLRS runs the real server with --lrs-url: the
// dashboard answers at / beside the sync API, and a device's finished
// diagnostic reaches the LRS as statements.
func TestServeDashboardAndLRS(t *testing.T) {
	got := make(chan string, 100)
	lrs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "Basic a2V5OnNlY3JldA==" || r.Header.Get("X-Experience-API-Version") != "1.0.3" {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		got <- string(b)
		w.Write([]byte("[]"))
	}))
	defer lrs.Close()
	dir := t.TempDir()
	p := startServer(t, dir, "--lrs-url", lrs.URL+"/xapi", "--lrs-auth", "Basic a2V5OnNlY3JldA==", "--lrs-home", "https://tremplin.example")
	resp, err := http.Get(p.url() + "/login")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("dashboard login form: %v %v", resp, err)
	}
	resp.Body.Close()
	site := strings.Fields(p.admin("site", "add", "A"))[0]
	j := enrolDevice(t, p, site, filepath.Join(dir, "kiosk.db"))
	id := record(t, j, "Awa", 2)
	if _, err := j.Append(context.Background(), journal.TypeDiagnosticFinished, id, map[string]any{"session_id": "s",
		"results": []map[string]any{{"domain": "internet", "band": 2, "items": 2, "correct": 2}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.SyncOnce(context.Background(), j); err != nil {
		t.Fatal(err)
	}
	select {
	case body := <-got:
		if !strings.Contains(body, `"scaled":0.6666`) || !strings.Contains(body, id) || strings.Contains(body, "Awa") {
			t.Errorf("statements: %s", body)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no statement reached the LRS")
	}
}
