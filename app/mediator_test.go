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
}

func (m *fakeMediator) PINHash() string                         { return m.hash }
func (m *fakeMediator) SyncStatus() (journal.SyncStatus, error) { return m.status, nil }
func (m *fakeMediator) Learners() (int, error)                  { return 3, nil }
func (m *fakeMediator) SyncNow(context.Context) error {
	m.syncs.Add(1)
	m.status.Pending = 0
	m.status.LastSuccess = time.Now()
	return nil
}
func (m *fakeMediator) Quit() { m.quits.Add(1) }

func typePIN(s *app.PINScreen, digits string) {
	for _, d := range digits {
		test.Tap(s.Keys[d-'0'])
	}
	test.Tap(s.OK)
}

func TestMediatorAreaBehindPIN(t *testing.T) {
	f := newFixture(t)
	h, err := pin.Hash("2468")
	if err != nil {
		t.Fatal(err)
	}
	m := &fakeMediator{hash: h, status: journal.SyncStatus{Enrolled: true, ServerURL: "https://serveur.exemple", SiteName: "Médiathèque", Pending: 12, LastError: "Le serveur ne répond pas."}}
	ui := make(chan func(), 1)
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: m,
		Do: func(fn func()) { ui <- fn }})
	f.k.Show(f.w)

	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "1111")
	if f.k.Mediator != nil || !strings.Contains(f.k.PIN.Message.Text, "ne convient pas") {
		t.Fatalf("wrong PIN: mediator %v, message %q", f.k.Mediator != nil, f.k.PIN.Message.Text)
	}
	typePIN(f.k.PIN, "2468")
	s := f.k.Mediator
	if s == nil {
		t.Fatal("right PIN did not open the mediator area")
	}
	if !strings.Contains(s.Pending.Text, "12") || !strings.Contains(s.Problem.Text, "ne répond pas") || !strings.Contains(s.Server.Text, "Médiathèque") {
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
	if m.quits.Load() != 1 {
		t.Error("Quitter did not quit")
	}
}

func TestPINLocksAfterTooManyTries(t *testing.T) {
	f := newFixture(t)
	h, _ := pin.Hash("2468")
	m := &fakeMediator{hash: h}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: m})
	f.k.Show(f.w)
	test.Tap(f.k.Welcome.Mediator)
	for range 5 {
		typePIN(f.k.PIN, "0000")
	}
	if !strings.Contains(f.k.PIN.Message.Text, "Attendez") {
		t.Fatalf("after 5 wrong PINs: %q", f.k.PIN.Message.Text)
	}
	typePIN(f.k.PIN, "2468")
	if f.k.Mediator != nil {
		t.Error("the right PIN opened the area while locked")
	}
}

func TestNoPINKeepsAreaLocked(t *testing.T) {
	f := newFixture(t)
	test.Tap(f.k.Welcome.Mediator)
	if !f.k.PIN.OK.Disabled() || !strings.Contains(f.k.PIN.Message.Text, "tremplin pin") {
		t.Errorf("no PIN set: OK disabled %v, message %q", f.k.PIN.OK.Disabled(), f.k.PIN.Message.Text)
	}
	test.Tap(f.k.PIN.Back)
	if f.k.Welcome == nil || f.k.PIN != nil {
		t.Error("Retour did not go back")
	}
}
