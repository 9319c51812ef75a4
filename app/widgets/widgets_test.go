package widgets

import (
	"image/color"
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestChoiceCardTapAndSelect(t *testing.T) {
	test.NewTempApp(t)
	taps := 0
	c := NewChoiceCard("La souris", nil, func() { taps++ })
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(300, 120))
	test.Tap(c)
	if taps != 1 {
		t.Errorf("%d taps", taps)
	}
	c.SetSelected(true)
	if !c.Selected() {
		t.Error("not selected")
	}
	c.SetSelected(false)
	if c.Selected() {
		t.Error("still selected")
	}
}

func TestTapPictureReportsPlaceOnPicture(t *testing.T) {
	test.NewTempApp(t)
	var gotX, gotY float64
	tapped := false
	p := NewTapPicture(theme.ComputerIcon(), func(x, y float64) { gotX, gotY, tapped = x, y, true })
	w := test.NewTempWindow(t, p)
	w.Resize(fyne.NewSize(800, 400))
	p.TapAt(0.25, 0.75)
	if !tapped || math.Abs(gotX-0.25) > 0.02 || math.Abs(gotY-0.75) > 0.02 {
		t.Errorf("tapped %v at %.3f,%.3f, want 0.25,0.75", tapped, gotX, gotY)
	}
	// A tap in the letter-box margin beside the picture is ignored.
	tapped = false
	p.Tapped(&fyne.PointEvent{Position: fyne.NewPos(2, 200)})
	if tapped {
		t.Error("a tap outside the drawn picture counted")
	}
}

func TestLevelBarAndBigButton(t *testing.T) {
	test.NewTempApp(t)
	b := NewLevelBar(2)
	if b.Band != 2 {
		t.Fatal("band")
	}
	test.NewTempWindow(t, b)
	if b.MinSize().Height < 40 {
		t.Errorf("level bar too small: %v", b.MinSize())
	}
	pressed := false
	btn, obj := BigButton("Commencer", theme.MediaPlayIcon(), fyne.NewSize(400, 120), func() { pressed = true })
	test.NewTempWindow(t, obj)
	test.Tap(btn)
	if !pressed || obj.MinSize().Height < 120 {
		t.Errorf("pressed %v, size %v", pressed, obj.MinSize())
	}
}

// TestChoiceCardMarks: a multiple-choice card shows an empty check box that
// fills when chosen, a single-choice card a radio circle; after the answer
// the right card shows a check and a wrongly chosen one a cross.
func TestChoiceCardMarks(t *testing.T) {
	test.NewTempApp(t)
	multi := NewChoiceCard("A", nil, nil)
	multi.Box = CheckBox
	single := NewChoiceCard("B", nil, nil)
	single.Box = RadioBox
	test.NewTempWindow(t, container2(multi, single))
	name := func(c *ChoiceCard) string {
		if r := c.mark.Resource; r != nil {
			return r.Name()
		}
		return ""
	}
	if got, want := name(multi), theme.CheckButtonIcon().Name(); got != want {
		t.Errorf("empty multi card mark %q, want %q", got, want)
	}
	multi.SetSelected(true)
	if got, want := name(multi), theme.CheckButtonCheckedIcon().Name(); got != want {
		t.Errorf("ticked multi card mark %q, want %q", got, want)
	}
	if got, want := name(single), theme.RadioButtonIcon().Name(); got != want {
		t.Errorf("single card mark %q, want %q", got, want)
	}
	multi.SetVerdict(Right)
	single.SetVerdict(WrongChoice)
	if !strings.HasPrefix(name(multi), "success_") || !strings.HasPrefix(name(single), "error_") {
		t.Errorf("verdict marks %q and %q", name(multi), name(single))
	}
	if multi.frame.StrokeColor == single.frame.StrokeColor {
		t.Error("right and wrong cards have the same frame")
	}
}

func TestDots(t *testing.T) {
	test.NewTempApp(t)
	d := NewDots(10, 3)
	test.NewTempWindow(t, d)
	if d.Done() != 3 || d.Total() != 10 {
		t.Errorf("dots %d/%d", d.Done(), d.Total())
	}
	if w := d.MinSize().Width; w < 10*dotSize || w > 10*(dotSize+dotGap) {
		t.Errorf("10 dots are %v wide", w)
	}
	d.Set(5, 9)
	if d.Done() != 5 {
		t.Errorf("done is clamped to total: %d", d.Done())
	}
	d.SetGroups(8, []int{8, 3, 0}, 1)
	if d.Done() != 11 || d.Total() != 24 || d.Current() != 11 {
		t.Errorf("groups: %d done of %d, current %d", d.Done(), d.Total(), d.Current())
	}
	// 40 dots (the longest diagnostic) fit beside the buttons at 1024.
	d.Set(40, 0)
	if w := d.MinSize().Width; w > 820 {
		t.Errorf("40 dots are %v wide", w)
	}
}

func container2(a, b fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(a, b)
}

// TestTapMarkerLeavesTargetInView: the ring's hollow centre is wider than a
// 48-pixel target, and the ring is centred on the tap.
func TestTapMarkerLeavesTargetInView(t *testing.T) {
	test.NewTempApp(t)
	p := NewTapPicture(theme.ComputerIcon(), nil)
	w := test.NewTempWindow(t, p)
	w.Resize(fyne.NewSize(700, 500))
	p.TapAt(0.5, 0.5)
	if inner := p.marker.Size().Width - 2*p.marker.StrokeWidth; inner < 48 {
		t.Errorf("the ring's hollow centre is %v px: it hides a 48 px target", inner)
	}
	if p.marker.FillColor != nil && p.marker.FillColor != color.Transparent {
		if _, _, _, a := p.marker.FillColor.RGBA(); a != 0 {
			t.Error("the ring is filled: it hides what was tapped")
		}
	}
	r := p.drawn(p.Size())
	cx := p.marker.Position().X + p.marker.Size().Width/2
	if want := r.Position.X + r.Size.Width/2; math.Abs(float64(cx-want)) > 1 {
		t.Errorf("ring centred at x=%v, tap at %v", cx, want)
	}
}
