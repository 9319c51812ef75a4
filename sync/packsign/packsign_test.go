package packsign_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tremplin-numerique/tremplin/sync/packsign"
)

func keys(t *testing.T) (ed25519.PrivateKey, []ed25519.PublicKey) {
	pubS, privS, err := packsign.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := packsign.ParsePublicKey(pubS)
	priv, _ := packsign.ParsePrivateKey(privS)
	return priv, []ed25519.PublicKey{pub}
}

func TestInstallKeepsPreviousOnBadPack(t *testing.T) {
	priv, pubs := keys(t)
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "pack.yaml"), []byte("id: x\n"), 0o644)
	data, err := packsign.Archive(src)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := packsign.Archive(src)
	if !bytes.Equal(data, again) {
		t.Error("archive is not reproducible")
	}
	packs := t.TempDir()
	dir, err := packsign.Install(pubs, packs, "1", data, packsign.Sign(priv, "1", data))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "pack.yaml")); string(b) != "id: x\n" {
		t.Fatalf("installed %q", b)
	}
	bad := append([]byte{}, data...)
	bad[len(bad)-5] ^= 1
	for name, c := range map[string]struct {
		version string
		data    []byte
		sig     string
		want    error
	}{
		"unsigned":          {"2", data, "", packsign.ErrUnsigned},
		"tampered":          {"2", bad, packsign.Sign(priv, "2", data), packsign.ErrBadSignature},
		"truncated":         {"2", data[:len(data)/2], packsign.Sign(priv, "2", data), packsign.ErrBadSignature},
		"version swapped":   {"2", data, packsign.Sign(priv, "1", data), packsign.ErrBadSignature},
		"garbage signature": {"2", data, "!!!", packsign.ErrBadSignature},
	} {
		if _, err := packsign.Install(pubs, packs, c.version, c.data, c.sig); !errors.Is(err, c.want) {
			t.Errorf("%s: %v", name, err)
		}
		if packsign.Current(packs) != dir {
			t.Errorf("%s: current pack changed", name)
		}
	}
}

func TestExtractRefusesEscapes(t *testing.T) {
	for _, name := range []string{"../evil", "/etc/evil", "a/../../evil"} {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		tw := tar.NewWriter(zw)
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
		tw.Write([]byte("x"))
		tw.Close()
		zw.Close()
		if err := packsign.Extract(buf.Bytes(), filepath.Join(t.TempDir(), "out")); !errors.Is(err, packsign.ErrBadArchive) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestInstallCheckedKeepsPreviousWhenContentIsInvalid(t *testing.T) {
	priv, pubs := keys(t)
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "pack.yaml"), []byte("id: x\n"), 0o644)
	data, _ := packsign.Archive(src)
	packs := t.TempDir()
	first, err := packsign.Install(pubs, packs, "1", data, packsign.Sign(priv, "1", data))
	if err != nil {
		t.Fatal(err)
	}
	refuse := func(dir string) error {
		if _, err := os.Stat(filepath.Join(dir, "pack.yaml")); err != nil {
			t.Errorf("check did not get the unpacked folder: %v", err)
		}
		return errors.New("framework.yaml missing")
	}
	if _, err := packsign.InstallChecked(pubs, packs, "2", data, packsign.Sign(priv, "2", data), refuse); err == nil {
		t.Fatal("a pack refused by the check was installed")
	}
	if packsign.Current(packs) != first {
		t.Error("current pack changed after a refused check")
	}
	if _, err := os.Stat(filepath.Join(packs, "2")); err == nil {
		t.Error("the refused pack was left in place")
	}
}
