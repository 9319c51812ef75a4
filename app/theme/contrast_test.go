package theme

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	fynetheme "fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2's relative luminance of c.
func luminance(c color.Color) float64 {
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

// Contrast is WCAG 2's contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestTextContrast: every colour the kiosk draws text in reaches 4.5:1 on
// every surface it is drawn on (WCAG AA for normal text; our large text
// needs only 3:1, so this is stricter).
func TestTextContrast(t *testing.T) {
	test.NewTempApp(t)
	k := New()
	c := func(n fyne.ThemeColorName) color.Color { return k.Color(n, fynetheme.VariantLight) }
	surfaces := map[string]color.Color{
		"background":     c(fynetheme.ColorNameBackground),
		"button":         c(fynetheme.ColorNameButton),
		"input":          c(fynetheme.ColorNameInputBackground),
		"success tint":   SuccessTint,
		"feedback tint":  FeedbackTint,
		"selected card":  Selected,
		"overlay":        c(fynetheme.ColorNameOverlayBackground),
		"disabled fill":  c(fynetheme.ColorNameDisabledButton),
		"menu":           c(fynetheme.ColorNameMenuBackground),
		"header":         c(fynetheme.ColorNameHeaderBackground),
		"opaque primary": c(fynetheme.ColorNamePrimary),
	}
	texts := map[string]color.Color{
		"foreground": c(fynetheme.ColorNameForeground),
		"primary":    c(fynetheme.ColorNamePrimary),
		"hyperlink":  c(fynetheme.ColorNameHyperlink),
		"success":    c(fynetheme.ColorNameSuccess),
		"warning":    c(fynetheme.ColorNameWarning),
		"error":      c(fynetheme.ColorNameError),
	}
	// Text colours drawn on one surface only.
	pairs := []struct {
		text, on string
		fg, bg   color.Color
		min      float64
	}{
		{"on primary", "primary", c(fynetheme.ColorNameForegroundOnPrimary), c(fynetheme.ColorNamePrimary), 4.5},
		{"on success", "success", c(fynetheme.ColorNameForegroundOnSuccess), c(fynetheme.ColorNameSuccess), 4.5},
		{"on warning", "warning", c(fynetheme.ColorNameForegroundOnWarning), c(fynetheme.ColorNameWarning), 4.5},
		{"on error", "error", c(fynetheme.ColorNameForegroundOnError), c(fynetheme.ColorNameError), 4.5},
		// Placeholders and disabled labels: still readable.
		{"placeholder", "input", c(fynetheme.ColorNamePlaceHolder), c(fynetheme.ColorNameInputBackground), 4.5},
		{"disabled", "disabled fill", c(fynetheme.ColorNameDisabled), c(fynetheme.ColorNameDisabledButton), 4.5},
		{"disabled", "background", c(fynetheme.ColorNameDisabled), c(fynetheme.ColorNameBackground), 4.5},
		// The modules grid marks the chosen domain with the selection
		// colour under its name (app/learn's TestGridChosenDomainContrast
		// checks the tab as drawn); it was the warning fill, 2.9:1.
		{"chosen domain's name", "selection", c(fynetheme.ColorNameForeground), c(fynetheme.ColorNameSelection), 4.5},
	}
	for tn, fg := range texts {
		for sn, bg := range surfaces {
			if tn == "primary" && sn == "opaque primary" || tn == "hyperlink" && sn == "opaque primary" {
				continue
			}
			if sn == "opaque primary" {
				continue // only white text is drawn on primary
			}
			pairs = append(pairs, struct {
				text, on string
				fg, bg   color.Color
				min      float64
			}{tn, sn, fg, bg, 4.5})
		}
	}
	for _, p := range pairs {
		if r := contrast(p.fg, p.bg); r < p.min {
			t.Errorf("%s text on %s: %.2f:1, want ≥ %.1f:1 (%s on %s)", p.text, p.on, r, p.min, hex(p.fg), hex(p.bg))
		}
	}
	// The figure the walk-through measured: Fyne's orange on our cream.
	if r := contrast(color.NRGBA{R: 0xff, G: 0x98, B: 0x00, A: 0xff}, Background); r > 2.2 {
		t.Errorf("the contrast formula is off: #FF9800 on cream gives %.2f, want about 2.07", r)
	}
}

func hex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02X%02X%02X", r>>8, g>>8, b>>8)
}
