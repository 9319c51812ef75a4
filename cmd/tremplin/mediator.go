package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/client"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// pinKey is where the mediator PIN's argon2id hash lives in the journal's
// device state (never synced: each device has its own PIN).
const pinKey = "mediator.pin"

// mediator backs the kiosk's mediator area with the journal and the sync
// client.
type mediator struct {
	j    *journal.Journal
	quit func()
}

func (m *mediator) PINHash() string {
	h, err := m.j.State(context.Background(), pinKey)
	if err != nil {
		slog.Error("read mediator PIN", "err", err)
		return ""
	}
	return h
}

// SetPINHash stores a new PIN's hash (the mediator changed it in the
// device settings).
func (m *mediator) SetPINHash(hash string) error {
	if err := m.j.SetState(context.Background(), pinKey, hash); err != nil {
		return fmt.Errorf("store mediator PIN: %w", err)
	}
	return nil
}

func (m *mediator) SyncStatus() (journal.SyncStatus, error) { return client.Status(m.j) }

func (m *mediator) Learners() (int, error) {
	ls, err := m.j.Learners(context.Background())
	return len(ls), err
}

func (m *mediator) SyncNow(ctx context.Context) error {
	_, err := client.SyncOnce(ctx, m.j)
	var se *client.Error
	if errors.As(err, &se) {
		return errors.New(se.Plain())
	}
	return err
}

func (m *mediator) Quit() { m.quit() }

// Erase forgets a learner on this device: the tombstone syncs the erasure,
// the learner's events are deleted and the file keeps no copy of them.
func (m *mediator) Erase(ctx context.Context, learnerID, reason string) error {
	_, err := m.j.Erase(ctx, learnerID, reason)
	return err
}

// runPIN sets the mediator PIN, read from standard input.
func runPIN(j *journal.Journal, cat *i18n.Catalogue, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stdout, cat.T("cli.pin_prompt"))
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(stderr, cat.T("cli.pin_none"))
		return 1
	}
	p := strings.TrimSpace(line)
	h, err := pin.Hash(p)
	if err != nil {
		fmt.Fprintln(stderr, cat.T("cli.pin_bad", "n", fmt.Sprint(pin.MinLength)))
		return 1
	}
	if err := j.SetState(context.Background(), pinKey, h); err != nil {
		fmt.Fprintln(stderr, "tremplin pin:", err)
		return 1
	}
	fmt.Fprintln(stdout, cat.T("cli.pin_set"))
	return 0
}

// runEnroll links this device to a server with a single-use code.
func runEnroll(j *journal.Journal, o *options, cat *i18n.Catalogue, stdout, stderr io.Writer) int {
	server, code, packKey := o.server, o.code, o.packKey
	if server == "" || code == "" {
		fmt.Fprintln(stderr, cat.T("cli.enroll_usage"))
		return 2
	}
	if packKey != "" {
		if err := addPackKey(context.Background(), j, packKey); err != nil {
			fmt.Fprintln(stderr, cat.T("cli.bad_pack_key", "err", err.Error()))
			return 2
		}
	}
	if err := client.New(j, client.Options{Insecure: o.insecure}).Enroll(context.Background(), server, code); err != nil {
		fmt.Fprintln(stderr, plainSyncError(cat, err))
		return 1
	}
	st, _ := client.Status(j)
	fmt.Fprintln(stdout, cat.T("cli.enrolled", "site", st.SiteName, "url", st.ServerURL))
	return 0
}

// runSync syncs until everything is sent (a busy server only pauses it,
// up to maxTime) and says what happened.
func runSync(j *journal.Journal, maxTime time.Duration, cat *i18n.Catalogue, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := client.New(j, client.Options{Logger: slog.Default()}).SyncUntilDone(ctx, maxTime)
	if rep.Reidentified != "" {
		st, _ := client.Status(j)
		fmt.Fprintln(stdout, cat.T("sync.cli.reidentified", "name", st.DeviceName))
	}
	if err != nil {
		fmt.Fprintln(stderr, plainSyncError(cat, err))
		return 1
	}
	fmt.Fprintln(stdout, cat.T("cli.synced", "pushed", fmt.Sprint(rep.Pushed), "pulled", fmt.Sprint(rep.Pulled), "pending", fmt.Sprint(rep.Pending)))
	return 0
}

// runSyncLoop syncs in the background loop (backoff, Retry-After) until
// interrupted, for a device that syncs without its window.
func runSyncLoop(j *journal.Journal, cat *i18n.Catalogue, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := client.Run(ctx, j, client.Options{
		Logger: slog.Default(),
		OnSync: func(rep client.Report, err error) {
			if err != nil {
				fmt.Fprintln(stderr, plainSyncError(cat, err))
				return
			}
			slog.Info("synced", "pushed", rep.Pushed, "pulled", rep.Pulled, "pending", rep.Pending)
		},
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, plainSyncError(cat, err))
		return 1
	}
	return 0
}

// plainSyncError says a sync error in the interface's language, with the
// technical detail after it for whoever helps.
func plainSyncError(cat *i18n.Catalogue, err error) string {
	var se *client.Error
	if errors.As(err, &se) {
		return cat.T(se.MessageKey()) + " (" + err.Error() + ")"
	}
	return err.Error()
}
