package app_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
)

// TestSheetsFolderSetting: behind the PIN, the mediator chooses where
// sheets go; a folder that cannot take them is refused in plain French and
// the folder kept stays; a good one is kept in the journal state, and
// "Dossier par défaut" puts back DATA_DIR/sheets.
func TestSheetsFolderSetting(t *testing.T) {
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	def := filepath.Join(t.TempDir(), "sheets")
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
		Mediator: &fakeMediator{hash: h}, Sheets: def})
	f.k.Show(f.w)
	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	m := f.k.Mediator
	keepShot(t, f, "mediator")
	test.Tap(m.Sheets)
	s := m.SheetsPanel
	if s == nil || f.k.Mediator != m {
		t.Fatal("the sheets setting did not open in the mediator area")
	}
	if s.Folder.Text != def || !strings.Contains(s.Printer.Text, "Pas d'imprimante") {
		t.Fatalf("shows folder %q, printer %q", s.Folder.Text, s.Printer.Text)
	}
	state := func() string {
		v, err := f.j.State(context.Background(), app.SheetsKey)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	file := filepath.Join(t.TempDir(), "a-file.pdf")
	os.WriteFile(file, nil, 0o644)
	bad := []struct{ dir, says string }{
		{"", "Indiquez un dossier"},
		{"sheets", "n'est pas un chemin complet"},
		{filepath.Join(t.TempDir(), "usb-absente"), "n'existe pas. La clé USB est-elle branchée"},
		{file, "est un fichier, pas un dossier"},
	}
	if runtime.GOOS == "linux" {
		bad = append(bad, struct{ dir, says string }{"/proc", "Impossible d'écrire dans /proc"}) // read-only, even for root
	}
	keepShot(t, f, "sheets-settings")
	for _, c := range bad {
		s.Folder.SetText(c.dir)
		test.Tap(s.Save)
		if !strings.Contains(s.Message.Text, c.says) {
			t.Errorf("folder %q: message %q, want %q", c.dir, s.Message.Text, c.says)
		}
		if state() != "" {
			t.Fatalf("folder %q was kept", c.dir)
		}
	}
	keepShot(t, f, "sheets-settings-refused")
	usb := t.TempDir()
	s.Folder.SetText(usb + "/")
	test.Tap(s.Save)
	if state() != usb || !strings.Contains(s.Message.Text, usb) {
		t.Fatalf("good folder: kept %q, message %q", state(), s.Message.Text)
	}
	if entries, _ := os.ReadDir(usb); len(entries) != 0 {
		t.Errorf("the check left files behind: %v", entries)
	}
	test.Tap(m.SheetsBack)
	if f.k.Mediator == nil || f.k.Mediator.SheetsPanel != nil {
		t.Fatal("Retour did not go back to the mediator screen")
	}
	test.Tap(f.k.Mediator.Sheets)
	s = f.k.Mediator.SheetsPanel
	if s.Folder.Text != usb {
		t.Fatalf("the kept folder shows as %q", s.Folder.Text)
	}
	test.Tap(s.Default)
	if state() != "" || s.Folder.Text != def {
		t.Fatalf("default: kept %q, shows %q", state(), s.Folder.Text)
	}
}
