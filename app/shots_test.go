package app_test

import (
	"fmt"
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
	layoutOnly(t)
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
	startTest(f.k)
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
	startTest(f.k)
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

// TestEveryKindOnScreen shows one item of every kind at 1024×768 and at
// 1920×1080, before the answer, with a choice made and with the feedback
// after a wrong answer: every button a visitor needs is inside the window
// and at least 48 pixels high. With TREMPLIN_SHOTS set the pictures are kept.
func TestEveryKindOnScreen(t *testing.T) {
	layoutOnly(t)
	kinds := []string{content.KindSingle, content.KindMultiple, content.KindText, content.KindTap, content.KindOrder, content.KindSort}
	for _, size := range []fyne.Size{{Width: 1024, Height: 768}, {Width: 1920, Height: 1080}} {
		f := newFixture(t)
		f.w.Resize(size)
		var ids []string
		for _, k := range kinds {
			for _, it := range f.pack.Questions() {
				if it.Kind == k {
					ids = append(ids, it.ID)
					break
				}
			}
		}
		f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
			NewDiagnostic: func(*content.Pack, uint64) (app.Diagnostic, error) { return &everyItem{ids: ids}, nil }})
		f.k.Show(f.w)
		startTest(f.k)
		seen := map[string]bool{}
		for f.k.Question != nil {
			q := f.k.Question
			kind := q.Item().Kind
			seen[kind] = true
			name := fmt.Sprintf("%dx%d-%s", int(size.Width), int(size.Height), kind)
			checkInside(t, f, name+" Valider", q.Validate)
			checkInside(t, f, name+" Je ne sais pas", q.DontKnow)
			checkInside(t, f, name+" Écouter", q.Speaker)
			checkInside(t, f, name+" J'arrête", q.Stop)
			keepShot(t, f, "kind-"+name+"-1-question")
			f.answer(t, 1)
			checkInside(t, f, name+" Continuer", q.Continue)
			if s := f.w.Canvas().Size(); s != size {
				t.Errorf("%s: the window grew to %v", name, s)
			}
			keepShot(t, f, "kind-"+name+"-2-feedback")
			test.Tap(q.Continue)
		}
		for _, k := range kinds {
			if !seen[k] {
				t.Errorf("%v: never saw a %s item", size, k)
			}
		}
	}
}

func checkInside(t *testing.T, f *fixture, name string, o fyne.CanvasObject) {
	t.Helper()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	size := f.w.Canvas().Size()
	if !o.Visible() {
		t.Errorf("%s is hidden", name)
	}
	if pos.X < 0 || pos.Y < 0 || pos.X+o.Size().Width > size.Width+1 || pos.Y+o.Size().Height > size.Height+1 {
		t.Errorf("%s at %v size %v is outside the %v window", name, pos, o.Size(), size)
	}
	if o.Size().Height < 48 {
		t.Errorf("%s is %v high: too small a target", name, o.Size().Height)
	}
}

func keepShot(t *testing.T, f *fixture, name string) {
	t.Helper()
	dir := os.Getenv("TREMPLIN_SHOTS")
	if dir == "" {
		return
	}
	img := f.w.Canvas().Capture()
	os.MkdirAll(dir, 0o755)
	out, err := os.Create(filepath.Join(dir, "headless-"+name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	png.Encode(out, img)
}
