package dashboard

import (
	"crypto/ed25519"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/sync/packsign"
)

// packDir writes the built-in pack to a directory.
func packDir(t testing.TB) string {
	dir := filepath.Join(t.TempDir(), "pack")
	if err := os.CopyFS(dir, assets.DefaultPack()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// packArchive returns the built-in pack as an archive, a signing key and
// its public key.
func packArchive(t testing.TB, _ bool) ([]byte, ed25519.PrivateKey, []ed25519.PublicKey) {
	data, err := packsign.Archive(packDir(t))
	if err != nil {
		t.Fatal(err)
	}
	pubS, privS, err := packsign.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := packsign.ParsePrivateKey(privS)
	pub, _ := packsign.ParsePublicKey(pubS)
	return data, priv, []ed25519.PublicKey{pub}
}

func sign(key ed25519.PrivateKey, version string, data []byte) string {
	return packsign.Sign(key, version, data)
}

// brokenArchive is the built-in pack with framework.yaml unreadable.
func brokenArchive(t testing.TB) []byte {
	dir := packDir(t)
	if err := os.WriteFile(filepath.Join(dir, "framework.yaml"), []byte("domains: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := packsign.Archive(dir)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var _ fs.FS = assets.DefaultPack()
