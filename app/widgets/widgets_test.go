package widgets

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
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
