package app_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

type fakeMediator struct {
	hash   string
	status journal.SyncStatus
	syncs  atomic.Int32
	quits  atomic.Int32
	// j, when set, is the journal Erase erases from.
	j *journal.Journal
}

func (m *fakeMediator) PINHash() string                         { return m.hash }
func (m *fakeMediator) SetPINHash(h string) error               { m.hash = h; return nil }
func (m *fakeMediator) SyncStatus() (journal.SyncStatus, error) { return m.status, nil }
func (m *fakeMediator) Learners() (int, error)                  { return 3, nil }
func (m *fakeMediator) SyncNow(context.Context) error {
	m.syncs.Add(1)
	m.status.Pending = 0
	m.status.LastSuccess = time.Now()
	return nil
}
func (m *fakeMediator) Quit() { m.quits.Add(1) }
func (m *fakeMediator) Erase(ctx context.Context, id, reason string) error {
	if m.j == nil {
		return nil
	}
	_, err := m.j.Erase(ctx, id, reason)
	return err
}

func typePIN(s *app.PINScreen, digits string) {
	for _, d := range digits {
		test.Tap(s.Keys[d-'0'])
	}
	test.Tap(s.OK)
}

func TestMediatorAreaBehindPIN(t *testing.T) {
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	m := &fakeMediator{hash: h, status: journal.SyncStatus{Enrolled: true, ServerURL: "https://serveur.exemple", SiteName: "Médiathèque", Pending: 12, LastError: "Le serveur ne répond pas.", ErrorKind: "network"}}
	ui := make(chan func(), 1)
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: m,
		Do: func(fn func()) { ui <- fn }})
	f.k.Show(f.w)

	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "111111")
	if f.k.Mediator != nil || !strings.Contains(f.k.PIN.Message.Text, "ne convient pas") {
		t.Fatalf("wrong PIN: mediator %v, message %q", f.k.Mediator != nil, f.k.PIN.Message.Text)
	}
	typePIN(f.k.PIN, "246813")
	s := f.k.Mediator
	if s == nil {
		t.Fatal("right PIN did not open the mediator area")
	}
	if !strings.Contains(s.Pending.Text, "12") || !strings.Contains(s.Problem.Text, "Pas de connexion avec le serveur") || !strings.Contains(s.Server.Text, "Médiathèque") {
		t.Errorf("status shown: %q / %q / %q", s.Pending.Text, s.Problem.Text, s.Server.Text)
	}
	test.Tap(s.SyncNow)
	select { // the sync's result, shown on the test's goroutine as on the UI's
	case fn := <-ui:
		fn()
	case <-time.After(3 * time.Second):
		t.Fatal("Synchroniser maintenant never finished")
	}
	if m.syncs.Load() != 1 || !strings.Contains(s.Pending.Text, ": 0") {
		t.Errorf("sync now: %d syncs, pending %q", m.syncs.Load(), s.Pending.Text)
	}
	test.Tap(s.Quit)
	if m.quits.Load() != 0 || f.k.ConfirmQuit == nil {
		t.Fatal("Quitter Tremplin quit without asking")
	}
	test.Tap(f.k.ConfirmQuit.No)
	if m.quits.Load() != 0 || f.k.ConfirmQuit != nil || f.k.Mediator == nil {
		t.Fatal("Non, rester did not stay in the mediator area")
	}
	test.Tap(s.Quit)
	test.Tap(f.k.ConfirmQuit.Yes)
	if m.quits.Load() != 1 {
		t.Error("Oui, quitter did not quit")
	}
}

func TestPINLocksAfterTooManyTries(t *testing.T) {
	f := newFixture(t)
	h, _ := pin.Hash("246813")
	m := &fakeMediator{hash: h}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: m})
	f.k.Show(f.w)
	test.Tap(f.k.Welcome.Mediator)
	for range 5 {
		typePIN(f.k.PIN, "000000")
	}
	if !strings.Contains(f.k.PIN.Message.Text, "Attendez") {
		t.Fatalf("after 5 wrong PINs: %q", f.k.PIN.Message.Text)
	}
	typePIN(f.k.PIN, "246813")
	if f.k.Mediator != nil {
		t.Error("the right PIN opened the area while locked")
	}
}

// TestNoPINKeepsAreaLocked: with no PIN the area stays locked and the
// screen says how to set one, naming the data folder; a PIN set with
// tremplin pin while the screen is open works without reopening it.
func TestNoPINKeepsAreaLocked(t *testing.T) {
	f := newFixture(t)
	m := &fakeMediator{}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: m,
		DataDir: "/srv/mon tremplin"})
	f.k.Show(f.w)
	test.Tap(f.k.Welcome.Mediator)
	if !strings.Contains(f.k.PIN.Message.Text, `tremplin pin --data-dir "/srv/mon tremplin"`) {
		t.Errorf("no PIN set: message %q", f.k.PIN.Message.Text)
	}
	typePIN(f.k.PIN, "246813")
	if f.k.Mediator != nil {
		t.Fatal("the area opened with no PIN set")
	}
	// The mediator runs tremplin pin in a terminal; the screen stays open.
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	m.hash = h
	f.k.CheckIdle()
	if f.k.PIN.Message.Text != "" {
		t.Errorf("the hint stayed once a PIN was set: %q", f.k.PIN.Message.Text)
	}
	typePIN(f.k.PIN, "246813")
	if f.k.Mediator == nil {
		t.Fatal("a PIN set while the screen was open did not open the area")
	}
	test.Tap(f.k.Mediator.Back)
	test.Tap(f.k.Welcome.Mediator)
	test.Tap(f.k.PIN.Back)
	if f.k.Welcome == nil || f.k.PIN != nil {
		t.Error("Retour did not go back")
	}
}

// TestPINLockoutIsKeptAndExponential: the lock lives in the journal (a
// restarted kiosk is still locked) and follows the kiosk's clock, each
// lock twice as long as the one before.
func TestPINLockoutIsKeptAndExponential(t *testing.T) {
	f := newFixture(t)
	h, _ := pin.Hash("246813")
	m := &fakeMediator{hash: h}
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	kiosk := func() {
		f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: m,
			Now: func() time.Time { return now }})
		f.k.Show(f.w)
		test.Tap(f.k.Welcome.Mediator)
	}
	kiosk()
	for range 4 {
		typePIN(f.k.PIN, "000000")
	}
	if !strings.Contains(f.k.PIN.Message.Text, "30 secondes") {
		t.Fatalf("after 4 wrong PINs: %q", f.k.PIN.Message.Text)
	}
	kiosk() // restarted
	typePIN(f.k.PIN, "246813")
	if f.k.Mediator != nil {
		t.Fatal("a restart unlocked the keypad")
	}
	now = now.Add(30 * time.Second)
	typePIN(f.k.PIN, "000000")
	if !strings.Contains(f.k.PIN.Message.Text, "60 secondes") {
		t.Fatalf("the fifth wrong PIN: %q", f.k.PIN.Message.Text)
	}
	now = now.Add(60 * time.Second)
	typePIN(f.k.PIN, "246813")
	if f.k.Mediator == nil {
		t.Fatal("the right PIN after the wait did not open the area")
	}
}

// TestSyncProblemIsTranslated: the journal keeps the problem's kind; the
// mediator reads it in the kiosk's language.
func TestSyncProblemIsTranslated(t *testing.T) {
	f := newFixture(t)
	h, _ := pin.Hash("246813")
	m := &fakeMediator{hash: h, status: journal.SyncStatus{Enrolled: true, ServerURL: "https://s", LastError: "Le serveur ne répond pas.", ErrorKind: "network"}}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: m})
	f.k.Show(f.w)
	test.Tap(f.k.Welcome.LangEN)
	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	if got := f.k.Mediator.Problem.Text; !strings.Contains(got, "No connection with the server") {
		t.Errorf("problem shown in English: %q", got)
	}
}
