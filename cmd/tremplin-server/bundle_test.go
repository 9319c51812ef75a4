package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tremplin-numerique/tremplin/sync/bundle"
	"github.com/tremplin-numerique/tremplin/sync/client"
)

// TestAdminBundles: with the real server process running, `admin bundle
// import` stores a device's stick bundle once (again: nothing new), refuses
// a truncated copy in French, `admin bundle export` writes the device's
// bundle back, and online syncs before and after change nothing.
func TestAdminBundles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := startServer(t, dir)
	siteID := strings.Fields(p.admin("site", "add", "Bibliothèque"))[0]
	a := enrolDevice(t, p, "Bibliothèque", filepath.Join(dir, "a.db"))
	b := enrolDevice(t, p, "Bibliothèque", filepath.Join(dir, "b.db"))
	record(t, a, "Awa", 8)
	record(t, b, "Bruno", 5)
	if _, err := client.SyncOnce(ctx, b); err != nil {
		t.Fatal(err)
	}
	usb := t.TempDir()
	r, err := bundle.Export(ctx, a, usb)
	if err != nil {
		t.Fatal(err)
	}
	if out := p.admin("bundle", "import", r.Path); !strings.Contains(out, "10 événements, 10 nouveaux") {
		t.Errorf("import: %s", out)
	}
	if out := p.admin("bundle", "import", r.Path); !strings.Contains(out, "déjà importé") || !strings.Contains(out, "0 nouveaux") {
		t.Errorf("import again: %s", out)
	}
	data, _ := os.ReadFile(r.Path)
	cut := filepath.Join(t.TempDir(), "cut.tremplin")
	os.WriteFile(cut, data[:len(data)/2], 0o644)
	out, err := exec.Command(p.bin, "admin", "--db", p.db, "bundle", "import", cut).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "incomplet") {
		t.Errorf("truncated import: %v\n%s", err, out)
	}
	if out := p.admin("bundle", "export", "--device", a.DeviceID(), "--out", usb); !strings.Contains(out, "7 événements du lieu, 10 accusés de réception") {
		t.Errorf("export: %s", out)
	}
	found, err := bundle.FindFor(usb, bundle.KindServer, a.DeviceID())
	if err != nil || found == "" {
		t.Fatalf("no server bundle for A on the stick: %v", err)
	}
	ir, err := bundle.Import(ctx, a, found, bundle.Options{})
	if err != nil || ir.Events != 7 || ir.Acked != 10 || ir.Pending != 0 {
		t.Fatalf("device import: %+v, %v", ir, err)
	}
	if names(t, a) != "Awa,Bruno" && names(t, a) != "Bruno,Awa" {
		t.Errorf("A knows %q", names(t, a))
	}
	record(t, a, "Chloé", 2)
	if _, err := client.SyncOnce(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := client.SyncOnce(ctx, b); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, p, siteID, a, b)
	if out := p.admin("bundle", "export", "--site", "Bibliothèque", "--out", t.TempDir(), "--no-pack"); strings.Count(out, ".tremplin") != 2 {
		t.Errorf("site export: %s", out)
	}
}
