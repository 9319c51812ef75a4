package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/bundle"
	"github.com/tremplin-numerique/tremplin/sync/bundlestore"
	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// TestBundleCommands: tremplin bundle export writes the unsent answers to
// the stick, the server imports them, tremplin bundle import takes the
// server's bundle back from the stick folder (finding this device's file
// among others); a truncated copy is refused in French and changes
// nothing.
func TestBundleCommands(t *testing.T) {
	ctx := context.Background()
	st, err := server.OpenStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hs := httptest.NewServer(server.New(st, server.Config{}).APIHandler())
	defer hs.Close()
	site, _ := st.AddSite(ctx, "Médiathèque")
	bs, err := bundlestore.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	enrol := func() string {
		dir := t.TempDir()
		code, _, _ := st.NewEnrolCode(ctx, site.ID, time.Hour)
		if c, _, e := runCmd(t, "enroll", "--data-dir", dir, "--server", hs.URL, "--code", code); c != 0 {
			t.Fatalf("enroll: %s", e)
		}
		return dir
	}
	a, b := enrol(), enrol()
	append3 := func(dir string) string {
		j, err := journal.Open(ctx, filepath.Join(dir, "journal.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		for i := 0; i < 3; i++ {
			if _, err := j.Append(ctx, "answer.recorded", "l1", map[string]int{"n": i}); err != nil {
				t.Fatal(err)
			}
		}
		return j.DeviceID()
	}
	aID := append3(a)
	append3(b)
	usb := t.TempDir()
	if c, out, e := runCmd(t, "bundle", "export", usb, "--data-dir", a); c != 0 || !strings.Contains(out, "3 réponses copiées") {
		t.Fatalf("bundle export: %d %q %q", c, out, e)
	}
	files, _ := filepath.Glob(filepath.Join(usb, "*.tremplin"))
	if len(files) != 1 {
		t.Fatalf("stick holds %v", files)
	}
	if r, err := bs.Import(ctx, files[0]); err != nil || r.Stored != 3 {
		t.Fatalf("server import: %+v, %v", r, err)
	}
	if c, _, e := runCmd(t, "bundle", "export", usb, "--data-dir", b); c != 0 {
		t.Fatal(e)
	}
	files, _ = filepath.Glob(filepath.Join(usb, "tremplin-poste-*"))
	for _, f := range files {
		if _, err := bs.Import(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	// The server writes a bundle for each device of the site on the stick.
	if _, err := bs.ExportSite(ctx, site.ID, usb, bundlestore.ExportOptions{Since: -1}); err != nil {
		t.Fatal(err)
	}
	mine := ""
	files, _ = filepath.Glob(filepath.Join(usb, "tremplin-serveur-*"))
	for _, f := range files {
		if m, err := bundle.ReadManifest(f); err == nil && m.DeviceID == aID {
			mine = f
		}
	}
	// A truncated copy of A's file: refused in French, nothing changes.
	cut := filepath.Join(t.TempDir(), "cut.tremplin")
	data, _ := os.ReadFile(mine)
	os.WriteFile(cut, data[:len(data)/2], 0o644)
	if c, _, e := runCmd(t, "bundle", "import", cut, "--data-dir", a); c != 1 || !strings.Contains(e, "incomplet") {
		t.Fatalf("truncated import: %d %q", c, e)
	}
	if c, out, e := runCmd(t, "bundle", "import", usb, "--data-dir", a); c != 0 || !strings.Contains(out, "Importé : 3 nouveautés du lieu, 3 réponses confirmées par le serveur, 0 encore en attente") {
		t.Fatalf("bundle import: %d %q %q", c, out, e)
	}
	if c, out, _ := runCmd(t, "bundle", "import", usb, "--data-dir", a); c != 0 || !strings.Contains(out, "Importé : 0 nouveautés du lieu, 0 réponses") {
		t.Fatalf("second import: %d %q", c, out)
	}
	if c, _, e := runCmd(t, "bundle", "import", t.TempDir(), "--data-dir", a); c != 1 || !strings.Contains(e, "Aucun fichier") {
		t.Fatalf("empty stick: %d %q", c, e)
	}
	if c, _, e := runCmd(t, "bundle", "--data-dir", a); c != 2 || !strings.Contains(e, "tremplin bundle export") {
		t.Fatalf("usage: %d %q", c, e)
	}
}
