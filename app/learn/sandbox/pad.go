package sandbox

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// Pad is a practice surface that takes every click on it, with the click's
// position in its own coordinates, and lays out its pictures itself.
type Pad struct {
	widget.BaseWidget
	// OnTap gets each click's position inside the pad.
	OnTap   func(pos fyne.Position)
	objects []fyne.CanvasObject
	layout  func(size fyne.Size)
}

// newPad returns a pad showing objects, placed by layout at every resize.
func newPad(objects []fyne.CanvasObject, layout func(size fyne.Size)) *Pad {
	p := &Pad{objects: objects, layout: layout}
	p.ExtendBaseWidget(p)
	return p
}

// Tapped reports a click to OnTap.
func (p *Pad) Tapped(ev *fyne.PointEvent) {
	if p.OnTap != nil {
		p.OnTap(ev.Position)
	}
}

// CreateRenderer draws the pad's objects.
func (p *Pad) CreateRenderer() fyne.WidgetRenderer { return &padRenderer{p} }

type padRenderer struct{ p *Pad }

func (r *padRenderer) Layout(size fyne.Size) {
	if r.p.layout != nil {
		r.p.layout(size)
	}
}
func (r *padRenderer) MinSize() fyne.Size           { return fyne.NewSize(300, 300) }
func (r *padRenderer) Objects() []fyne.CanvasObject { return r.p.objects }
func (r *padRenderer) Destroy()                     {}
func (r *padRenderer) Refresh()                     { r.Layout(r.p.Size()); canvas.Refresh(r.p) }
func (r *padRenderer) BackgroundColor() color.Color { return color.Transparent }

// Draggable is a picture the learner can drag with the mouse; the practice
// decides what a drop means.
type Draggable struct {
	widget.BaseWidget
	// OnDrag gets each move; OnDrop the end of the drag.
	OnDrag  func(ev *fyne.DragEvent)
	OnDrop  func()
	content fyne.CanvasObject
}

func newDraggable(content fyne.CanvasObject) *Draggable {
	d := &Draggable{content: content}
	d.ExtendBaseWidget(d)
	return d
}

// Dragged moves the picture.
func (d *Draggable) Dragged(ev *fyne.DragEvent) {
	if d.OnDrag != nil {
		d.OnDrag(ev)
	}
}

// DragEnd drops it.
func (d *Draggable) DragEnd() {
	if d.OnDrop != nil {
		d.OnDrop()
	}
}

// CreateRenderer draws the picture.
func (d *Draggable) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(d.content)
}

// centre returns the centre of an object placed in a pad.
func centre(o fyne.CanvasObject) fyne.Position {
	return o.Position().AddXY(o.Size().Width/2, o.Size().Height/2)
}

// place sets an object's size and puts its centre at c.
func place(o fyne.CanvasObject, c fyne.Position, s fyne.Size) {
	o.Resize(s)
	o.Move(c.SubtractXY(s.Width/2, s.Height/2))
}

// clampCentre keeps a square of side s centred at c inside size.
func clampCentre(c fyne.Position, s float32, size fyne.Size) fyne.Position {
	half := s / 2
	c.X = max(half, min(c.X, size.Width-half))
	c.Y = max(half, min(c.Y, size.Height-half))
	return c
}
