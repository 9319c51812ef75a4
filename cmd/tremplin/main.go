// Command tremplin is the kiosk: it opens the diagnostic window on the
// embedded French content (or a pack folder), keeps every answer in the
// local journal, and prints that journal for mediators.
//
//	tremplin [--data-dir D] [--kiosk] [--pack DIR] [--lang fr|en]
//	tremplin journal [--learners] [--data-dir D]
//	tremplin enroll --server URL --code CODE [--data-dir D]
//	tremplin sync --once [--data-dir D]
//	tremplin pin [--data-dir D]        (reads the new mediator PIN on stdin)
//	tremplin bundle export DIR         (unsent answers to a USB stick, for the server)
//	tremplin bundle import FILE|DIR    (the server's bundle for this device, from a stick)
//	tremplin kiosk-setup [--undo]      (as root: autologin into the kiosk)
//	tremplin kiosk-session             (that session: the kiosk, restarted)
//	tremplin --version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	// Before Fyne reads the locale: see the package comment.
	_ "github.com/tremplin-numerique/tremplin/internal/locale"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/app/readmodel"
	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/audio"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/client"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

const appID = "fr.tremplin-numerique.kiosk"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// stdin is where `tremplin pin` reads the new PIN; tests replace it.
var stdin io.Reader = os.Stdin

// options are the kiosk's command-line flags.
type options struct {
	dataDir  string
	kiosk    bool
	pack     string
	lang     string
	version  bool
	sound    bool
	server   string
	code     string
	packKey  string
	once     bool
	insecure bool
	maxTime  time.Duration
	learners bool
}

func parse(name string, args []string, stderr io.Writer) (*options, *flag.FlagSet, error) {
	o := &options{}
	fset := flag.NewFlagSet(name, flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.StringVar(&o.dataDir, "data-dir", "", "folder for the journal and settings (default: the user's data directory)")
	fset.BoolVar(&o.kiosk, "kiosk", false, "full screen, for public computers")
	fset.StringVar(&o.pack, "pack", "", "content pack folder to use instead of the embedded one")
	fset.StringVar(&o.lang, "lang", i18n.Default, "language of the interface: fr or en")
	fset.BoolVar(&o.version, "version", false, "print the version and exit")
	fset.BoolVar(&o.sound, "sound", true, "speak instructions (--sound=false for silence)")
	if name == "journal" {
		fset.BoolVar(&o.learners, "learners", false, "print each learner (picture code, diagnostics, evolution) instead of the events")
	}
	if name != "kiosk" {
		fset.StringVar(&o.server, "server", "", "enroll: the server's address; sync: sync with this address from now on")
		fset.StringVar(&o.code, "code", "", "enroll: the single-use enrolment code")
		fset.StringVar(&o.packKey, "pack-key", "", "enroll: public key (from tremplin-server admin pack keygen) that signs the site's content packs")
		fset.BoolVar(&o.once, "once", true, "sync: sync until everything is sent, then exit; --once=false keeps syncing until interrupted")
		fset.BoolVar(&o.insecure, "insecure", false, "enroll, sync --server: accept a plain http:// server that is not on this machine")
		fset.DurationVar(&o.maxTime, "max-time", 15*time.Minute, "sync --once: give up after this long when the server stays busy")
	}
	err := fset.Parse(args)
	return o, fset, err
}

func run(args []string, stdout, stderr io.Writer) int {
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		fmt.Fprintln(stderr, "tremplin:", err)
		return 1
	}
	cmd := "kiosk"
	if len(args) > 0 {
		switch args[0] {
		case "journal", "enroll", "sync", "pin":
			cmd, args = args[0], args[1:]
		case "kiosk-setup":
			return runKioskSetup(args[1:], cat, stdout, stderr)
		case "bundle":
			return runBundle(args[1:], cat, stdout, stderr)
		case "kiosk-session":
			return runKioskSession(args[1:], stderr)
		}
	}
	o, _, err := parse(cmd, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, cat.T("error.usage"))
		return 2
	}
	if !cat.SetLanguage(o.lang) {
		fmt.Fprintln(stderr, cat.T("error.lang", "lang", o.lang))
		return 2
	}
	if o.version {
		fmt.Fprintln(stdout, "tremplin", version)
		return 0
	}
	dir, err := dataDir(o.dataDir)
	if err != nil {
		fmt.Fprintln(stderr, cat.T("error.data_dir", "path", o.dataDir, "err", err.Error()))
		return 1
	}
	switch cmd {
	case "journal":
		if o.learners {
			return printLearners(dir, cat, stdout, stderr)
		}
		return printJournal(dir, cat, stdout, stderr)
	case "enroll", "sync", "pin":
		j, ok := openJournal(dir, cat, stderr)
		if !ok {
			return 1
		}
		defer j.Close()
		switch cmd {
		case "enroll":
			return runEnroll(j, o, cat, stdout, stderr)
		case "sync":
			if o.server != "" {
				if err := client.New(j, client.Options{Insecure: o.insecure}).SetServer(context.Background(), o.server); err != nil {
					fmt.Fprintln(stderr, plainSyncError(cat, err))
					return 1
				}
				st, _ := client.Status(j)
				fmt.Fprintln(stdout, cat.T("sync.cli.server_set", "url", st.ServerURL))
			}
			if !o.once {
				return runSyncLoop(j, cat, stderr)
			}
			return runSync(j, o.maxTime, cat, stdout, stderr)
		}
		return runPIN(j, cat, stdin, stdout, stderr)
	}
	return runKiosk(o, dir, cat, stderr)
}

// dataDir returns the data folder, creating it: the flag's value, else
// $XDG_DATA_HOME/tremplin, else %LOCALAPPDATA%\tremplin on Windows, else
// ~/.local/share/tremplin.
func dataDir(flagValue string) (string, error) {
	dir := flagValue
	if dir == "" {
		base := os.Getenv("XDG_DATA_HOME")
		if base == "" && runtime.GOOS == "windows" {
			base = os.Getenv("LOCALAPPDATA") // beside other programs' data, not roaming
		}
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			base = filepath.Join(home, ".local", "share")
		}
		dir = filepath.Join(base, "tremplin")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	// Prove we can write before a visitor's first answer depends on it.
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return "", err
	}
	probe.Close()
	os.Remove(probe.Name())
	return dir, nil
}

func openJournal(dir string, cat *i18n.Catalogue, stderr io.Writer) (*journal.Journal, bool) {
	path := filepath.Join(dir, "journal.db")
	j, err := journal.Open(context.Background(), path)
	switch {
	case errors.Is(err, journal.ErrCorrupt):
		fmt.Fprintln(stderr, cat.T("error.journal_corrupt", "path", path))
		return nil, false
	case errors.Is(err, journal.ErrFull):
		fmt.Fprintln(stderr, cat.T("error.disk_full"))
		return nil, false
	case err != nil:
		fmt.Fprintln(stderr, cat.T("error.journal_open", "path", path, "err", err.Error()))
		return nil, false
	}
	return j, true
}

func printJournal(dir string, cat *i18n.Catalogue, stdout, stderr io.Writer) int {
	if _, err := os.Stat(filepath.Join(dir, "journal.db")); err != nil {
		// Nothing recorded yet: an empty journal, not an error.
		return 0
	}
	j, ok := openJournal(dir, cat, stderr)
	if !ok {
		return 1
	}
	defer j.Close()
	if err := j.WriteJSONLines(context.Background(), stdout); err != nil {
		fmt.Fprintln(stderr, "tremplin journal:", err)
		return 1
	}
	return 0
}

func loadPack(dir string) (*content.Pack, error) {
	if dir == "" {
		return content.Load(assets.DefaultPack())
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	return content.Load(os.DirFS(dir))
}

func runKiosk(o *options, dir string, cat *i18n.Catalogue, stderr io.Writer) int {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(app.MemoryLimit)
	}
	cfg := app.Config{Catalogue: cat, WatchIdle: true, DataDir: dir}
	var packFS fs.FS
	if o.pack != "" {
		packFS = os.DirFS(o.pack)
		// A pack from a folder is checked before the window opens, so a
		// mistake is reported at once. The embedded pack, checked by the
		// tests, loads when the first visitor starts.
		pack, err := loadPack(o.pack)
		if err != nil {
			fmt.Fprintln(stderr, cat.T("error.pack", "path", o.pack, "err", err.Error()))
			return 1
		}
		cfg.Pack = pack
	} else {
		cfg.LoadPack = func() (*content.Pack, error) { return loadInstalledPack(filepath.Join(dir, "packs")) }
	}
	j, ok := openJournal(dir, cat, stderr)
	if !ok {
		return 1
	}
	defer j.Close()
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		// GLFW would panic; say it plainly instead.
		fmt.Fprintln(stderr, cat.T("error.no_display"))
		return 1
	}

	a := fyneapp.NewWithID(appID)
	a.Settings().SetTheme(kiosktheme.New())
	w := a.NewWindow(cat.T("app.title"))
	if o.kiosk {
		w.SetFullScreen(true)
	} else {
		w.Resize(windowSize())
	}
	cfg.Journal = j
	// The mediator's learners come from a read model kept in the journal
	// as events are written. The first open after an update builds it
	// from the events, in the background: visitors go on meanwhile, a
	// mediator opening the learners waits for it.
	roster := readmodel.New(j)
	cfg.Roster = roster
	go func() {
		start := time.Now()
		if err := roster.Attach(context.Background()); err != nil {
			slog.Error("learners read model: built again at the mediator's next reading", "err", err)
			return
		}
		slog.Info("learners read model ready", "took", time.Since(start).Round(time.Millisecond))
	}()
	cfg.Mediator = &mediator{j: j, quit: a.Quit}
	cfg.Sneakernet = &stick{j: j, cat: cat, packs: filepath.Join(dir, "packs")}
	var k *app.Kiosk
	player := openSound(!o.sound, func(st audio.Status) {
		if !st.Available {
			fyne.Do(func() { k.SetSoundOff(true) })
		}
	})
	// Clips come from the pack the kiosk loaded (a pack installed by sync
	// speaks its new texts), then from the embedded pack's own phrases.
	loaded := func(text string) (string, []byte, bool) {
		if k == nil {
			return "", nil, false
		}
		return k.Clip(text)
	}
	speaker := audio.NewSpeaker(player, clipSource(loaded, packFS, assets.DefaultPack()), nil)
	cfg.Voice, cfg.Sound, cfg.Speaking = speaker, speaker, speaker.Speaking
	cfg.Sheets = filepath.Join(dir, "sheets")
	cfg.Printer, cfg.PrinterName = printer()
	cfg.PrintTo = printTo
	if st, err := client.Status(j); err == nil && st.Enrolled {
		cfg.Site = st.SiteName
	}
	k = app.New(cfg)
	if o.kiosk {
		// On a public computer, only the mediator area's Quitter ends the
		// kiosk: a close request (Alt+F4) asks for the mediator PIN.
		w.SetCloseIntercept(func() {
			slog.Info("close request in kiosk mode: mediator PIN asked")
			k.CloseRequested()
		})
	}
	k.Show(w)
	if st, err := client.Status(j); err == nil && st.Enrolled {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		packs := filepath.Join(dir, "packs")
		go client.Run(ctx, j, client.Options{OnSync: func(rep client.Report, err error) {
			fyne.Do(k.RefreshMediator)
			k.JournalChanged()
			if err == nil && rep.PackAvailable != "" {
				fetchPack(ctx, j, packs)
			}
		}})
	}
	slog.Info("kiosk started", "version", version, "data_dir", dir, "pack", o.pack)
	go func() {
		// Give back to the system what start-up needed only once.
		time.Sleep(2 * time.Second)
		debug.FreeOSMemory()
	}()
	w.ShowAndRun()
	return 0
}
