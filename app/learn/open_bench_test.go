package learn_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/learn"
	"github.com/tremplin-numerique/tremplin/app/learn/progress"
	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
)

// benchOpen opens module id b.N times, at step 0 or at its first sandbox:
// module.started journaled (fsync), the step's widgets built, laid out in a
// 1024×768 window and its voice asked for. The pack is loaded once, as in
// the kiosk. Painting is left out: the test driver paints in software
// (about 190 ms a 1024×768 frame here), the kiosk with OpenGL.
func benchOpen(b *testing.B, id string, sandboxStep bool) {
	a := test.NewTempApp(b)
	a.Settings().SetTheme(kiosktheme.New())
	h := newHost(b)
	j := openJournal(b, filepath.Join(b.TempDir(), "journal.db"))
	defer j.Close()
	m, _ := h.pack.Module(id)
	step := 0
	if sandboxStep {
		for i, s := range m.Flow() {
			if it, ok := h.pack.Item(s.Practice); ok && it.Practice != nil {
				step = i
				break
			}
		}
	}
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1024, 768))
	defer w.Close()
	now := func() time.Time { return t0 }
	b.ResetTimer()
	for b.Loop() {
		run, err := progress.Start(context.Background(), progress.Options{Pack: h.pack, Module: m, LearnerID: "bench", Store: j, Step: step})
		if err != nil {
			b.Fatal(err)
		}
		p := learn.NewPlayer(h, run, learn.Options{Seed: 1, Now: now})
		w.SetContent(p.View())
		if sandboxStep && p.Sandbox == nil {
			b.Fatal("no sandbox on screen")
		}
	}
}

// BenchmarkOpenModule: a module opened at its first step.
func BenchmarkOpenModule(b *testing.B) { benchOpen(b, "le-navigateur", false) }

// BenchmarkOpenSandbox: a module opened (resumed) at its first sandbox, the
// mock browser.
func BenchmarkOpenSandbox(b *testing.B) { benchOpen(b, "le-navigateur", true) }
