package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/tremplin-numerique/tremplin/sync/packsign"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

func packKeygen(args []string) error {
	fs := flag.NewFlagSet("pack keygen", flag.ContinueOnError)
	out := fs.String("out", "", "file for the private key (kept offline)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("pack keygen: --out is required")
	}
	pub, priv, err := packsign.GenerateKey()
	if err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, priv); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, pub)
	fmt.Fprintln(os.Stderr, "public key above: build it into the kiosk; private key in", *out)
	return nil
}

func packPublish(ctx context.Context, store *server.Store, args []string) error {
	fs := flag.NewFlagSet("pack publish", flag.ContinueOnError)
	keyFile := fs.String("key", "", "private key file from pack keygen")
	version := fs.String("version", "", "pack version")
	dir := fs.String("dir", "", "pack directory to archive")
	archive := fs.String("archive", "", "existing tar.gz")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *keyFile == "" || *version == "" || (*dir == "") == (*archive == "") {
		return errors.New("pack publish: --key, --version and one of --dir or --archive are required")
	}
	if !server.ValidPackVersion(*version) {
		return fmt.Errorf("pack publish: version %q: 1 to 64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit, no '..'", *version)
	}
	key, err := readPrivateKey(*keyFile)
	if err != nil {
		return err
	}
	var data []byte
	if *dir != "" {
		data, err = packsign.Archive(*dir)
	} else {
		data, err = os.ReadFile(*archive)
	}
	if err != nil {
		return err
	}
	info := wire.PackInfo{Version: *version, SHA256: packsign.SHA256(data), Size: int64(len(data)), Signature: packsign.Sign(key, *version, data)}
	if err := store.PublishPack(ctx, info, data); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "published %s (%d bytes, sha256 %s)\n", info.Version, info.Size, info.SHA256)
	return nil
}

// packSign signs a pack offline for an upload on the dashboard's content
// page: it writes the archive (from --dir) and prints the signature.
func packSign(args []string) error {
	fs := flag.NewFlagSet("pack sign", flag.ContinueOnError)
	keyFile := fs.String("key", "", "private key file from pack keygen")
	version := fs.String("version", "", "pack version")
	dir := fs.String("dir", "", "pack directory to archive")
	archive := fs.String("archive", "", "existing tar.gz")
	out := fs.String("out", "", "where to write the archive made from --dir")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *keyFile == "" || *version == "" || (*dir == "") == (*archive == "") || (*dir != "" && *out == "") {
		return errors.New("pack sign: --key, --version and --dir DIR --out FILE.tar.gz or --archive FILE are required")
	}
	key, err := readPrivateKey(*keyFile)
	if err != nil {
		return err
	}
	var data []byte
	if *dir != "" {
		if data, err = packsign.Archive(*dir); err == nil {
			err = os.WriteFile(*out, data, 0o644)
		}
	} else {
		data, err = os.ReadFile(*archive)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, packsign.Sign(key, *version, data))
	return nil
}

// readPrivateKey reads a key file made by pack keygen.
func readPrivateKey(file string) (ed25519.PrivateKey, error) {
	kb, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	key, err := packsign.ParsePrivateKey(string(kb))
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", file, err)
	}
	return key, nil
}
