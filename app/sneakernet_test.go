package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

type fakeStick struct {
	dirs []string
	fail error
}

func (s *fakeStick) Sticks() []string { return []string{"/media/ailleurs"} }
func (s *fakeStick) ExportBundle(_ context.Context, dir string) (string, error) {
	s.dirs = append(s.dirs, "export "+dir)
	return "12 réponses copiées", s.fail
}
func (s *fakeStick) ImportBundle(_ context.Context, dir string) (string, error) {
	s.dirs = append(s.dirs, "import "+dir)
	return "Importé : 3 nouveautés", s.fail
}

// TestStickButtons: the mediator area's "Copier sur une clé USB" and
// "Importer depuis une clé USB" work on the stick's folder and say what
// happened, or the plain-words error.
func TestStickButtons(t *testing.T) {
	f := newFixture(t)
	h, _ := pin.Hash("246813")
	m := &fakeMediator{hash: h, status: journal.SyncStatus{Pending: 12}}
	st := &fakeStick{}
	ui := make(chan func(), 1)
	stickDir := t.TempDir()
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Mediator: m, Sneakernet: st,
		Exports: stickDir, Do: func(fn func()) { ui <- fn }})
	f.k.Show(f.w)
	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	p := f.k.Mediator.Stick
	if p == nil || p.Export.Text != "Copier sur une clé USB" || p.Import.Text != "Importer depuis une clé USB" {
		t.Fatalf("stick panel: %+v", p)
	}
	wait := func() {
		t.Helper()
		select {
		case fn := <-ui:
			fn()
		case <-time.After(3 * time.Second):
			t.Fatal("the stick job never finished")
		}
	}
	test.Tap(p.Export)
	if !p.Export.Disabled() || !strings.Contains(p.Message.Text, "Ne retirez pas la clé") {
		t.Errorf("during the copy: disabled %v, %q", p.Export.Disabled(), p.Message.Text)
	}
	wait()
	if p.Export.Disabled() || !strings.Contains(p.Message.Text, "12 réponses copiées") || !strings.Contains(p.Message.Text, "Vous pouvez retirer la clé") {
		t.Errorf("after the copy: %q", p.Message.Text)
	}
	test.Tap(p.Import)
	wait()
	if !strings.Contains(p.Message.Text, "Importé : 3 nouveautés") {
		t.Errorf("after the import: %q", p.Message.Text)
	}
	st.fail = errors.New("Ce fichier est incomplet")
	test.Tap(p.Import)
	wait()
	if p.Message.Text != "Ce fichier est incomplet" {
		t.Errorf("after a refused import: %q", p.Message.Text)
	}
	if want := []string{"export " + stickDir, "import " + stickDir, "import " + stickDir}; strings.Join(st.dirs, "|") != strings.Join(want, "|") {
		t.Errorf("jobs %v, want %v", st.dirs, want)
	}
}
