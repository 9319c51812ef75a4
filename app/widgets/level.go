package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
)

// Steps is how many bars a LevelBar has: one per level band above 0.
const Steps = 3

// LevelBar shows a level band as rising bars, like a phone's signal: a
// picture a visitor reads without numbers or percentages.
type LevelBar struct {
	widget.BaseWidget
	Band int // 0..Steps
}

// NewLevelBar returns a bar showing band.
func NewLevelBar(band int) *LevelBar {
	b := &LevelBar{Band: band}
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer draws Steps bars of growing height, filled up to Band.
func (b *LevelBar) CreateRenderer() fyne.WidgetRenderer {
	var bars []fyne.CanvasObject
	for i := 0; i < Steps; i++ {
		r := canvas.NewRectangle(kiosktheme.Muted)
		r.CornerRadius = 4
		r.StrokeColor = kiosktheme.Text
		r.StrokeWidth = 2
		if i < b.Band {
			r.FillColor = kiosktheme.Success
		}
		h := float32(24 + 16*i)
		r.SetMinSize(fyne.NewSize(28, h))
		spacer := canvas.NewRectangle(color.Transparent)
		spacer.SetMinSize(fyne.NewSize(28, float32(16*(Steps-1-i))))
		bars = append(bars, container.NewVBox(spacer, r))
	}
	return widget.NewSimpleRenderer(container.New(layout.NewHBoxLayout(), bars...))
}
