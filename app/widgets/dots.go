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

	total int
	// filled marks the dots done; current is the dot on show (-1: none).
	filled  []bool
	current int
	// group puts a wider gap after every group dots (0: none).
	group int
}

// NewDots returns a row of total dots with done of them filled.
func NewDots(total, done int) *Dots {
	d := &Dots{}
	d.ExtendBaseWidget(d)
	d.Set(total, done)
	return d
}

// Set changes the number of dots and how many are done: the first done
// dots are filled, the next one is the current one.
func (d *Dots) Set(total, done int) {
	d.total = max(total, 0)
	done = min(max(done, 0), d.total)
	d.filled = make([]bool, d.total)
	for i := range done {
		d.filled[i] = true
	}
	d.current = done
	d.Refresh()
}

// SetGroups shows one group of per dots for each entry of filled, that
// group's first filled[g] dots done; the current dot is the next one of
// group current (-1: none). A test that takes its parts in turn fills
// every group a little at a time.
func (d *Dots) SetGroups(per int, filled []int, current int) {
	per = max(per, 1)
	d.group = per
	d.total = per * len(filled)
	d.filled = make([]bool, d.total)
	d.current = -1
	for g, n := range filled {
		n = min(max(n, 0), per)
		for i := range n {
			d.filled[g*per+i] = true
		}
		if g == current && n < per {
			d.current = g*per + n
		}
	}
	d.Refresh()
}

// Current returns the index of the dot on show, -1 when none.
func (d *Dots) Current() int { return d.current }

// SetGroup puts a wider gap after every n dots, so a visitor sees one group
// per part of the test (0: no groups).
func (d *Dots) SetGroup(n int) {
	d.group = max(n, 0)
	d.Refresh()
}

// Done returns how many dots are filled, Total how many there are.
func (d *Dots) Done() int {
	n := 0
	for _, f := range d.filled {
		if f {
			n++
		}
	}
	return n
}
func (d *Dots) Total() int { return d.total }

// dot sizes: big enough to count at a glance, small enough for 40 in a row
// at 1024 pixels.
const (
	dotSize  = 10
	dotGap   = 4
	groupGap = 12
)

// x returns where dot i starts.
func (d *Dots) x(i int) float32 {
	x := float32(i) * (dotSize + dotGap)
	if d.group > 0 {
		x += float32(i/d.group) * groupGap
	}
	return x
}

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
		case r.d.filled[i]:
			c.FillColor = kiosktheme.Primary
		case i == r.d.current:
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
		c.Move(fyne.NewPos(r.d.x(i), y))
	}
}

func (r *dotsRenderer) MinSize() fyne.Size {
	if r.d.total == 0 {
		return fyne.NewSize(0, dotSize)
	}
	return fyne.NewSize(r.d.x(r.d.total-1)+dotSize, dotSize)
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
