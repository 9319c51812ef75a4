package main

import (
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The kiosk draws pictures with Fyne's SVG renderer, which ignores <text>.
// Mock screens need words (a button's label, "(facultatif)", an app's
// name), so their sources keep readable <text> elements and `pictures`
// turns each into a <path> drawn with the kiosk's own font.

var (
	reText = regexp.MustCompile(`(?s)<text\b([^>]*)>(.*?)</text>`)
	reAttr = regexp.MustCompile(`([a-z-]+)="([^"]*)"`)
	reTag  = regexp.MustCompile(`<[^>]*>`)
	reRect = regexp.MustCompile(`<rect\b[^>]*>`)
	reRx   = regexp.MustCompile(`\brx="([^"]*)"`)
)

// roundRects gives every rounded <rect> its ry: the renderer reads a
// missing ry as 0 (square corners) where SVG means ry = rx.
func roundRects(svg string) string {
	return reRect.ReplaceAllStringFunc(svg, func(el string) string {
		m := reRx.FindStringSubmatch(el)
		if m == nil || strings.Contains(el, " ry=") {
			return el
		}
		return strings.Replace(el, m[0], m[0]+` ry="`+m[1]+`"`, 1)
	})
}

// glyphFonts holds the regular and bold faces.
type glyphFonts struct{ regular, bold *sfnt.Font }

func loadFont(file string) (*sfnt.Font, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	f, err := sfnt.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", file, err)
	}
	return f, nil
}

// flattenText returns svg with every <text> element replaced by a path.
func flattenText(svg string, fonts glyphFonts) (string, error) {
	var firstErr error
	out := reText.ReplaceAllStringFunc(svg, func(el string) string {
		m := reText.FindStringSubmatch(el)
		attrs := map[string]string{}
		for _, a := range reAttr.FindAllStringSubmatch(m[1], -1) {
			attrs[a[1]] = a[2]
		}
		text := html.UnescapeString(reTag.ReplaceAllString(m[2], ""))
		d, err := textPath(text, attrs, fonts)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		fill := attrs["fill"]
		if fill == "" {
			fill = "#1a1a2e"
		}
		return fmt.Sprintf(`<path d="%s" fill="%s"/>`, d, fill)
	})
	return roundRects(out), firstErr
}

func num(attrs map[string]string, key string, def float64) float64 {
	v, err := strconv.ParseFloat(strings.TrimSuffix(attrs[key], "px"), 64)
	if err != nil {
		return def
	}
	return v
}

// textPath lays text out on one line at (x, y) (the baseline) and returns
// the SVG path data of its glyphs.
func textPath(text string, attrs map[string]string, fonts glyphFonts) (string, error) {
	f := fonts.regular
	if w := attrs["font-weight"]; w == "bold" || w == "700" {
		f = fonts.bold
	}
	size := num(attrs, "font-size", 12)
	x, y := num(attrs, "x", 0), num(attrs, "y", 0)
	var buf sfnt.Buffer
	// Lay out at 64 units per pixel of a 1000 px font, then scale: the
	// font's hinting plays no part and coordinates stay precise.
	const unit = 1000.0
	ppem := fixed.Int26_6(unit * 64)
	scale := size / unit
	var width fixed.Int26_6
	type placed struct {
		idx sfnt.GlyphIndex
		at  fixed.Int26_6
	}
	var glyphs []placed
	prev := sfnt.GlyphIndex(0)
	for i, r := range text {
		idx, err := f.GlyphIndex(&buf, r)
		if err != nil || idx == 0 {
			return "", fmt.Errorf("font has no glyph for %q", r)
		}
		if i > 0 {
			if k, err := f.Kern(&buf, prev, idx, ppem, font.HintingNone); err == nil {
				width += k
			}
		}
		glyphs = append(glyphs, placed{idx, width})
		adv, err := f.GlyphAdvance(&buf, idx, ppem, font.HintingNone)
		if err != nil {
			return "", err
		}
		width += adv
		prev = idx
	}
	switch attrs["text-anchor"] {
	case "middle":
		x -= float64(width) / 64 * scale / 2
	case "end":
		x -= float64(width) / 64 * scale
	}
	var d strings.Builder
	pt := func(p fixed.Point26_6, at fixed.Int26_6) string {
		px := x + float64(p.X+at)/64*scale
		py := y + float64(p.Y)/64*scale
		return strconv.FormatFloat(px, 'f', 1, 64) + " " + strconv.FormatFloat(py, 'f', 1, 64)
	}
	for _, g := range glyphs {
		segs, err := f.LoadGlyph(&buf, g.idx, ppem, nil)
		if err != nil {
			return "", err
		}
		for _, s := range segs {
			switch s.Op {
			case sfnt.SegmentOpMoveTo:
				d.WriteString("M" + pt(s.Args[0], g.at))
			case sfnt.SegmentOpLineTo:
				d.WriteString("L" + pt(s.Args[0], g.at))
			case sfnt.SegmentOpQuadTo:
				d.WriteString("Q" + pt(s.Args[0], g.at) + " " + pt(s.Args[1], g.at))
			case sfnt.SegmentOpCubeTo:
				d.WriteString("C" + pt(s.Args[0], g.at) + " " + pt(s.Args[1], g.at) + " " + pt(s.Args[2], g.at))
			}
		}
		d.WriteString("Z")
	}
	return d.String(), nil
}

// pictures flattens the text of every SVG source of SRC into DST.
func pictures(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("pictures", flag.ContinueOnError)
	fontDir := fs.String("fonts", "assets/fonts", "folder of TremplinLecture-Regular.ttf and -Bold.ttf")
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return errors.New("give the source folder and the pack's images folder")
	}
	src, dst := fs.Arg(0), fs.Arg(1)
	reg, err := loadFont(filepath.Join(*fontDir, "TremplinLecture-Regular.ttf"))
	if err != nil {
		return err
	}
	bold, err := loadFont(filepath.Join(*fontDir, "TremplinLecture-Bold.ttf"))
	if err != nil {
		return err
	}
	files, _ := filepath.Glob(filepath.Join(src, "*.svg"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		out, err := flattenText(string(b), glyphFonts{reg, bold})
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(file)), []byte(out), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "wrote %d pictures into %s\n", len(files), dst)
	return nil
}
