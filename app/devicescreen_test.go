package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/device"
	"github.com/tremplin-numerique/tremplin/app/paths"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestDeviceSettings: in the mediator area's settings, bad input is said
// in plain French and changes nothing (what was typed stays); good input
// is kept in the journal state, journaled as changed by the mediator
// session, and takes effect: the next visit starts in English at 40 %, the
// kiosk waits 5 minutes (not 3) before asking an idle visitor, the
// visitor's sheet goes to the named printer and shows the site's new name,
// and the settings survive a restart. The PIN changes only with the right
// current PIN and a new 6-digit PIN typed twice; then only the new one
// opens the mediator area.
func TestDeviceSettings(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	med := &fakeMediator{hash: h, j: f.j}
	voice := &settingsVoice{volume: 1}
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	var printedOn string
	var printed []byte
	skill := f.pack.Domains[0].Competences[0].Skills[0].ID
	cfg := app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: voice, Sound: voice, Mediator: med,
		Site: "Site du serveur", Now: func() time.Time { return now },
		PrintTo: func(name string, pdf []byte) error { printedOn, printed = name, pdf; return nil },
		// A short diagnostic, so the visitor gets a sheet quickly.
		NewDiagnostic: func(p *content.Pack, seed uint64) (app.Diagnostic, error) {
			return paths.ShortTest(app.ItemBank(p), []string{skill}, nil, seed)
		}}
	f.k = app.New(cfg)
	f.k.Show(f.w)

	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	test.Tap(f.k.Mediator.Settings)
	s := f.k.Device
	if s == nil {
		t.Fatal("no settings screen")
	}
	keepShot(t, f, "mediator-settings")

	state := func(key string) string {
		v, err := f.j.State(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Bad input, one field at a time: said, nothing saved, nothing lost.
	s.Site.SetText("Tiers-lieu des Combes")
	s.Language.SetSelected(f.cat.T("lang.en"))
	s.Printer.SetText("Brother_HL")
	for _, c := range []struct {
		field *string
		entry func(string)
		bad   string
		want  string
	}{
		{entry: s.Volume.SetText, bad: "fort", want: "Le volume doit être un nombre entier de 0 à 100"},
		{entry: s.Volume.SetText, bad: "140", want: "Le volume doit être"},
		{entry: s.Idle.SetText, bad: "0", want: "L'attente doit être un nombre entier de minutes, de 1 à 30"},
		{entry: s.Printer.SetText, bad: "Mon imprimante", want: "Ce nom d'imprimante ne convient pas"},
		{entry: s.Site.SetText, bad: strings.Repeat("Lieu ", 20), want: "Le nom du lieu est trop long"},
	} {
		c.entry(c.bad)
		test.Tap(s.Save)
		if !strings.Contains(s.Message.Text, c.want) {
			t.Errorf("%q: message %q, want %q", c.bad, s.Message.Text, c.want)
		}
		if state(device.VolumeKey) != "" || state(device.SiteKey) != "" {
			t.Fatalf("bad input %q saved something", c.bad)
		}
		if s.Site.Text == "" || s.Printer.Text == "" {
			t.Fatal("bad input lost what was typed")
		}
		switch c.bad {
		case "fort", "140":
			s.Volume.SetText("40")
		case "0":
			s.Idle.SetText("5")
		case "Mon imprimante":
			s.Printer.SetText("Brother_HL")
		default:
			s.Site.SetText("Tiers-lieu des Combes")
		}
	}
	test.Tap(s.Save)
	if s.Message.Text != f.cat.T("device.saved") {
		t.Fatalf("saving good settings said %q", s.Message.Text)
	}
	for key, want := range map[string]string{device.SiteKey: "Tiers-lieu des Combes", device.LanguageKey: "en", device.VolumeKey: "40",
		device.IdleKey: "5", device.PrinterKey: "Brother_HL"} {
		if got := state(key); got != want {
			t.Errorf("state %s = %q, want %q", key, got, want)
		}
	}
	evs, _ := f.j.Events(ctx, journal.Filter{Type: event.TypeDeviceSettingsChanged})
	var ch event.DeviceSettingsChanged
	if len(evs) != 1 || event.DecodeInto(evs[0].Payload, &ch) != nil || len(ch.Keys) != 5 || ch.MediatorSession == "" {
		t.Errorf("journaled %+v", ch)
	}

	// The PIN: wrong current one, a new one too short, typed differently.
	for _, c := range []struct{ old, new, again, want string }{
		{"111111", "135790", "135790", "Le code actuel ne convient pas"},
		{"246813", "13579", "13579", "exactement 6 chiffres"},
		{"246813", "13579a", "13579a", "exactement 6 chiffres"},
		{"246813", "135790", "135791", "ne sont pas pareils"},
	} {
		s.OldPIN.SetText(c.old)
		s.NewPIN.SetText(c.new)
		s.Again.SetText(c.again)
		test.Tap(s.ChangePIN)
		if !strings.Contains(s.PINMessage.Text, c.want) {
			t.Errorf("PIN %s→%s/%s: %q, want %q", c.old, c.new, c.again, s.PINMessage.Text, c.want)
		}
		if !pin.Verify("246813", med.hash) {
			t.Fatal("the PIN changed on bad input")
		}
	}
	s.OldPIN.SetText("246813")
	s.NewPIN.SetText("135790")
	s.Again.SetText("135790")
	test.Tap(s.ChangePIN)
	if !pin.Verify("135790", med.hash) || s.PINMessage.Text != f.cat.T("device.pin_changed") {
		t.Fatalf("the PIN did not change: %q", s.PINMessage.Text)
	}
	keepShot(t, f, "mediator-settings-saved")

	// The next visit: English, 40 %.
	test.Tap(s.Back)
	test.Tap(f.k.Mediator.Back)
	if got := f.k.Visit().Settings; got.Language != "en" || got.Volume != 0.4 {
		t.Errorf("the next visit starts with %+v", got)
	}
	if voice.volume != 0.4 || f.cat.Language() != "en" || f.k.Welcome == nil {
		t.Errorf("the welcome screen: volume %v, in %s", voice.volume, f.cat.Language())
	}
	keepShot(t, f, "welcome-after-settings")

	// Idle: not asked after 3 minutes, asked after 5.
	startTest(f.k)
	if f.k.Question == nil {
		t.Fatal("no question")
	}
	now = now.Add(app.IdleAsk + time.Second)
	f.k.CheckIdle()
	if f.k.Asking != nil {
		t.Error("asked after the default 3 minutes, not the 5 set")
	}
	now = now.Add(2 * time.Minute)
	f.k.CheckIdle()
	if f.k.Asking == nil {
		t.Fatal("not asked after the 5 minutes set")
	}
	test.Tap(f.k.Asking.Yes)

	// The visitor's sheet: on the named printer, with the site's new name.
	for i := 0; f.k.Question != nil; i++ {
		f.answer(t, i)
		test.Tap(f.k.Question.Continue)
	}
	if f.k.Results == nil {
		t.Fatal("no results")
	}
	test.Tap(f.k.Results.Print)
	if printedOn != "Brother_HL" {
		t.Fatalf("printed on %q, want Brother_HL", printedOn)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		in := filepath.Join(t.TempDir(), "sheet.pdf")
		os.WriteFile(in, printed, 0o644)
		out, err := exec.Command("pdftotext", in, "-").Output()
		if err != nil || !strings.Contains(string(out), "Tiers-lieu des Combes") || strings.Contains(string(out), "Site du serveur") {
			t.Errorf("the sheet does not name the site set (%v):\n%s", err, out)
		}
	}

	// A restart keeps the settings; only the new PIN opens the area.
	f.k.EndVisit()
	f.cat.SetLanguage("fr")
	f.k = app.New(cfg)
	f.k.Show(f.w)
	if got := f.k.Visit().Settings; got.Language != "en" || got.Volume != 0.4 {
		t.Errorf("after a restart the visit starts with %+v", got)
	}
	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	if f.k.Mediator != nil {
		t.Fatal("the old PIN still opens the mediator area")
	}
	typePIN(f.k.PIN, "135790")
	if f.k.Mediator == nil {
		t.Fatal("the new PIN does not open the mediator area")
	}
}
