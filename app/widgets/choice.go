// Package widgets holds the kiosk's few custom widgets: a large choice card
// that can carry a picture, and a level bar made of pictogram steps.
package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/theme"
)

// ChoiceCard is a large tappable answer: an optional picture above its text.
// Tapping it toggles or sets its selection through OnTapped; the card shows
// its selection with a thick yellow frame, not with colour alone.
type ChoiceCard struct {
	widget.BaseWidget

	Text     string
	Picture  fyne.Resource
	OnTapped func()

	selected bool
	hovered  bool
	frame    *canvas.Rectangle
	mark     *widget.Icon
	label    *widget.Label
}

// NewChoiceCard returns a card with the given text and optional picture.
func NewChoiceCard(text string, picture fyne.Resource, tapped func()) *ChoiceCard {
	c := &ChoiceCard{Text: text, Picture: picture, OnTapped: tapped}
	c.ExtendBaseWidget(c)
	return c
}

// SetSelected shows or hides the card's selection.
func (c *ChoiceCard) SetSelected(on bool) {
	c.selected = on
	c.Refresh()
}

// Selected reports whether the card is selected.
func (c *ChoiceCard) Selected() bool { return c.selected }

// Tapped calls OnTapped.
func (c *ChoiceCard) Tapped(*fyne.PointEvent) {
	if c.OnTapped != nil {
		c.OnTapped()
	}
}

// MouseIn highlights the card under the pointer, so a beginner sees what a
// click would choose.
func (c *ChoiceCard) MouseIn(*desktop.MouseEvent) { c.hovered = true; c.Refresh() }

// MouseMoved does nothing; it completes desktop.Hoverable.
func (c *ChoiceCard) MouseMoved(*desktop.MouseEvent) {}

// MouseOut removes the pointer highlight.
func (c *ChoiceCard) MouseOut() { c.hovered = false; c.Refresh() }

// Cursor shows a pointing hand over the card.
func (c *ChoiceCard) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer builds the card.
func (c *ChoiceCard) CreateRenderer() fyne.WidgetRenderer {
	c.frame = canvas.NewRectangle(color.White)
	c.frame.CornerRadius = 12
	c.frame.StrokeWidth = 3
	c.label = widget.NewLabel(c.Text)
	c.label.Wrapping = fyne.TextWrapWord
	c.label.Alignment = fyne.TextAlignCenter
	c.mark = widget.NewIcon(nil)
	var body fyne.CanvasObject = c.label
	if c.Picture != nil {
		img := canvas.NewImageFromResource(c.Picture)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(120, 120))
		body = container.NewBorder(img, nil, nil, nil, c.label)
	}
	c.applyState()
	return widget.NewSimpleRenderer(container.NewStack(c.frame, container.NewPadded(container.NewBorder(nil, nil, c.mark, nil, body))))
}

// Refresh redraws the card's state.
func (c *ChoiceCard) Refresh() {
	if c.frame != nil {
		c.applyState()
		c.label.SetText(c.Text)
	}
	c.BaseWidget.Refresh()
}

func (c *ChoiceCard) applyState() {
	switch {
	case c.selected:
		c.frame.FillColor = theme.Selected
		c.frame.StrokeColor = theme.Text
		c.frame.StrokeWidth = 6
		c.mark.SetResource(fynetheme.ConfirmIcon())
	case c.hovered:
		c.frame.FillColor = color.NRGBA{R: 0xe6, G: 0xee, B: 0xfb, A: 0xff}
		c.frame.StrokeColor = theme.Primary
		c.frame.StrokeWidth = 4
		c.mark.SetResource(nil)
	default:
		c.frame.FillColor = color.White
		c.frame.StrokeColor = theme.Text
		c.frame.StrokeWidth = 3
		c.mark.SetResource(nil)
	}
	c.frame.Refresh()
}
