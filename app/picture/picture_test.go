package picture

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// wide is a red picture twice as wide as high.
var wide = fyne.NewStaticResource("wide.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10"><rect x="0" y="0" width="20" height="10" fill="#ff0000"/></svg>`))

func alpha(img image.Image, x, y int) uint32 {
	_, _, _, a := img.At(x, y).RGBA()
	return a
}

// TestRasterizeCentresKeepingAspect: a 2:1 picture in a 40×40 box fills
// a 40×20 band in the middle, the rest transparent.
func TestRasterizeCentresKeepingAspect(t *testing.T) {
	img, err := Rasterize(wide.Content(), 40, 40)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 40 || b.Dy() != 40 {
		t.Fatalf("bounds %v, want 40×40", b)
	}
	if a := alpha(img, 20, 5); a != 0 {
		t.Errorf("above the band: alpha %d, want transparent", a)
	}
	r, g, _, a := img.At(20, 20).RGBA()
	if a != 0xffff || r != 0xffff || g != 0 {
		t.Errorf("middle: %v, want opaque red", img.At(20, 20))
	}
	if a := alpha(img, 20, 35); a != 0 {
		t.Errorf("below the band: alpha %d, want transparent", a)
	}
}

// TestCacheDrawsOncePerSize: the same picture at the same size is drawn
// once; another size is drawn again; the budget drops the oldest.
func TestCacheDrawsOncePerSize(t *testing.T) {
	c := NewCache(2 * 4 * 40 * 40) // two 40×40 pictures
	for range 5 {
		if _, err := c.Get(wide, 40, 40); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.Draws(); n != 1 {
		t.Fatalf("drawn %d times for one size, want 1", n)
	}
	c.Get(wide, 40, 20)
	c.Get(fyne.NewStaticResource("other.svg", wide.Content()), 40, 40)
	if n, used := c.Len(); n != 2 || used > 2*4*40*40 {
		t.Fatalf("cache holds %d pictures, %d bytes; want 2 within the budget", n, used)
	}
	c.Get(wide, 40, 40) // dropped as the oldest: drawn again
	if n := c.Draws(); n != 4 {
		t.Fatalf("%d draws, want 4", n)
	}
}

// TestPNGScaledIntoBox: a raster picture is decoded and scaled into the
// box, centred.
func TestPNGScaledIntoBox(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 10, 20))
	for y := range 20 {
		for x := range 10 {
			src.Set(x, y, color.NRGBA{0, 0, 0xff, 0xff})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, src)
	img, err := NewCache(1<<20).Get(fyne.NewStaticResource("tall.png", buf.Bytes()), 40, 40)
	if err != nil {
		t.Fatal(err)
	}
	if alpha(img, 2, 20) != 0 || alpha(img, 20, 20) != 0xffff {
		t.Errorf("tall picture not centred in its box")
	}
}

// TestNewImage: the canvas image holds the drawn picture at its minimum
// size, a bad picture gives an empty image and no panic.
func TestNewImage(t *testing.T) {
	test.NewTempApp(t)
	img := New(wide, fyne.NewSize(60, 30))
	if img.MinSize() != fyne.NewSize(60, 30) || img.Image == nil || img.Image.Bounds().Dx() != 60 {
		t.Fatalf("image %v min %v", img.Image, img.MinSize())
	}
	bad := New(fyne.NewStaticResource("bad.svg", []byte("<svg")), fyne.NewSize(10, 10))
	if bad.Image != nil {
		t.Fatal("a broken picture should give an empty image")
	}
	if New(nil, fyne.NewSize(10, 10)).Image != nil {
		t.Fatal("no resource: empty image")
	}
}

// BenchmarkRasterize reports what drawing a pack-sized picture costs.
func BenchmarkRasterize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Rasterize(wide.Content(), 360, 280); err != nil {
			b.Fatal(err)
		}
	}
}
