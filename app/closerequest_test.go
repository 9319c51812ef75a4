package app_test

import (
	"testing"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
)

func TestCloseRequestAsksForMediatorPIN(t *testing.T) {
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	m := &fakeMediator{hash: h}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: m})
	f.k.Show(f.w)
	if f.k.PIN != nil {
		t.Fatal("PIN screen shown before any close request")
	}
	f.k.CloseRequested()
	s := f.k.PIN
	if s == nil {
		t.Fatal("a close request did not bring up the PIN screen")
	}
	s.Entry.SetText("24")
	f.k.CloseRequested() // Alt+F4 pressed again while typing
	if f.k.PIN != s || s.Entry.Text != "24" {
		t.Errorf("a second close request reset the PIN screen (entry %q)", f.k.PIN.Entry.Text)
	}
	s.Entry.SetText("")
	typePIN(s, "246813")
	if f.k.Mediator == nil {
		t.Fatal("the right PIN did not open the mediator area")
	}
	f.k.CloseRequested()
	if f.k.Mediator == nil || m.quits.Load() != 0 {
		t.Errorf("a close request in the mediator area: area shown %v, quits %d", f.k.Mediator != nil, m.quits.Load())
	}
}
