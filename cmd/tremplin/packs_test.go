package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/packsign"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// TestEnrollSyncAndContentUpdate drives the kiosk's commands against a real
// server: enrolment with a trusted pack key, a sync, then a signed content
// pack published on the server that the device installs and loads, while a
// pack signed by another key is refused and the installed one stays.
func TestEnrollSyncAndContentUpdate(t *testing.T) {
	ctx := context.Background()
	store, err := server.OpenStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(server.New(store, server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	defer srv.Close()
	site, err := store.AddSite(ctx, "Tiers-lieu de Confolens")
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := store.NewEnrolCode(ctx, site.ID, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := packsign.GenerateKey()
	dir := t.TempDir()
	if c, out, errOut := runCmd(t, "enroll", "--data-dir", dir, "--server", srv.URL, "--code", code, "--pack-key", pub); c != 0 || !strings.Contains(out, "Confolens") {
		t.Fatalf("enroll: %d %q %q", c, out, errOut)
	}
	// An answer recorded offline reaches the server with the next sync.
	j, err := journal.Open(ctx, filepath.Join(dir, "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	j.Append(ctx, journal.TypeAnswerRecorded, "L1", map[string]any{"item_id": "eq-souris-1", "correct": true})
	j.Close()
	if c, out, errOut := runCmd(t, "sync", "--data-dir", dir); c != 0 || !strings.Contains(out, "1 envoyés") {
		t.Fatalf("sync: %d %q %q", c, out, errOut)
	}

	// Publish the default pack, signed, with another pack id to tell them apart.
	src := copyPack(t, "../../assets/pack")
	os.WriteFile(filepath.Join(src, "pack.yaml"), []byte("id: pack-du-site\nversion: \"2\"\nlanguage: fr\nschema: 1\ntitle: Pack du site\n"), 0o644)
	archive, err := packsign.Archive(src)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := packsign.ParsePrivateKey(priv)
	publish := func(version string, sig string) {
		t.Helper()
		if err := store.PublishPack(ctx, wire.PackInfo{Version: version, SHA256: packsign.SHA256(archive), Size: int64(len(archive)), Signature: sig}, archive); err != nil {
			t.Fatal(err)
		}
	}
	publish("2", packsign.Sign(key, "2", archive))
	j, _ = journal.Open(ctx, filepath.Join(dir, "journal.db"))
	defer j.Close()
	packs := filepath.Join(dir, "packs")
	fetchPack(ctx, j, packs)
	p, err := loadInstalledPack(packs)
	if err != nil || p.Meta.ID != "pack-du-site" {
		t.Fatalf("installed pack: %v %v", p, err)
	}

	// A pack signed with a key the device does not trust is refused.
	_, otherPriv, _ := packsign.GenerateKey()
	other, _ := packsign.ParsePrivateKey(otherPriv)
	publish("3", packsign.Sign(other, "3", archive))
	fetchPack(ctx, j, packs)
	if cur := packsign.Current(packs); filepath.Base(cur) != "2" {
		t.Errorf("current pack after an untrusted one: %s", cur)
	}
}

// copyPack copies a pack folder so a test can change it.
func copyPack(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}
