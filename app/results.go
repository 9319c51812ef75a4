package app

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/visit"
	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/sync/event"
)

// sureBand is the posterior probability of the shown band below which it is
// marked "to be confirmed": the visitor stopped early, answered few items in
// the domain, or sits near the edge of two bands.
const sureBand = 0.6

// ResultsScreen shows one line per domain: its pictogram, its name, a level
// bar and a level word — before and after on a retake. No score or
// percentage is shown to a visitor.
type ResultsScreen struct {
	Rows    []*ResultRow
	Done    *widget.Button
	Speaker *widget.Button
	// Keep gives the visitor a picture code to come back with.
	Keep *widget.Button
	// Print makes the take-home sheet.
	Print   *widget.Button
	Message *widget.Label

	root fyne.CanvasObject
}

// ResultRow is the result of one domain as shown.
type ResultRow struct {
	Domain string
	// Tested is false when no question of the domain was answered: the row
	// says "not tested yet" and shows no level.
	Tested bool
	Band   int
	Bar    *widgets.LevelBar
	// Before is the level of the previous diagnostic, on a retake.
	Before *widgets.LevelBar
	Word   *widget.Label
	// Evolution says up, stable or down on a retake (plain text under the
	// level word: a label's padding would not leave room for five rows).
	Evolution *canvas.Text
	// Unsure says "to be confirmed" when the diagnostic is not sure of the band.
	Unsure *widget.Label
	// Next names the first skills to work on, from the diagnostic's
	// recommendations.
	Next *widget.Label
	// Practise ("Je m'entraîne") opens the module teaching the first skill
	// to work on; hidden when no module teaches it.
	Practise *widget.Button
}

// shownSteps is how many skills to work on a results line names: a visitor
// is given a next step, not a list of failures.
const shownSteps = 2

// stepTitles returns the plain titles of the first recommended skills.
func (k *Kiosk) stepTitles(skills []string) []string {
	var titles []string
	for _, id := range skills {
		if s, ok := k.cfg.Pack.Skill(id); ok && s.Title != "" {
			titles = append(titles, s.Title)
		}
		if len(titles) == shownSteps {
			break
		}
	}
	return titles
}

// moduleSkill returns the first recommended skill a module teaches.
func (k *Kiosk) moduleSkill(skills []string) string {
	for _, id := range skills {
		if len(k.cfg.Pack.ModulesFor(id)) > 0 {
			return id
		}
	}
	return ""
}

// nextSteps names the first recommended skills, by their plain titles.
func (k *Kiosk) nextSteps(skills []string) string {
	titles := k.stepTitles(skills)
	if len(titles) == 0 {
		return ""
	}
	return k.cat.T("results.next", "skills", strings.Join(titles, ", "))
}

// domainResult is one domain's result in the journaled form, whichever
// diagnostic it comes from.
type domainResult = event.DomainResult

// evolutionKey is the catalogue key of an evolution label.
func evolutionKey(label string) string { return "visit." + label }

// domainRows builds a row per domain of the pack for results (after), with
// before and its evolution labels when there is one.
func (k *Kiosk) domainRows(after []domainResult, before *learners.Diagnostic, evolution map[string]string) ([]*ResultRow, *fyne.Container) {
	byDomain := map[string]domainResult{}
	for _, r := range after {
		byDomain[r.Domain] = r
	}
	var out []*ResultRow
	rows := container.NewVBox()
	for _, d := range k.cfg.Pack.Domains {
		r := byDomain[d.ID]
		row := &ResultRow{Domain: d.ID, Tested: r.Items > 0, Band: r.Band}
		word, unsure := k.cat.T("visit.not_tested"), ""
		if row.Tested {
			word = k.cat.T(bandKey(r.Band))
			if r.BandProb < sureBand {
				unsure = k.cat.T("results.unsure")
			}
		} else {
			row.Band = 0
		}
		row.Bar = widgets.NewLevelBar(row.Band)
		if !row.Tested {
			row.Bar.Hide() // no level for a domain with no answer
		}
		row.Word = widget.NewLabelWithStyle(word, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		row.Unsure = widget.NewLabelWithStyle(unsure, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		row.Unsure.SizeName = theme.SizeNameCaptionText
		if unsure == "" {
			row.Unsure.Hide()
		}
		row.Evolution = canvas.NewText("", theme.Color(theme.ColorNameForeground))
		row.Evolution.TextStyle.Bold = true
		row.Evolution.TextSize = theme.TextSize()
		row.Evolution.Hide()
		bars := container.NewHBox(row.Bar)
		if before != nil {
			if b, ok := before.Result(d.ID); ok && row.Tested {
				row.Before = widgets.NewLevelBar(b.Band)
				// Before, an arrow, after: the header over the rows names them.
				bars = container.NewHBox(row.Before, container.NewCenter(widget.NewIcon(theme.NavigateNextIcon())), row.Bar)
				if lbl, ok := evolution[d.ID]; ok {
					row.Evolution.Text = k.cat.T(evolutionKey(lbl))
					row.Evolution.Show()
				}
			}
		}
		out = append(out, row)
		icon := canvas.NewImageFromResource(k.resource(d.Icon))
		icon.FillMode = canvas.ImageFillContain
		icon.SetMinSize(fyne.NewSize(56, 56))
		name := k.cat.T("domain." + d.ID)
		if name == "domain."+d.ID {
			name = d.Title
		}
		label := widget.NewLabel(name)
		row.Next = widget.NewLabel(k.nextSteps(r.Recommended))
		row.Next.SizeName = theme.SizeNameCaptionText
		row.Next.Wrapping = fyne.TextWrapWord // the whole list: a cut-off skill helps nobody
		if row.Next.Text == "" || !row.Tested {
			row.Next.Hide()
		}
		words := container.NewGridWrap(fyne.NewSize(250, 64), container.NewVBox(layout.NewSpacer(), row.Word, row.Unsure, layout.NewSpacer()))
		if row.Evolution.Visible() {
			// The change under the level word; the skills to work on stay on
			// the sheet, so five domains still fit 768 pixels.
			row.Unsure.Hide()
			row.Next.Hide()
			// The change tucked under the word (into the label's own
			// padding): one label height below, it sat on the row's edge,
			// nearer the next row's word than its own.
			pair := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.InnerPadding()), row.Word, row.Evolution)
			words = container.NewGridWrap(fyne.NewSize(250, 90), container.NewVBox(layout.NewSpacer(), pair, layout.NewSpacer()))
		}
		row.Practise = widget.NewButtonWithIcon(k.cat.T("learn.practise_skill"), theme.MediaPlayIcon(), nil)
		row.Practise.Hide()
		if skill := k.moduleSkill(r.Recommended); skill != "" && row.Tested {
			row.Practise.OnTapped = func() { k.practiseSkill(skill) }
			row.Practise.Show()
		}
		// The skills to work on on their own line, under the whole row:
		// squeezed beside the bars they wrapped onto three lines and five
		// domains no longer fit 768 pixels (seen in a real window).
		top := container.NewBorder(nil, nil, icon, container.NewHBox(bars, words, container.NewCenter(row.Practise)),
			container.NewVBox(layout.NewSpacer(), label, layout.NewSpacer()))
		if row.Before != nil && row.Practise.Visible() {
			// Beside the before/after bars and Je m'entraîne a long name is
			// shortened ("Les démarches e…"; the picture says the domain)
			// rather than widen the window past 1024 pixels.
			label.Truncation = fyne.TextTruncateEllipsis
		}
		indent := canvas.NewRectangle(color.Transparent)
		indent.SetMinSize(fyne.NewSize(56, 0))
		// The line's text tucked under the bars (into the label's own
		// top padding) and no rule between rows that have one: five such
		// rows fit above the buttons at 1024×768.
		rows.Add(container.New(layout.NewCustomPaddedVBoxLayout(-14), top, container.NewBorder(nil, nil, indent, nil, row.Next)))
		if !row.Next.Visible() {
			rows.Add(widget.NewSeparator())
		}
	}
	return out, rows
}

func newResultsScreen(k *Kiosk, f *visit.Finished) *ResultsScreen {
	s := &ResultsScreen{}
	evo := map[string]string{}
	for d, e := range f.Evolution {
		evo[d] = e.String()
	}
	after := visit.ResultsEvent(f.Results)
	if f.Answered == 0 {
		after = nil // nothing answered: every domain "not tested yet"
	}
	var rows *fyne.Container
	s.Rows, rows = k.domainRows(after, f.Before, evo)
	title := widget.NewLabelWithStyle(k.cat.T("results.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	s.Speaker = speakerButton(k, func() string { return k.cat.T("say.results") })
	var head fyne.CanvasObject = title
	if f.Before != nil {
		head = container.NewHBox(title, layout.NewSpacer(), beforeAfterHeader(k))
	}
	s.Done = widget.NewButtonWithIcon(k.cat.T("visit.done"), theme.HomeIcon(), k.EndVisit)
	s.Keep = widget.NewButtonWithIcon(k.cat.T("visit.keep"), theme.DocumentSaveIcon(), k.keepCode)
	s.Keep.Importance = widget.HighImportance
	s.Message = widget.NewLabel("")
	s.Message.Wrapping = fyne.TextWrapWord
	s.Message.Hide() // shown with a message only: five domains need the room
	s.Print = widget.NewButtonWithIcon(k.cat.T("visit.print"), theme.DocumentPrintIcon(), func() {
		k.printSheet(func(msg string) { s.Message.SetText(msg); s.Message.Show() })
	})
	if f.Answered == 0 || k.visit.Code() != "" || k.device.NoCodes {
		s.Keep.Hide() // nothing to keep, kept already, or the site keeps no codes
	}
	if f.Answered == 0 {
		s.Print.Hide()
	}
	top := container.NewBorder(nil, nil, nil, k.soundControls(s.Speaker), head)
	// The buttons shown, centred (a hidden one left a hole on the right).
	buttons := container.NewGridWithColumns(1)
	for _, b := range []*widget.Button{s.Keep, s.Print, s.Done} {
		if b.Visible() {
			buttons.Add(b)
		}
	}
	buttons.Layout = layout.NewGridLayoutWithColumns(len(buttons.Objects))
	bottom := container.NewVBox(s.Message, container.NewCenter(container.NewGridWrap(fyne.NewSize(320*float32(len(buttons.Objects)), 80), buttons)))
	s.root = container.NewPadded(container.NewBorder(top, container.NewCenter(bottom), nil, nil, container.NewVScroll(rows)))
	return s
}

// beforeAfterHeader names the two bars of a before/after row.
func beforeAfterHeader(k *Kiosk) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(k.cat.T("visit.before")+"  →  "+k.cat.T("visit.after"), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	return l
}

func bandKey(band int) string {
	switch {
	case band <= 0:
		return "results.band0"
	case band == 1:
		return "results.band1"
	case band == 2:
		return "results.band2"
	}
	return "results.band3"
}
