package learn

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// Colours of the progress dots: steps done, the step on screen, steps to
// come. Size tells the step on screen too, so colour is not the only sign.
var (
	dotDone = color.NRGBA{R: 0x1b, G: 0x5e, B: 0x20, A: 0xff}
	dotNow  = color.NRGBA{R: 0xf9, G: 0xa8, B: 0x25, A: 0xff}
	dotTodo = color.NRGBA{R: 0xcf, G: 0xd8, B: 0xdc, A: 0xff}
)

// Dots shows a module's progress as a row of dots: one per step.
type Dots struct {
	Box   *fyne.Container
	dots  []*canvas.Circle
	index int
}

func newDots(n int) *Dots {
	d := &Dots{Box: container.NewHBox()}
	for range n {
		c := canvas.NewCircle(dotTodo)
		d.dots = append(d.dots, c)
		d.Box.Add(container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(16), c)))
	}
	return d
}

// Set shows step i (from 0) as the current one.
func (d *Dots) Set(i int) {
	d.index = i
	for j, c := range d.dots {
		size := float32(14)
		switch {
		case j < i:
			c.FillColor = dotDone
		case j == i:
			c.FillColor, size = dotNow, 16
		default:
			c.FillColor = dotTodo
		}
		c.Resize(fyne.NewSquareSize(size))
		c.Refresh()
	}
}

// Index returns the step shown as current.
func (d *Dots) Index() int { return d.index }
