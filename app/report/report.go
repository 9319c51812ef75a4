// Package report draws the mediator's documents as A4 PDFs: the summary
// of a group session and the mediator's sheet of one learner. Both are a
// title, a subtitle, then sections of lines; a line may start with a
// picture code drawn small or a level drawn as bars (before and after on a
// retake). It follows the take-home sheet's approach (package sheet):
// go-pdf/fpdf, the embedded Andika font, SVG pictures rasterised, every
// text arriving translated.
//
// Package report imports no Fyne.
package report

import (
	"bytes"
	"fmt"
	"image/png"

	"github.com/go-pdf/fpdf"

	"github.com/tremplin-numerique/tremplin/app/sheet"
	"github.com/tremplin-numerique/tremplin/assets"
)

// Doc is one document.
type Doc struct {
	Title, Subtitle string
	Sections        []Section
	// Footer is printed small after the last section ("" for none).
	Footer string
}

// Section is a heading and its lines.
type Section struct {
	Heading string
	Lines   []Line
}

// Line is one line of a section.
type Line struct {
	// Code is a picture code drawn small before the text (nil: none).
	Code []sheet.Picture
	// Level, when set, is drawn as bars before the text.
	Level *Level
	Text  string
	Bold  bool
	// Sub is a smaller second text under Text ("" for none).
	Sub string
}

// Level is a level band (0..3), and the one before it on a retake.
type Level struct {
	Band       int
	HasBefore  bool
	BeforeBand int
}

const (
	margin  = 15.0
	pageH   = 297.0
	width   = 210.0 - 2*margin
	codePic = 7.0 // mm, one picture of a code
)

// Build returns the document as an A4 PDF.
func Build(d Doc) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreator("Tremplin", true)
	pdf.SetTitle(d.Title, true)
	pdf.AddUTF8FontFromBytes("andika", "", assets.FontRegular())
	pdf.AddUTF8FontFromBytes("andika", "B", assets.FontBold())
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin)
	pdf.AddPage()

	pdf.SetFont("andika", "B", 20)
	pdf.MultiCell(0, 9, d.Title, "", "L", false)
	if d.Subtitle != "" {
		pdf.SetFont("andika", "", 11)
		pdf.MultiCell(0, 6, d.Subtitle, "", "L", false)
	}
	pics := map[string]string{} // SVG already registered, by content
	for _, s := range d.Sections {
		if pdf.GetY() > pageH-margin-20 {
			pdf.AddPage()
		}
		pdf.Ln(3)
		pdf.SetFont("andika", "B", 13)
		pdf.MultiCell(0, 7, s.Heading, "", "L", false)
		pdf.SetDrawColor(26, 26, 46)
		pdf.SetLineWidth(0.3)
		pdf.Line(margin, pdf.GetY(), margin+width, pdf.GetY())
		pdf.Ln(1.5)
		for _, l := range s.Lines {
			if err := line(pdf, l, pics); err != nil {
				return nil, err
			}
		}
	}
	if d.Footer != "" {
		pdf.Ln(3)
		pdf.SetFont("andika", "", 9)
		pdf.MultiCell(0, 4.5, d.Footer, "", "L", false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("write report %q: %w", d.Title, err)
	}
	return buf.Bytes(), nil
}

// line draws one line: its picture code or level bars, then its texts.
func line(pdf *fpdf.Fpdf, l Line, pics map[string]string) error {
	if pdf.GetY() > pageH-margin-10 {
		pdf.AddPage()
	}
	y := pdf.GetY()
	x := margin
	lead := 0.0 // height of what is drawn before the text
	if len(l.Code) > 0 {
		for _, p := range l.Code {
			name, ok := pics[string(p.SVG)]
			if !ok {
				name = fmt.Sprintf("pic%d", len(pics))
				img, err := sheet.Rasterise(p.SVG, 96)
				if err != nil {
					return fmt.Errorf("picture %s: %w", p.Name, err)
				}
				var buf bytes.Buffer
				if err := png.Encode(&buf, img); err != nil {
					return fmt.Errorf("picture %s: %w", p.Name, err)
				}
				pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf)
				pics[string(p.SVG)] = name
			}
			pdf.ImageOptions(name, x, y+0.5, codePic, codePic, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			x += codePic + 0.8
		}
		x += 2
		lead = codePic + 1
	}
	if lv := l.Level; lv != nil {
		if lv.HasBefore {
			sheet.Bars(pdf, x, y, lv.BeforeBand, true, reportBars)
			x += 11
		}
		sheet.Bars(pdf, x, y, lv.Band, false, reportBars)
		x += 13
		lead = max(lead, 8)
	}
	pdf.SetXY(x, y)
	style := ""
	if l.Bold {
		style = "B"
	}
	pdf.SetFont("andika", style, 10.5)
	pdf.MultiCell(margin+width-x, 5, l.Text, "", "L", false)
	if l.Sub != "" {
		pdf.SetX(x)
		pdf.SetFont("andika", "", 9)
		pdf.MultiCell(margin+width-x, 4.3, l.Sub, "", "L", false)
	}
	pdf.SetY(max(pdf.GetY(), y+lead) + 1.2)
	return pdf.Error()
}

// reportBars are the take-home sheet's bars, smaller.
var reportBars = sheet.BarSize{First: 2.5, Grow: 2, Step: 3.5, Width: 2.6, Box: 7, Line: 0.3}
