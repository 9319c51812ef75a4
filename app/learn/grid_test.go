package learn_test

import (
	"image"
	"image/color"
	"math"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/tremplin-numerique/tremplin/app/learn"
	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
)

// contrast is WCAG 2's contrast ratio of two opaque colours (as
// app/theme's TestTextContrast computes it).
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		ch := func(v uint32) float64 {
			s := float64(v) / 0xffff
			if s <= 0.03928 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// fill returns the commonest colour of img inside r: the face a button's
// name is written on.
func fill(img image.Image, r image.Rectangle) color.Color {
	count := map[color.RGBA]int{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, ca := img.At(x, y).RGBA()
			count[color.RGBA{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), uint8(ca >> 8)}]++
		}
	}
	var best color.RGBA
	for c, n := range count {
		if n > count[best] {
			best = c
		}
	}
	return best
}

// TestGridChosenDomainContrast: in the modules grid drawn with the kiosk
// theme, the chosen domain's name (the theme's text colour) reaches 4.5:1
// on the face it is drawn on, and that face differs from the other
// domains' so the choice shows; the same after choosing another domain.
func TestGridChosenDomainContrast(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(kiosktheme.New())
	h := newHost(t)
	g := learn.NewGrid(h, h.pack, "")
	w := test.NewWindow(g.View())
	w.Resize(fyne.NewSize(1024, 768))
	defer w.Close()
	text := theme.Color(theme.ColorNameForeground)
	faces := func() []color.Color {
		img := w.Canvas().Capture()
		scale := float32(img.Bounds().Dx()) / w.Canvas().Size().Width
		var out []color.Color
		for _, b := range g.Domains {
			p := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
			s := b.Size()
			r := image.Rect(int(p.X*scale), int(p.Y*scale), int((p.X+s.Width)*scale), int((p.Y+s.Height)*scale))
			out = append(out, fill(img, r))
		}
		return out
	}
	for _, domain := range []string{g.DomainIDs[0], "communiquer"} {
		test.Tap(g.Domains[slices.Index(g.DomainIDs, domain)])
		fs := faces()
		chosen := slices.Index(g.DomainIDs, domain)
		if r := contrast(text, fs[chosen]); r < 4.5 {
			t.Errorf("%s chosen: its name at %.2f:1 on %v, want ≥ 4.5:1", domain, r, fs[chosen])
		}
		for i, f := range fs {
			if i != chosen && f == fs[chosen] {
				t.Errorf("%s chosen: it looks like %s (%v)", domain, g.DomainIDs[i], f)
			}
			if r := contrast(text, f); r < 4.5 {
				t.Errorf("%s: name at %.2f:1 on %v", g.DomainIDs[i], r, f)
			}
		}
	}
}
