package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/sync/bundle"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// stick carries the journal by USB stick (app.Sneakernet, and the
// `tremplin bundle` commands): the device's unsent answers to the server,
// the server's bundle back.
type stick struct {
	j     *journal.Journal
	cat   *i18n.Catalogue
	packs string // where content packs are installed
}

// Sticks lists the folders where removable media are mounted: under
// /media/USER, /run/media/USER or /media on Linux, drives D: to Z: on
// Windows.
func (s *stick) Sticks() []string {
	var out []string
	if runtime.GOOS == "windows" {
		for c := 'D'; c <= 'Z'; c++ {
			root := string(c) + `:\`
			if st, err := os.Stat(root); err == nil && st.IsDir() {
				out = append(out, root)
			}
		}
		return out
	}
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	seen := map[string]bool{}
	for _, base := range []string{filepath.Join("/media", name), filepath.Join("/run/media", name), "/media"} {
		entries, err := os.ReadDir(base)
		if err != nil {
			continue
		}
		for _, e := range entries {
			p := filepath.Join(base, e.Name())
			if !e.IsDir() || seen[p] || (base == "/media" && e.Name() == name) {
				continue
			}
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// ExportBundle writes the device's unsent answers into dir.
func (s *stick) ExportBundle(ctx context.Context, dir string) (string, error) {
	r, err := bundle.Export(ctx, s.j, dir)
	if err != nil {
		return "", s.plain(err)
	}
	return s.cat.T("bundle.exported", "n", strconv.Itoa(r.Events), "path", r.Path), nil
}

// ImportBundle imports the server's bundle for this device: path is the
// file, or a folder (the stick) holding it.
func (s *stick) ImportBundle(ctx context.Context, path string) (string, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		found, err := bundle.FindFor(path, bundle.KindServer, s.j.DeviceID())
		if err != nil {
			return "", s.plain(err)
		}
		if found == "" {
			return "", errors.New(s.cat.T("bundle.error.nothing"))
		}
		path = found
	}
	ctx = context.WithoutCancel(ctx) // half an import is never left: each step is one transaction
	r, err := bundle.Import(ctx, s.j, path, bundle.Options{PackKeys: packKeys(ctx, s.j), PacksDir: s.packs, CheckPack: checkPack})
	if err != nil {
		return "", s.plain(err)
	}
	lines := []string{s.cat.T("bundle.imported", "events", strconv.Itoa(r.Events), "acked", strconv.Itoa(r.Acked), "pending", strconv.Itoa(r.Pending))}
	if r.Recovered > 0 {
		lines = append(lines, s.cat.T("bundle.recovered", "n", strconv.Itoa(r.Recovered)))
	}
	if r.Reidentified != "" {
		name, _ := s.j.State(ctx, journal.StateDeviceName)
		lines = append(lines, s.cat.T("bundle.reidentified", "name", name))
	}
	if r.Restored {
		lines = append(lines, s.cat.T("bundle.restored"))
	}
	switch {
	case r.Pack != "":
		lines = append(lines, s.cat.T("bundle.pack_installed", "version", r.Pack))
	case r.PackSkipped:
		lines = append(lines, s.cat.T("bundle.pack_skipped"))
	case r.PackErr != nil:
		lines = append(lines, s.cat.T(bundle.AsError(r.PackErr).MessageKey()))
	}
	return strings.Join(lines, "\n"), nil
}

// plain says a bundle error in the interface's language.
func (s *stick) plain(err error) error {
	return errors.New(s.cat.T(bundle.AsError(err).MessageKey()))
}

// runBundle is `tremplin bundle export DIR` and `tremplin bundle import
// FILE|DIR`.
func runBundle(args []string, cat *i18n.Catalogue, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "export" && args[0] != "import") {
		fmt.Fprintln(stderr, cat.T("bundle.cli.usage"))
		return 2
	}
	o, fset, err := parse("bundle", args[1:], stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	pos := fset.Args()
	if err == nil && len(pos) > 1 {
		// Flags after the folder: tremplin bundle export /media/cle --data-dir D.
		err = fset.Parse(pos[1:])
		pos = append(pos[:1:1], fset.Args()...)
	}
	if err != nil || len(pos) != 1 {
		fmt.Fprintln(stderr, cat.T("bundle.cli.usage"))
		return 2
	}
	if !cat.SetLanguage(o.lang) {
		fmt.Fprintln(stderr, cat.T("error.lang", "lang", o.lang))
		return 2
	}
	dir, err := dataDir(o.dataDir)
	if err != nil {
		fmt.Fprintln(stderr, cat.T("error.data_dir", "path", o.dataDir, "err", err.Error()))
		return 1
	}
	j, ok := openJournal(dir, cat, stderr)
	if !ok {
		return 1
	}
	defer j.Close()
	s := &stick{j: j, cat: cat, packs: filepath.Join(dir, "packs")}
	var msg string
	ctx := context.Background()
	if args[0] == "export" {
		msg, err = s.ExportBundle(ctx, pos[0])
	} else {
		msg, err = s.ImportBundle(ctx, pos[0])
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintln(stdout, msg)
	return 0
}
