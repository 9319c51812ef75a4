// Package sheet draws the take-home sheet as a PDF: a person's picture
// code drawn large, the date, a level per domain as pictures (bars, and
// before/after on a retake), and the skills to work on, each with its
// pictogram. The kiosk prints it
// for a visitor; the mediator workspace reuses it for its learner sheet.
//
// Every text arrives translated (the caller owns the catalogue), pictures
// arrive as SVG (rasterised here), and the font is the project's Andika
// subset, embedded. Package sheet imports no Fyne.
package sheet

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"github.com/fyne-io/oksvg"
	"github.com/go-pdf/fpdf"
	"github.com/srwiley/rasterx"

	"github.com/tremplin-numerique/tremplin/assets"
)

// Picture is an SVG picture with its name (spoken and printed under it).
type Picture struct {
	Name string
	SVG  []byte
}

// Domain is one line of results.
type Domain struct {
	Title string
	Icon  []byte // SVG; nil draws none
	// Tested is false for a domain with no answer: it shows Labels.NotTested,
	// never a level.
	Tested bool
	Band   int // 0..3
	Word   string
	// HasBefore, BeforeBand and Evolution compare with an earlier diagnostic.
	HasBefore  bool
	BeforeBand int
	Evolution  string
	// Skills are the skills to work on.
	Skills []Skill
}

// Skill is a skill to work on: its title and pictogram (SVG; nil draws
// none, the title keeps its place).
type Skill struct {
	Title string
	Icon  []byte
}

// Labels are the sheet's fixed texts, translated by the caller.
type Labels struct {
	Title, Code, Results, NotTested, Before, After, Work, Footer string
}

// Sheet is what a take-home sheet shows.
type Sheet struct {
	Labels  Labels
	Date    string
	Site    string // "" when the device is not enrolled
	Code    []Picture
	Domains []Domain
}

// Build returns the sheet as an A4 PDF of one or two pages.
func Build(s Sheet) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreator("Tremplin", true)
	pdf.SetTitle(s.Labels.Title, true)
	pdf.AddUTF8FontFromBytes("andika", "", assets.FontRegular())
	pdf.AddUTF8FontFromBytes("andika", "B", assets.FontBold())
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 15)
	pdf.AddPage()

	pdf.SetFont("andika", "B", 24)
	pdf.CellFormat(0, 12, s.Labels.Title, "", 1, "L", false, 0, "")
	pdf.SetFont("andika", "", 13)
	line := s.Date
	if s.Site != "" {
		line += " — " + s.Site
	}
	pdf.CellFormat(0, 8, line, "", 1, "L", false, 0, "")
	pdf.Ln(3)

	n := 0
	if len(s.Code) > 0 {
		pdf.SetFont("andika", "B", 16)
		pdf.CellFormat(0, 9, s.Labels.Code, "", 1, "L", false, 0, "")
		const size, gap = 34.0, 6.0
		x0 := (210 - float64(len(s.Code))*size - float64(len(s.Code)-1)*gap) / 2
		y := pdf.GetY() + 2
		pdf.SetFont("andika", "", 12)
		for i, p := range s.Code {
			x := x0 + float64(i)*(size+gap)
			pdf.SetDrawColor(26, 26, 46)
			pdf.SetLineWidth(0.8)
			pdf.RoundedRect(x, y, size, size, 4, "1234", "D")
			if err := drawSVG(pdf, fmt.Sprintf("code%d", n), p.SVG, x+4, y+4, size-8); err != nil {
				return nil, fmt.Errorf("code picture %s: %w", p.Name, err)
			}
			n++
			pdf.SetXY(x, y+size+1)
			pdf.CellFormat(size, 6, p.Name, "", 0, "C", false, 0, "")
		}
		pdf.SetY(y + size + 10)
	}

	pdf.SetFont("andika", "B", 16)
	pdf.CellFormat(0, 9, s.Labels.Results, "", 1, "L", false, 0, "")
	pdf.Ln(1)
	for i, d := range s.Domains {
		if pdf.GetY() > 297-15-34 {
			pdf.AddPage()
		}
		y := pdf.GetY()
		if d.Icon != nil {
			if err := drawSVG(pdf, fmt.Sprintf("dom%d", i), d.Icon, 15, y, 18); err != nil {
				return nil, fmt.Errorf("icon of %s: %w", d.Title, err)
			}
		}
		pdf.SetXY(37, y)
		pdf.SetFont("andika", "B", 14)
		pdf.CellFormat(80, 7, d.Title, "", 0, "L", false, 0, "")
		pdf.SetFont("andika", "", 12)
		if !d.Tested {
			pdf.SetXY(120, y)
			pdf.CellFormat(75, 7, s.Labels.NotTested, "", 0, "L", false, 0, "")
		} else {
			x := 120.0
			if d.HasBefore {
				pdf.SetXY(x, y-1)
				pdf.SetFont("andika", "", 9)
				pdf.CellFormat(20, 4, s.Labels.Before, "", 0, "L", false, 0, "")
				Bars(pdf, x, y+3, d.BeforeBand, true, sheetBars)
				x += 24
				pdf.SetXY(x, y-1)
				pdf.CellFormat(20, 4, s.Labels.After, "", 0, "L", false, 0, "")
			}
			Bars(pdf, x, y+3, d.Band, false, sheetBars)
			pdf.SetFont("andika", "B", 12)
			pdf.SetXY(x+21, y+1)
			pdf.MultiCell(195-x-21, 5.5, d.Word, "", "L", false)
			if d.Evolution != "" {
				pdf.SetFont("andika", "", 11)
				pdf.SetX(x + 21)
				pdf.MultiCell(195-x-21, 5.5, d.Evolution, "", "L", false)
			}
		}
		pdf.SetXY(37, y+8)
		if len(d.Skills) > 0 {
			pdf.SetFont("andika", "", 11)
			pdf.CellFormat(80, 5, s.Labels.Work, "", 2, "L", false, 0, "")
			for j, sk := range d.Skills {
				// A pictogram beside each title, so a person who reads
				// little finds the module with the same picture.
				sy := pdf.GetY() + 0.5
				if sk.Icon != nil {
					if err := drawSVG(pdf, fmt.Sprintf("skill%d-%d", i, j), sk.Icon, 38, sy, skillIcon); err != nil {
						return nil, fmt.Errorf("pictogram of %s: %w", sk.Title, err)
					}
				}
				pdf.SetXY(38+skillIcon+2, sy+(skillIcon-5)/2)
				pdf.MultiCell(80-skillIcon-3, 5, sk.Title, "", "L", false)
				pdf.SetY(max(pdf.GetY(), sy+skillIcon) + 1)
			}
		}
		pdf.SetY(max(pdf.GetY(), y+20) + 3)
		pdf.SetDrawColor(200, 200, 200)
		pdf.SetLineWidth(0.3)
		pdf.Line(15, pdf.GetY()-1.5, 195, pdf.GetY()-1.5)
	}
	if s.Labels.Footer != "" {
		pdf.Ln(2)
		pdf.SetFont("andika", "", 10)
		pdf.MultiCell(0, 5, s.Labels.Footer, "", "L", false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("write sheet: %w", err)
	}
	return buf.Bytes(), nil
}

// skillIcon is the side of a skill's pictogram, in mm.
const skillIcon = 7.0

// BarSize is the geometry of a level drawn as three bars, in mm: the
// first bar's height and how much each next one grows, the distance from one
// bar to the next, each bar's width, the box the bars stand at the bottom of,
// and the line width.
type BarSize struct{ First, Grow, Step, Width, Box, Line float64 }

// sheetBars are the take-home sheet's bars.
var sheetBars = BarSize{First: 4, Grow: 3, Step: 6, Width: 4.5, Box: 10, Line: 0.4}

// Bars draws a level as three bars growing in height, band of them filled
// (faded for a previous level): the same picture as the kiosk's level bar.
func Bars(pdf *fpdf.Fpdf, x, y float64, band int, faded bool, sz BarSize) {
	for i := range 3 {
		h := sz.First + float64(i)*sz.Grow
		bx, by := x+float64(i)*sz.Step, y+sz.Box-h
		pdf.SetDrawColor(26, 26, 46)
		pdf.SetLineWidth(sz.Line)
		switch {
		case i < band && faded:
			pdf.SetFillColor(170, 190, 225)
		case i < band:
			pdf.SetFillColor(33, 90, 180)
		default:
			pdf.SetFillColor(255, 255, 255)
		}
		pdf.Rect(bx, by, sz.Width, h, "FD")
	}
}

// drawSVG rasterises an SVG picture and places it as a size×size mm square.
func drawSVG(pdf *fpdf.Fpdf, name string, svg []byte, x, y, size float64) error {
	img, err := Rasterise(svg, 256)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf)
	pdf.ImageOptions(name, x, y, size, size, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	return pdf.Error()
}

// Rasterise draws an SVG picture into a px×px image.
func Rasterise(svg []byte, px int) (image.Image, error) {
	icon, err := oksvg.ReadIconStream(bytes.NewReader(svg), oksvg.IgnoreErrorMode)
	if err != nil {
		return nil, fmt.Errorf("read svg: %w", err)
	}
	icon.SetTarget(0, 0, float64(px), float64(px))
	img := image.NewRGBA(image.Rect(0, 0, px, px))
	scanner := rasterx.NewScannerGV(px, px, img, img.Bounds())
	icon.Draw(rasterx.NewDasher(px, px, scanner), 1)
	return img, nil
}
