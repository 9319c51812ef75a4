package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWriteIsAtomic: a bundle appears under its name only once complete;
// a failed write leaves neither the file nor its .part.
func TestWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	key := KeyFromToken("tdt2_test")
	p, err := Write(dir, "b"+Ext, Manifest{Kind: KindDevice, ID: "1"}, key, []NamedData{{MemberEvents, []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "b"+Ext {
		t.Fatalf("folder holds %v", entries)
	}
	b, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Verify(key); err != nil {
		t.Fatal(err)
	}
	if err := b.Verify(KeyFromToken("tdt2_other")); err == nil {
		t.Fatal("another token's key verified the bundle")
	}
	gone := filepath.Join(dir, "no-such-folder")
	if _, err := Write(gone, "c"+Ext, Manifest{Kind: KindDevice}, key, nil); err == nil {
		t.Fatal("write into a missing folder succeeded")
	}
	if _, err := os.Stat(gone); err == nil {
		t.Fatal("a failed write left something")
	}
}

// TestSeal: a spare token sealed with a device's key opens only with it
// (the server derives the same key from the token's hash).
func TestSeal(t *testing.T) {
	k := KeyFromToken("tdt2_abc")
	sealed := k.Seal("tdt2_spare")
	h, err := KeyFromTokenHash("2c9a1d5ce8a3b0cd1bc25c1fc0a2e1c0b8e0e12e0aa0d47a6fa3a2b8b7f6b8c1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Open(sealed); err == nil {
		t.Fatal("another key opened the sealed token")
	}
	got, err := k.Open(sealed)
	if err != nil || got != "tdt2_spare" {
		t.Fatalf("open: %q, %v", got, err)
	}
}

func TestFileName(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 5, 0, 0, time.UTC)
	got := FileName(KindDevice, "Médiathèque Jean-Macé #3", at)
	if got != "tremplin-poste-mediatheque-jean-mace-3-20261130-090500.tremplin" || strings.ContainsAny(got, " #/") {
		t.Fatalf("file name %q", got)
	}
	if got := FileName(KindServer, "", at); got != "tremplin-serveur-poste-20261130-090500.tremplin" {
		t.Fatalf("file name %q", got)
	}
}
