package warmup_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/i18n"
	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/app/warmup"
	"github.com/tremplin-numerique/tremplin/assets"
)

type fixture struct {
	s      *warmup.Screen
	now    time.Time
	said   []string
	result *warmup.Result
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(kiosktheme.New()) // the kiosk's text sizes
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{now: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	f.s = warmup.New(warmup.Env{T: cat.T, Say: func(s string) { f.said = append(f.said, s) }, Now: func() time.Time { return f.now }},
		func(r warmup.Result) {
			if f.result != nil {
				t.Error("done called twice")
			}
			f.result = &r
		})
	w := test.NewTempWindow(t, f.s.Object())
	w.Resize(fyne.NewSize(1024, 768))
	return f
}

// TestWarmUpPointClickClick: point, click, click where it moved: passed,
// with the misses counted.
func TestWarmUpPointClickClick(t *testing.T) {
	f := newFixture(t)
	if f.s.Instruction.Text == "" || f.s.SpokenText() == "" || f.s.SpokenText() == "say.warmup.point" {
		t.Fatalf("no instruction: %q / %q", f.s.Instruction.Text, f.s.SpokenText())
	}
	first := f.s.Target.Position()
	test.Tap(f.s.Area) // a miss
	f.s.Target.MouseIn(nil)
	if f.s.Step() != 1 {
		t.Fatalf("pointing at the target: step %d", f.s.Step())
	}
	test.Tap(f.s.Target)
	if f.s.Step() != 2 {
		t.Fatalf("clicking the target: step %d", f.s.Step())
	}
	if f.s.Target.Position() == first {
		t.Error("the target did not move for the second click")
	}
	f.now = f.now.Add(7 * time.Second)
	test.Tap(f.s.Target)
	if f.result == nil || f.result.Outcome != warmup.Passed || f.result.Misses != 1 || f.result.Millis != 7000 {
		t.Fatalf("result %+v", f.result)
	}
	if len(f.said) < 2 {
		t.Errorf("each step is said: %q", f.said)
	}
}

// TestWarmUpTouchScreen: on a touch screen there is no pointer to rest on
// the target; a tap counts for pointing and clicking.
func TestWarmUpTouchScreen(t *testing.T) {
	f := newFixture(t)
	test.Tap(f.s.Target)
	test.Tap(f.s.Target)
	if f.result == nil || f.result.Outcome != warmup.Passed {
		t.Fatalf("result %+v", f.result)
	}
}

// TestWarmUpSkip: a visitor at ease skips it in one tap.
func TestWarmUpSkip(t *testing.T) {
	f := newFixture(t)
	test.Tap(f.s.Skip)
	if f.result == nil || f.result.Outcome != warmup.Skipped {
		t.Fatalf("result %+v", f.result)
	}
}

// TestWarmUpStruggle: after many misses the screen kindly offers to learn
// the mouse, says so, and does not end by itself; "Essayer encore" starts
// over; after a long time without progress it offers again.
func TestWarmUpStruggle(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < warmup.StruggleAfterMisses-1; i++ {
		test.Tap(f.s.Area)
	}
	if f.s.Struggling.Visible() {
		t.Fatal("help offered too early")
	}
	test.Tap(f.s.Area)
	if !f.s.Struggling.Visible() {
		t.Fatal("no help after many misses")
	}
	if f.result != nil {
		t.Fatal("the warm-up ended by itself")
	}
	if last := f.said[len(f.said)-1]; last == "" || last == "say.warmup.struggle" {
		t.Errorf("help not said: %q", last)
	}
	test.Tap(f.s.Again)
	if f.s.Struggling.Visible() || f.s.Step() != 0 {
		t.Fatal("Essayer encore did not start over")
	}
	f.now = f.now.Add(warmup.StruggleAfter)
	f.s.Check()
	if !f.s.Struggling.Visible() {
		t.Fatal("no help after a long time without progress")
	}
	test.Tap(f.s.Learn)
	if f.result == nil || f.result.Outcome != warmup.Struggled || f.result.Misses != 0 {
		t.Fatalf("result %+v", f.result)
	}
}

// TestWarmUpFits: the warm-up fits 1024×768 and its target is large.
func TestWarmUpFits(t *testing.T) {
	f := newFixture(t)
	if s := f.s.Object().MinSize(); s.Width > 1024 || s.Height > 768 {
		t.Errorf("warm-up needs %v", s)
	}
	if s := f.s.Target.Size(); s.Width < 120 {
		t.Errorf("target %v", s)
	}
}

// TestTargetStaysUnderThePointer: between the first two steps (point, then
// click where you are) the play area, and the target with it, stays where it
// was, though the instruction goes from two lines to one.
func TestTargetStaysUnderThePointer(t *testing.T) {
	f := newFixture(t)
	d := fyne.CurrentApp().Driver()
	// Lay out again once the wrapped instruction knows its width.
	d.CanvasForObject(f.s.Area).Content().Refresh()
	area, target := d.AbsolutePositionForObject(f.s.Area), d.AbsolutePositionForObject(f.s.Target)
	f.s.Target.MouseIn(nil)
	if f.s.Step() != 1 {
		t.Fatalf("step %d", f.s.Step())
	}
	if a, tg := d.AbsolutePositionForObject(f.s.Area), d.AbsolutePositionForObject(f.s.Target); a != area || tg != target {
		t.Errorf("the play area moved from %v to %v, the target from %v to %v", area, a, target, tg)
	}
}
