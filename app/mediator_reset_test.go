package app_test

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestMediatorSaysJournalWasRestored: when sync found the journal restored
// from an older copy, the mediator area says so in plain words (with the
// advice on the data folder), the last error in the interface's language,
// and the Synchroniser button stays in the 1024×768 window.
func TestMediatorSaysJournalWasRestored(t *testing.T) {
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	m := &fakeMediator{hash: h, status: journal.SyncStatus{Enrolled: true, ServerURL: "https://serveur.exemple", SiteName: "Médiathèque",
		LastError: "Pas de connexion…", ErrorKind: "network", Resets: 1, ResetReason: journal.IdentityRestored,
		Reset: time.Date(2026, 11, 28, 9, 30, 0, 0, time.Local)}}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: m,
		Do: func(fn func()) { fn() }})
	f.k.Show(f.w)
	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	s := f.k.Mediator
	if s == nil {
		t.Fatal("no mediator area")
	}
	for _, want := range []string{"remis à un état antérieur", "28/11/2026 09:30", "partition", "Pas de connexion avec le serveur"} {
		if !strings.Contains(s.Problem.Text, want) {
			t.Errorf("problem text lacks %q: %q", want, s.Problem.Text)
		}
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.Quit)
	if pos.X+s.Quit.Size().Width > 1025 || pos.Y < 0 {
		t.Errorf("Quitter at %v is outside the window", pos)
	}
	if dir := os.Getenv("TREMPLIN_SHOTS"); dir != "" {
		os.MkdirAll(dir, 0o755)
		out, err := os.Create(filepath.Join(dir, "headless-mediator-restored.png"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		png.Encode(out, f.w.Canvas().Capture())
	}
}
