// Package picture draws the content pack's pictures for the screens.
//
// Why not canvas.NewImageFromResource: Fyne rasterises an SVG again each
// time a new image object is laid out, at twice its size while the object
// is not yet on a window, into an NRGBA image whose every pixel costs an
// allocation (the rasteriser has no fast path for NRGBA). A module rebuilds
// its screen at every step, so each step rasterised its pictures again:
// ~3–6 MB of garbage and ~0.6 M allocations per picture, and textures twice
// the needed size. Here each picture is rasterised once per pixel size into
// an RGBA image (the rasteriser's fast path) and kept in a small cache; the
// canvas image then only scales it.
package picture

import (
	"bytes"
	"container/list"
	"fmt"
	"image"
	_ "image/jpeg" // pictures of a pack may be JPEG
	_ "image/png"  // or PNG
	"log/slog"
	"math"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"github.com/fyne-io/oksvg"
	"github.com/srwiley/rasterx"
	"golang.org/x/image/draw"
)

// New returns a canvas image showing res inside size (its minimum size),
// aspect kept. res may be nil (an empty image). The picture is drawn for
// the window's scale; shown larger, it is scaled.
func New(res fyne.Resource, size fyne.Size) *canvas.Image {
	// ImageScaleFastest: should the object be laid out larger, the graphics
	// card scales the picture (smoothly); ImageScaleSmooth would scale it on
	// the processor into a new image each time.
	img := &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScaleFastest}
	img.SetMinSize(size)
	if res == nil {
		return img
	}
	// The size of the texture Fyne's painter makes for the image: when the
	// picture has exactly that size, it is uploaded as is, not scaled.
	s := scale()
	w, h := int(math.Round(float64(size.Width*s))), int(math.Round(float64(size.Height*s)))
	pic, err := Default.Get(res, w, h)
	if err != nil {
		slog.Warn("draw picture", "picture", res.Name(), "err", err)
		return img
	}
	img.Image = pic
	return img
}

// scale returns the pixels per Fyne unit of the app's first window, 1
// without one.
func scale() float32 {
	a := fyne.CurrentApp()
	if a == nil || a.Driver() == nil {
		return 1
	}
	for _, w := range a.Driver().AllWindows() {
		if s := w.Canvas().Scale(); s > 0 {
			return s
		}
	}
	return 1
}

// Default is the cache New uses.
var Default = NewCache(32 << 20)

// Cache keeps rasterised pictures, least recently used first out once
// they hold more than a byte budget. It is safe for concurrent use.
type Cache struct {
	budget int

	mu    sync.Mutex
	used  int
	order *list.List // of *entry, most recent at the front
	byKey map[key]*list.Element
	draws int
}

type key struct {
	name string
	w, h int
}

type entry struct {
	k   key
	img image.Image
	n   int // bytes
}

// NewCache returns a cache holding at most budget bytes of pixels (the
// last picture drawn is kept even when larger).
func NewCache(budget int) *Cache {
	return &Cache{budget: budget, order: list.New(), byKey: map[key]*list.Element{}}
}

// Get returns a w×h picture of res, drawn centred with its aspect kept:
// an SVG is rasterised at that size, another picture decoded and scaled.
func (c *Cache) Get(res fyne.Resource, w, h int) (image.Image, error) {
	k := key{name: res.Name(), w: w, h: h}
	c.mu.Lock()
	if el, ok := c.byKey[k]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		return el.Value.(*entry).img, nil
	}
	c.mu.Unlock()

	var img image.Image
	var err error
	if IsSVG(res) {
		img, err = Rasterize(res.Content(), w, h)
	} else {
		img, err = decode(res.Content(), w, h)
	}
	if err != nil {
		return nil, fmt.Errorf("picture %s: %w", res.Name(), err)
	}
	b := img.Bounds()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.draws++
	if el, ok := c.byKey[k]; ok { // drawn meanwhile by another goroutine
		return el.Value.(*entry).img, nil
	}
	e := &entry{k: k, img: img, n: 4 * b.Dx() * b.Dy()}
	c.byKey[k] = c.order.PushFront(e)
	c.used += e.n
	for c.used > c.budget && c.order.Len() > 1 {
		last := c.order.Back()
		old := last.Value.(*entry)
		c.order.Remove(last)
		delete(c.byKey, old.k)
		c.used -= old.n
	}
	return img, nil
}

// Draws returns how many pictures the cache rasterised or decoded (the
// misses), for tests.
func (c *Cache) Draws() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.draws
}

// Len returns how many pictures the cache holds and their bytes.
func (c *Cache) Len() (pictures, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.used
}

// IsSVG reports whether res is an SVG picture, by its name or its first
// bytes.
func IsSVG(res fyne.Resource) bool {
	if strings.HasSuffix(strings.ToLower(res.Name()), ".svg") {
		return true
	}
	head := res.Content()
	if len(head) > 64 {
		head = head[:64]
	}
	head = bytes.ToLower(bytes.TrimSpace(head))
	return bytes.HasPrefix(head, []byte("<svg")) || (bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(res.Content(), []byte("<svg")))
}

// fit returns where a picture of aspect w/h sits, centred, in a box of
// bw×bh pixels.
func fit(aspect float64, bw, bh int) image.Rectangle {
	iw, ih := bw, bh
	if view := float64(bw) / float64(bh); view > aspect {
		iw = max(1, int(math.Round(float64(bh)*aspect)))
	} else if view < aspect {
		ih = max(1, int(math.Round(float64(bw)/aspect)))
	}
	x, y := (bw-iw)/2, (bh-ih)/2
	return image.Rect(x, y, x+iw, y+ih)
}

// decode decodes a PNG or JPEG picture and scales it into a w×h image.
func decode(data []byte, w, h int) (*image.RGBA, error) {
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("draw at %d×%d: empty size", w, h)
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	if b.Empty() {
		return nil, fmt.Errorf("empty picture")
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(img, fit(float64(b.Dx())/float64(b.Dy()), w, h), src, b, draw.Over, nil)
	return img, nil
}

// Rasterize draws an SVG document into a w×h RGBA image, centred with its
// aspect kept.
func Rasterize(svg []byte, w, h int) (img *image.RGBA, err error) {
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("rasterize at %d×%d: empty size", w, h)
	}
	icon, err := oksvg.ReadIconStream(bytes.NewReader(svg))
	if err != nil {
		return nil, fmt.Errorf("read svg: %w", err)
	}
	vw, vh := icon.ViewBox.W, icon.ViewBox.H
	if vw <= 0 || vh <= 0 {
		return nil, fmt.Errorf("svg has no view box size")
	}
	r := fit(vw/vh, w, h)
	x, y := float64(r.Min.X), float64(r.Min.Y)
	if icon.ViewBox.Y < 0 { // as Fyne does, so pictures sit where they did
		y += icon.ViewBox.Y + (-icon.ViewBox.Y/vh)*float64(r.Dy())
	}
	icon.SetTarget(x, y, float64(r.Dx()), float64(r.Dy()))
	img = image.NewRGBA(image.Rect(0, 0, w, h))
	scanner := rasterx.NewScannerGV(w, h, img, img.Bounds())
	defer func() {
		if r := recover(); r != nil { // a malformed picture must not stop the kiosk
			img, err = nil, fmt.Errorf("svg rendering failed: %v", r)
		}
	}()
	icon.Draw(rasterx.NewDasher(w, h, scanner), 1)
	return img, nil
}
