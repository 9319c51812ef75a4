package app_test

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/content"
)

// TestScreensFit renders every screen at the smallest screen we meet and
// checks what a visitor must reach is on screen. With TREMPLIN_SHOTS set,
// the pictures are kept there to be looked at.
func TestScreensFit(t *testing.T) {
	f := newFixture(t)
	f.w.Resize(fyne.NewSize(1024, 768))
	dir := os.Getenv("TREMPLIN_SHOTS")
	shot := func(name string) {
		img := f.w.Canvas().Capture()
		if img.Bounds().Dx() < 1000 {
			t.Errorf("%s: capture is %v", name, img.Bounds())
		}
		if dir == "" {
			return
		}
		os.MkdirAll(dir, 0o755)
		out, err := os.Create(filepath.Join(dir, "headless-"+name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		png.Encode(out, img)
	}
	inside := func(name string, o fyne.CanvasObject) {
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
		size := f.w.Canvas().Size()
		if pos.X < 0 || pos.Y < 0 || pos.X+o.Size().Width > size.Width+1 || pos.Y+o.Size().Height > size.Height+1 {
			t.Errorf("%s at %v size %v is outside the %v window", name, pos, o.Size(), size)
		}
		if o.Size().Height < 48 {
			t.Errorf("%s is %v high: too small a target", name, o.Size().Height)
		}
	}
	shot("welcome")
	inside("Commencer", f.k.Welcome.Start)
	test.Tap(f.k.Welcome.Start)
	seen := map[string]bool{}
	for f.k.Question != nil && len(seen) < 6 {
		q := f.k.Question
		kind := q.Item().Kind
		if !seen[kind] {
			seen[kind] = true
			shot("question-" + kind)
			inside("Valider", q.Validate)
			inside("Je ne sais pas", q.DontKnow)
			inside("Écouter", q.Speaker)
		}
		f.answer(t, 0)
		if !seen[kind+"-feedback"] {
			seen[kind+"-feedback"] = true
			shot("feedback-" + kind)
			inside("Continuer", q.Continue)
		}
		test.Tap(q.Continue)
	}
	for f.k.Question != nil {
		test.Tap(f.k.Question.DontKnow)
		if w := f.w.Canvas().Size().Width; w > 1024 {
			t.Errorf("%s (%s) widened the window to %v", f.k.Question.Item().ID, f.k.Question.Item().Kind, w)
		}
		test.Tap(f.k.Question.Continue)
	}
	if w := f.w.Canvas().Size().Width; w > 1024 {
		t.Errorf("results widened the window to %v", w)
	}
	shot("results")
	inside("Terminer", f.k.Results.Done)

	// A visit interrupted by a restart: the welcome screen also offers to
	// resume it, and both big buttons fit.
	test.Tap(f.k.Results.Done)
	test.Tap(f.k.Welcome.Start)
	f.answer(t, 0)
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice})
	f.k.Show(f.w)
	shot("welcome-resume")
	inside("Commencer", f.k.Welcome.Start)
	inside("Reprendre", f.k.Welcome.Resume)
	if w := f.w.Canvas().Size(); w.Width > 1024 || w.Height > 768 {
		t.Errorf("welcome with resume needs %v", w)
	}
	_ = content.KindText
}
