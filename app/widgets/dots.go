package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
)

// Dots shows progress as a row of dots: filled for what is done, a ring
// around the current one, empty for what is left. A visitor sees how long
// the test or the module still is without reading "Question 12".
type Dots struct {
	widget.BaseWidget

	total, done int
}

// NewDots returns a row of total dots with done of them filled.
func NewDots(total, done int) *Dots {
	d := &Dots{}
	d.ExtendBaseWidget(d)
	d.Set(total, done)
	return d
}

// Set changes the number of dots and how many are done.
func (d *Dots) Set(total, done int) {
	d.total = max(total, 0)
	d.done = min(max(done, 0), d.total)
	d.Refresh()
}

// Done returns how many dots are filled, Total how many there are.
func (d *Dots) Done() int  { return d.done }
func (d *Dots) Total() int { return d.total }

// dot sizes: big enough to count at a glance, small enough for 40 in a row
// at 1024 pixels.
const (
	dotSize = 14
	dotGap  = 6
)

// CreateRenderer draws the dots.
func (d *Dots) CreateRenderer() fyne.WidgetRenderer {
	return &dotsRenderer{d: d}
}

type dotsRenderer struct {
	d    *Dots
	dots []*canvas.Circle
}

func (r *dotsRenderer) sync() {
	for len(r.dots) < r.d.total {
		r.dots = append(r.dots, canvas.NewCircle(color.Transparent))
	}
	r.dots = r.dots[:r.d.total]
	for i, c := range r.dots {
		c.StrokeColor = kiosktheme.Text
		c.StrokeWidth = 2
		switch {
		case i < r.d.done:
			c.FillColor = kiosktheme.Primary
		case i == r.d.done:
			c.FillColor = kiosktheme.Selected
			c.StrokeWidth = 3
		default:
			c.FillColor = color.White
		}
		c.Refresh()
	}
}

func (r *dotsRenderer) Layout(s fyne.Size) {
	r.sync()
	y := (s.Height - dotSize) / 2
	for i, c := range r.dots {
		c.Resize(fyne.NewSize(dotSize, dotSize))
		c.Move(fyne.NewPos(float32(i)*(dotSize+dotGap), y))
	}
}

func (r *dotsRenderer) MinSize() fyne.Size {
	if r.d.total == 0 {
		return fyne.NewSize(0, dotSize)
	}
	return fyne.NewSize(float32(r.d.total)*(dotSize+dotGap)-dotGap, dotSize)
}

func (r *dotsRenderer) Refresh() { r.Layout(r.d.Size()) }

func (r *dotsRenderer) Objects() []fyne.CanvasObject {
	r.sync()
	out := make([]fyne.CanvasObject, len(r.dots))
	for i, c := range r.dots {
		out[i] = c
	}
	return out
}

func (r *dotsRenderer) Destroy() {}
