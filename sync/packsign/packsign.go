// Package packsign signs and verifies Tremplin content packs: a pack is a
// tar.gz of a pack directory plus a detached ed25519 signature over
// "tremplin-pack-v1\n" + version + "\n" + hex(sha256(archive)). Admins sign
// offline; the server only stores and serves; the kiosk verifies with the
// public keys it was built with and installs a pack only once it checks out,
// keeping the previous one otherwise.
//
// Package packsign imports neither Fyne nor SQL.
package packsign

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Errors callers tell apart.
var (
	ErrUnsigned     = errors.New("content pack is not signed")
	ErrBadSignature = errors.New("content pack signature does not match (tampered, truncated or unknown key)")
	ErrBadArchive   = errors.New("content pack archive is unreadable")
)

// Limits on what an archive may inflate to.
const (
	MaxFiles      = 20000
	MaxTotalBytes = 2 << 30
)

func message(version string, archive []byte) []byte {
	sum := sha256.Sum256(archive)
	return []byte("tremplin-pack-v1\n" + version + "\n" + hex.EncodeToString(sum[:]))
}

// SHA256 returns the archive's hex SHA-256.
func SHA256(archive []byte) string {
	sum := sha256.Sum256(archive)
	return hex.EncodeToString(sum[:])
}

// GenerateKey makes a signing key pair, each encoded in base64.
func GenerateKey() (public, private string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(pub), base64.StdEncoding.EncodeToString(priv), nil
}

// ParsePrivateKey decodes a base64 private key.
func ParsePrivateKey(s string) (ed25519.PrivateKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PrivateKeySize {
		return nil, errors.New("not an ed25519 private key")
	}
	return ed25519.PrivateKey(b), nil
}

// ParsePublicKey decodes a base64 public key.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("not an ed25519 public key")
	}
	return ed25519.PublicKey(b), nil
}

// Sign returns the base64 signature of archive as pack version.
func Sign(key ed25519.PrivateKey, version string, archive []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, message(version, archive)))
}

// Verify checks archive against a base64 signature made by any of keys.
func Verify(keys []ed25519.PublicKey, version string, archive []byte, signature string) error {
	if strings.TrimSpace(signature) == "" {
		return ErrUnsigned
	}
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return ErrBadSignature
	}
	msg := message(version, archive)
	for _, k := range keys {
		if ed25519.Verify(k, msg, sig) {
			return nil
		}
	}
	return ErrBadSignature
}

// Archive makes a reproducible tar.gz of dir (sorted names, no owners or
// times), skipping hidden files.
func Archive(dir string) ([]byte, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, p := range files {
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Extract unpacks an archive into dest (which must not exist), refusing
// absolute paths, "..", links and oversized content.
func Extract(archive []byte, dest string) error {
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadArchive, err)
	}
	if err := os.Mkdir(dest, 0o755); err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	var total int64
	for n := 0; ; n++ {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrBadArchive, err)
		}
		if n >= MaxFiles {
			return fmt.Errorf("%w: more than %d files", ErrBadArchive, MaxFiles)
		}
		name := path.Clean(h.Name)
		if h.Typeflag != tar.TypeReg || path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("%w: entry %q not allowed", ErrBadArchive, h.Name)
		}
		total += h.Size
		if total > MaxTotalBytes {
			return fmt.Errorf("%w: too big", ErrBadArchive)
		}
		p := filepath.Join(dest, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, io.LimitReader(tr, h.Size))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrBadArchive, err)
		}
	}
}

// Install verifies a pack and, only if it checks out, unpacks it into
// packsDir/VERSION and points packsDir/current at it (written atomically).
// On any failure the previous pack stays current. It returns the new pack's
// directory.
func Install(keys []ed25519.PublicKey, packsDir, version string, archive []byte, signature string) (string, error) {
	return InstallChecked(keys, packsDir, version, archive, signature, nil)
}

// InstallChecked is Install with one more test before the pack becomes
// current: check, if not nil, is given the unpacked folder (such as the
// content loader's validation); an error keeps the previous pack current.
func InstallChecked(keys []ed25519.PublicKey, packsDir, version string, archive []byte, signature string, check func(dir string) error) (string, error) {
	if version == "" || strings.ContainsAny(version, `/\`) || strings.HasPrefix(version, ".") {
		return "", fmt.Errorf("bad pack version %q", version)
	}
	if err := Verify(keys, version, archive, signature); err != nil {
		return "", err
	}
	if err := os.MkdirAll(packsDir, 0o755); err != nil {
		return "", err
	}
	final := filepath.Join(packsDir, version)
	if _, err := os.Stat(final); err != nil {
		tmp, err := os.MkdirTemp(packsDir, ".incoming-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp)
		if err := Extract(archive, filepath.Join(tmp, "pack")); err != nil {
			return "", err
		}
		if check != nil {
			if err := check(filepath.Join(tmp, "pack")); err != nil {
				return "", fmt.Errorf("pack %s refused: %w", version, err)
			}
		}
		if err := os.Rename(filepath.Join(tmp, "pack"), final); err != nil {
			return "", err
		}
	}
	cur := filepath.Join(packsDir, ".current.tmp")
	if err := os.WriteFile(cur, []byte(version+"\n"), 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(cur, filepath.Join(packsDir, "current")); err != nil {
		return "", err
	}
	return final, nil
}

// Current returns the directory of the installed pack, or "" if none.
func Current(packsDir string) string {
	b, err := os.ReadFile(filepath.Join(packsDir, "current"))
	if err != nil {
		return ""
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return ""
	}
	return filepath.Join(packsDir, v)
}
