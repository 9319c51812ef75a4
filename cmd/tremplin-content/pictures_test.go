package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFlattenText: every <text> becomes a filled path in the kiosk's font
// (Fyne's SVG renderer draws no text), anchored as asked, and rounded
// rectangles get their ry.
func TestFlattenText(t *testing.T) {
	reg, err := loadFont(filepath.Join("..", "..", "assets", "fonts", "TremplinLecture-Regular.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	bold, err := loadFont(filepath.Join("..", "..", "assets", "fonts", "TremplinLecture-Bold.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	src := `<svg viewBox="0 0 100 50"><rect x="1" y="1" width="10" height="10" rx="3"/>` +
		`<text x="50" y="30" font-size="12" text-anchor="middle" fill="#c62828">Valider</text>` +
		`<text x="0" y="45" font-weight="bold">à @</text></svg>`
	out, err := flattenText(src, glyphFonts{reg, bold})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "<text") {
		t.Errorf("text left in %s", out)
	}
	if strings.Count(out, "<path") != 2 || !strings.Contains(out, `fill="#c62828"`) {
		t.Errorf("want 2 paths, the first red: %s", out)
	}
	if !strings.Contains(out, `rx="3" ry="3"`) {
		t.Errorf("rounded rect without ry: %s", out)
	}
	// Centred on x=50: the word's first point lies left of 50.
	d := out[strings.Index(out, `d="M`)+4:]
	if x := d[:strings.IndexAny(d, " ")]; x >= "50" && len(x) == 2 {
		t.Errorf("text-anchor middle ignored, first x %s", x)
	}
	if _, err := flattenText(`<text>★</text>`, glyphFonts{reg, bold}); err == nil {
		t.Error("a sign the font lacks: no error")
	}
}
