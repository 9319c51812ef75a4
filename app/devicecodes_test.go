package app_test

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/device"
	"github.com/tremplin-numerique/tremplin/app/paths"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/content"
)

// TestSettingKeepsCodesAway: with "Proposer un code pour revenir"
// unticked, a visitor's results offer no picture code, after a restart
// too; ticked again, they do.
func TestSettingKeepsCodesAway(t *testing.T) {
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	skill := f.pack.Domains[0].Competences[0].Skills[0].ID
	cfg := app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
		Mediator: &fakeMediator{hash: h, j: f.j},
		NewDiagnostic: func(p *content.Pack, seed uint64) (app.Diagnostic, error) {
			return paths.ShortTest(app.ItemBank(p), []string{skill}, nil, seed)
		}}
	f.k = app.New(cfg)
	f.k.Show(f.w)

	setCodes := func(allowed bool) {
		t.Helper()
		test.Tap(f.k.Welcome.Mediator)
		typePIN(f.k.PIN, "246813")
		test.Tap(f.k.Mediator.Settings)
		s := f.k.Device
		if s.Codes.Checked == allowed {
			t.Fatalf("the box shows codes allowed=%v before the change", s.Codes.Checked)
		}
		s.Codes.SetChecked(allowed)
		test.Tap(s.Save)
		if s.Message.Text != f.cat.T("device.saved") {
			t.Fatalf("saving said %q", s.Message.Text)
		}
		test.Tap(s.Back)
		test.Tap(f.k.Mediator.Back)
	}
	keepOffered := func() bool {
		t.Helper()
		startTest(f.k)
		for i := 0; f.k.Question != nil; i++ {
			f.answer(t, i)
			test.Tap(f.k.Question.Continue)
		}
		if f.k.Results == nil {
			t.Fatal("no results")
		}
		offered := f.k.Results.Keep.Visible()
		f.k.EndVisit()
		return offered
	}

	if !keepOffered() {
		t.Fatal("by default a visitor is not offered a code")
	}
	setCodes(false)
	if v, _ := f.j.State(context.Background(), device.CodesKey); v == "" {
		t.Error("the setting is not kept in the journal state")
	}
	if keepOffered() {
		t.Error("a code is offered though the mediator turned codes off")
	}
	f.k = app.New(cfg)
	f.k.Show(f.w)
	if keepOffered() {
		t.Error("after a restart a code is offered though codes are off")
	}
	setCodes(true)
	if !keepOffered() {
		t.Error("codes turned back on, but none is offered")
	}
}
