package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/internal/kiosksetup"
)

// runKioskSetup is `tremplin kiosk-setup [--undo] [--user NAME]`, run as
// root: a dedicated account logs in automatically into a session running
// only the kiosk (see package kiosksetup).
func runKioskSetup(args []string, cat *i18n.Catalogue, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("kiosk-setup", flag.ContinueOnError)
	fset.SetOutput(stderr)
	undo := fset.Bool("undo", false, "revert what kiosk-setup changed (the account and its answers are kept)")
	user := fset.String("user", kiosksetup.DefaultUser, "the kiosk's dedicated account")
	root := fset.String("root", "/", "root of the system to set up (a system image being prepared)")
	lang := fset.String("lang", i18n.Default, "language of the messages: fr or en")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if !cat.SetLanguage(*lang) {
		fmt.Fprintln(stderr, cat.T("error.lang", "lang", *lang))
		return 2
	}
	if *root == "/" && os.Geteuid() != 0 {
		fmt.Fprintln(stderr, cat.T("setup.not_root"))
		return 1
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		fmt.Fprintln(stderr, "tremplin kiosk-setup:", err)
		return 1
	}
	o := kiosksetup.Options{Root: *root, User: *user, Exe: exe}
	if *undo {
		rep, err := kiosksetup.Undo(o)
		switch {
		case errors.Is(err, kiosksetup.ErrNotSetUp):
			fmt.Fprintln(stdout, cat.T("setup.nothing_to_undo"))
			return 0
		case err != nil:
			fmt.Fprintln(stderr, cat.T("setup.failed", "err", err.Error()))
			return 1
		}
		for _, f := range rep.Files {
			fmt.Fprintln(stdout, cat.T("setup.restored", "file", f))
		}
		fmt.Fprintln(stdout, cat.T("setup.undone", "user", rep.User))
		return 0
	}
	rep, err := kiosksetup.Setup(o)
	switch {
	case errors.Is(err, kiosksetup.ErrNoDisplayManager):
		fmt.Fprintln(stderr, cat.T("setup.no_display_manager"))
		return 1
	case err != nil:
		fmt.Fprintln(stderr, cat.T("setup.failed", "err", err.Error()))
		return 1
	}
	if rep.UserCreated {
		fmt.Fprintln(stdout, cat.T("setup.user_created", "user", rep.User))
	}
	for _, f := range rep.Files {
		fmt.Fprintln(stdout, cat.T("setup.wrote", "file", f))
	}
	fmt.Fprintln(stdout, cat.T("setup.done", "user", rep.User, "dm", strings.Join(rep.DisplayManager, ", ")))
	return 0
}

// runKioskSession is `tremplin kiosk-session [kiosk flags]`, the whole X
// session of the kiosk account: `tremplin --kiosk`, started again whenever
// it stops, until a mediator quits it.
func runKioskSession(args []string, stderr io.Writer) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "tremplin kiosk-session:", err)
		return 1
	}
	// A public screen must not go blank or lock while a visitor reads.
	if xset, err := exec.LookPath("xset"); err == nil {
		_ = exec.Command(xset, "s", "off", "-dpms", "s", "noblank").Run()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	kiosksetup.Session(ctx, kiosksetup.SessionConfig{
		Run: func(ctx context.Context) (int, error) {
			cmd := exec.CommandContext(ctx, exe, append([]string{"--kiosk"}, args...)...)
			cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
			// The session is closing: let the kiosk close its journal.
			cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
			cmd.WaitDelay = 10 * time.Second
			err := cmd.Run()
			return cmd.ProcessState.ExitCode(), err
		},
		Sleep: func(ctx context.Context, d time.Duration) {
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
		},
		Now: time.Now,
	})
	return 0
}
