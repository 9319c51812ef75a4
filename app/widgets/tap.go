package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/theme"
)

// TapPicture is a picture, such as a mock screen, on which the visitor
// clicks a place. It reports the place relative to the picture (0..1) and
// marks it with a ring.
type TapPicture struct {
	widget.BaseWidget

	Picture  fyne.Resource
	OnTapped func(x, y float64)

	img    *canvas.Image
	marker *canvas.Circle
	// zones are the right places, framed after the answer (Reveal).
	zones  []Rect
	frames []*canvas.Rectangle
	mark   fyne.Position // relative, or -1 when unset
	marked bool
}

// NewTapPicture returns a tappable picture.
func NewTapPicture(pic fyne.Resource, tapped func(x, y float64)) *TapPicture {
	t := &TapPicture{Picture: pic, OnTapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped turns the pointer position into picture coordinates. A tap on the
// margins around a letter-boxed picture is ignored.
func (t *TapPicture) Tapped(ev *fyne.PointEvent) {
	r := t.drawn(t.Size())
	x := float64((ev.Position.X - r.Position.X) / r.Size.Width)
	y := float64((ev.Position.Y - r.Position.Y) / r.Size.Height)
	if x < 0 || x > 1 || y < 0 || y > 1 {
		return
	}
	t.mark, t.marked = fyne.NewPos(float32(x), float32(y)), true
	t.Refresh()
	if t.OnTapped != nil {
		t.OnTapped(x, y)
	}
}

// TapAt taps at a place given relative to the picture, as a visitor would.
func (t *TapPicture) TapAt(x, y float64) {
	r := t.drawn(t.Size())
	t.Tapped(&fyne.PointEvent{Position: fyne.NewPos(r.Position.X+float32(x)*r.Size.Width, r.Position.Y+float32(y)*r.Size.Height)})
}

// Rect is a place on the picture, relative to it (0..1).
type Rect struct{ X, Y, W, H float64 }

// Reveal frames the right places on the picture, after the answer: a wrong
// tap then shows where to click.
func (t *TapPicture) Reveal(zones []Rect) {
	t.zones = zones
	t.frames = nil
	for range zones {
		f := canvas.NewRectangle(color.Transparent)
		f.StrokeColor = theme.Success
		f.StrokeWidth = 5
		f.CornerRadius = 6
		t.frames = append(t.frames, f)
	}
	t.Refresh()
}

// AtLeast returns r grown around its centre to at least px pixels wide and
// high as the picture is drawn now, so a small drawing still takes a
// fingertip's tap.
func (t *TapPicture) AtLeast(r Rect, px float32) Rect {
	d := t.drawn(t.Size())
	if d.Size.Width <= 0 || d.Size.Height <= 0 {
		return r
	}
	if minW := float64(px / d.Size.Width); r.W < minW {
		r.X -= (minW - r.W) / 2
		r.W = minW
	}
	if minH := float64(px / d.Size.Height); r.H < minH {
		r.Y -= (minH - r.H) / 2
		r.H = minH
	}
	return r
}

// Pixels returns the size r has as the picture is drawn now.
func (t *TapPicture) Pixels(r Rect) fyne.Size {
	d := t.drawn(t.Size())
	return fyne.NewSize(float32(r.W)*d.Size.Width, float32(r.H)*d.Size.Height)
}

// Revealed returns the places framed by Reveal.
func (t *TapPicture) Revealed() []Rect { return t.zones }

// Cursor shows a pointing hand over the picture.
func (t *TapPicture) Cursor() desktop.Cursor { return desktop.PointerCursor }

type rect struct {
	Position fyne.Position
	Size     fyne.Size
}

// drawn returns where the picture is drawn inside a widget of size s.
func (t *TapPicture) drawn(s fyne.Size) rect {
	aspect := float32(16.0 / 10.0)
	if t.img != nil && t.img.Aspect() > 0 {
		aspect = t.img.Aspect()
	}
	w, h := s.Width, s.Height
	if w/h > aspect {
		w = h * aspect
	} else {
		h = w / aspect
	}
	return rect{fyne.NewPos((s.Width-w)/2, (s.Height-h)/2), fyne.NewSize(w, h)}
}

// MinSize keeps the picture large enough to aim at.
func (t *TapPicture) MinSize() fyne.Size { return fyne.NewSize(540, 360) }

// CreateRenderer draws the picture and the mark.
func (t *TapPicture) CreateRenderer() fyne.WidgetRenderer {
	t.img = canvas.NewImageFromResource(t.Picture)
	t.img.FillMode = canvas.ImageFillContain
	t.marker = canvas.NewCircle(color.Transparent)
	t.marker.StrokeColor = theme.Warm
	t.marker.StrokeWidth = markerStroke
	return &tapRenderer{t: t}
}

type tapRenderer struct{ t *TapPicture }

func (r *tapRenderer) Layout(s fyne.Size) {
	r.t.img.Resize(s)
	r.t.img.Move(fyne.NewPos(0, 0))
	d := r.t.drawn(s)
	if r.t.marked {
		r.t.marker.Show()
		r.t.marker.Resize(fyne.NewSize(MarkerSize, MarkerSize))
		r.t.marker.Move(fyne.NewPos(d.Position.X+r.t.mark.X*d.Size.Width-MarkerSize/2, d.Position.Y+r.t.mark.Y*d.Size.Height-MarkerSize/2))
	} else {
		r.t.marker.Hide()
	}
	for i, f := range r.t.frames {
		z := r.t.zones[i]
		f.Move(fyne.NewPos(d.Position.X+float32(z.X)*d.Size.Width-4, d.Position.Y+float32(z.Y)*d.Size.Height-4))
		f.Resize(fyne.NewSize(float32(z.W)*d.Size.Width+8, float32(z.H)*d.Size.Height+8))
	}
}

// MarkerSize is the diameter of the ring that marks a tap: wide enough that
// its hollow centre (MarkerSize minus twice the stroke) leaves a 48-pixel
// target in view, so the ring never hides what was tapped.
const MarkerSize = 80

const markerStroke = 5

func (r *tapRenderer) MinSize() fyne.Size { return r.t.MinSize() }
func (r *tapRenderer) Refresh() {
	r.Layout(r.t.Size())
	canvas.Refresh(r.t.marker)
	for _, f := range r.t.frames {
		canvas.Refresh(f)
	}
}
func (r *tapRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.t.img}
	for _, f := range r.t.frames {
		objs = append(objs, f)
	}
	return append(objs, r.t.marker)
}
func (r *tapRenderer) Destroy() {}
