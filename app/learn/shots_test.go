package learn_test

import (
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestWholeModuleFits plays the mouse module at 1024×768 and 1920×1080 with
// the kiosk's theme: every step's buttons lie inside the window, are at
// least 48 units high, and the window never grows. With TREMPLIN_SHOTS set,
// each step is saved there as a picture to be looked at.
func TestWholeModuleFits(t *testing.T) {
	for _, size := range []fyne.Size{fyne.NewSize(1024, 768), fyne.NewSize(1920, 1080)} {
		name := strconv.Itoa(int(size.Width)) + "x" + strconv.Itoa(int(size.Height))
		t.Run(name, func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(kiosktheme.New())
			h := newHost(t)
			j := openJournal(t, filepath.Join(t.TempDir(), "journal.db"))
			defer j.Close()
			p, w := start(t, h, j, "la-souris", "L-shots", 0)
			w.Resize(size)
			dir := os.Getenv("TREMPLIN_SHOTS")
			shot := func(label string) {
				if dir == "" {
					return
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				out, err := os.Create(filepath.Join(dir, "module-"+name+"-"+label+".png"))
				if err != nil {
					t.Fatal(err)
				}
				defer out.Close()
				if err := png.Encode(out, w.Canvas().Capture()); err != nil {
					t.Fatal(err)
				}
			}
			inside := func(what string, o fyne.CanvasObject) {
				t.Helper()
				if !o.Visible() {
					return
				}
				pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
				c := w.Canvas().Size()
				if pos.X < 0 || pos.Y < 0 || pos.X+o.Size().Width > c.Width+1 || pos.Y+o.Size().Height > c.Height+1 {
					t.Errorf("%s: %s at %v size %v is outside the %v window", name, what, pos, o.Size(), c)
				}
				if o.Size().Height < 48 {
					t.Errorf("%s: %s is %v high, under 48", name, what, o.Size().Height)
				}
			}
			for step := 0; p.End == nil; step++ {
				if c := w.Canvas().Size(); c.Width > size.Width || c.Height > size.Height {
					t.Errorf("step %d needs %v, more than %v", step, c, size)
				}
				inside("Revenir", p.Back)
				inside("Continuer", p.Continue)
				inside("Valider", p.Validate)
				inside("Écouter", p.Replay)
				inside("J'arrête", p.Quit)
				shot(strconv.Itoa(step) + "-" + p.Run().Current().Kind)
				if it, ok := p.Run().Item(); ok {
					if p.Question != nil {
						for i, c := range p.Question.Choices {
							inside("choice "+strconv.Itoa(i), c)
						}
						answerRight(t, p.Question)
						test.Tap(p.Validate)
					} else if !drive(t, w, it, p.Sandbox) {
						t.Fatalf("no driver for %s", it.Kind)
					}
					shot(strconv.Itoa(step) + "-feedback")
				}
				test.Tap(p.Continue)
			}
			shot("end")
			inside("Un autre module", p.End.Other)
			inside("Accueil", p.End.Home)
			_ = journal.Filter{}
		})
	}
}
