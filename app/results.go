package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/assessment"
)

// sureBand is the posterior probability of the shown band below which it is
// marked "to be confirmed": the visitor stopped early, answered few items in
// the domain, or sits near the edge of two bands.
const sureBand = 0.6

// ResultsScreen shows one line per domain: its pictogram, its name, a level
// bar and a level word. No score or percentage is shown to a visitor.
type ResultsScreen struct {
	Rows    []*ResultRow
	Done    *widget.Button
	Speaker *widget.Button

	root fyne.CanvasObject
}

// ResultRow is the result of one domain as shown.
type ResultRow struct {
	Domain string
	Band   int
	Bar    *widgets.LevelBar
	Word   *widget.Label
	// Unsure says "to be confirmed" when the diagnostic is not sure of the band.
	Unsure *widget.Label
	// Next names the first skills to work on, from the diagnostic's
	// recommendations.
	Next *widget.Label
}

// shownSteps is how many skills to work on a results line names: a visitor
// is given a next step, not a list of failures.
const shownSteps = 2

// nextSteps names the first recommended skills, by their plain titles.
func (k *Kiosk) nextSteps(skills []string) string {
	var titles []string
	for _, id := range skills {
		if s, ok := k.cfg.Pack.Skill(id); ok && s.Title != "" {
			titles = append(titles, s.Title)
		}
		if len(titles) == shownSteps {
			break
		}
	}
	if len(titles) == 0 {
		return ""
	}
	return k.cat.T("results.next", "skills", strings.Join(titles, ", "))
}

func newResultsScreen(k *Kiosk, results []assessment.DomainResult) *ResultsScreen {
	s := &ResultsScreen{}
	byDomain := map[string]assessment.DomainResult{}
	for _, r := range results {
		byDomain[r.Domain] = r
	}
	rows := container.NewVBox()
	for _, d := range k.cfg.Pack.Domains {
		r, answered := byDomain[d.ID]
		word, unsure := k.cat.T("results.none"), ""
		if answered && r.Items > 0 {
			word = k.cat.T(bandKey(r.Band))
			if r.BandProb < sureBand {
				unsure = k.cat.T("results.unsure")
			}
		}
		row := &ResultRow{Domain: d.ID, Band: r.Band, Bar: widgets.NewLevelBar(r.Band),
			Word:   widget.NewLabelWithStyle(word, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			Unsure: widget.NewLabelWithStyle(unsure, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})}
		row.Unsure.SizeName = theme.SizeNameCaptionText
		if unsure == "" {
			row.Unsure.Hide()
		}
		s.Rows = append(s.Rows, row)
		icon := canvas.NewImageFromResource(k.resource(d.Icon))
		icon.FillMode = canvas.ImageFillContain
		icon.SetMinSize(fyne.NewSize(64, 64))
		name := k.cat.T("domain." + d.ID)
		if name == "domain."+d.ID {
			name = d.Title
		}
		label := widget.NewLabel(name)
		row.Next = widget.NewLabel(k.nextSteps(r.Recommended))
		row.Next.SizeName = theme.SizeNameCaptionText
		row.Next.Wrapping = fyne.TextWrapWord // the whole list: a cut-off skill helps nobody
		if row.Next.Text == "" {
			row.Next.Hide()
		}
		rows.Add(container.NewBorder(nil, nil, icon, container.NewHBox(row.Bar, container.NewGridWrap(fyne.NewSize(280, 70), container.NewVBox(layout.NewSpacer(), row.Word, row.Unsure, layout.NewSpacer()))),
			container.NewVBox(label, row.Next)))
		rows.Add(widget.NewSeparator())
	}
	title := widget.NewLabelWithStyle(k.cat.T("results.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	s.Speaker = speakerButton(k, func() string { return k.cat.T("say.results") })
	s.Done = widget.NewButtonWithIcon(k.cat.T("results.done"), theme.HomeIcon(), k.ShowWelcome)
	s.Done.Importance = widget.HighImportance
	top := container.NewBorder(nil, nil, nil, k.soundControls(s.Speaker), title)
	bottom := container.NewCenter(container.NewGridWrap(fyne.NewSize(360, 90), s.Done))
	s.root = container.NewPadded(container.NewBorder(top, bottom, nil, nil, container.NewVScroll(rows)))
	return s
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
