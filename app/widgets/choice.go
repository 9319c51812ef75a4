// Package widgets holds the kiosk's few custom widgets: a large choice card
// that can carry a picture, and a level bar made of pictogram steps.
package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/theme"
)

// ChoiceCard is a large tappable answer: an optional picture above its text.
// Tapping it toggles or sets its selection through OnTapped; the card shows
// its selection with a thick yellow frame and a mark, not with colour alone.
// A card of a question with several right answers carries a check box,
// empty until chosen, so the screen says "tick several" without sound; a
// card of a one-answer question a radio circle.
type ChoiceCard struct {
	widget.BaseWidget

	Text     string
	Picture  fyne.Resource
	OnTapped func()
	// Box is the mark drawn on the card's side before the answer.
	Box Box

	selected bool
	hovered  bool
	verdict  Verdict
	frame    *canvas.Rectangle
	mark     *widget.Icon
	label    *widget.Label
}

// Box is the mark of a choice card before the answer is checked.
type Box int

// Boxes.
const (
	NoBox    Box = iota // order and sort cards
	RadioBox            // one answer to choose
	CheckBox            // several answers to tick
)

// Verdict is what a card shows once the answer is checked.
type Verdict int

// Verdicts.
const (
	Unjudged    Verdict = iota
	Right               // a right answer (chosen or not): green frame, a check
	WrongChoice         // chosen but wrong: red frame, a cross
	Neutral             // neither chosen nor right: dimmed
)

// SetVerdict shows the card as right, wrongly chosen or neither after the
// answer was checked.
func (c *ChoiceCard) SetVerdict(v Verdict) {
	c.verdict = v
	c.Refresh()
}

// Verdict returns what the card shows.
func (c *ChoiceCard) Verdict() Verdict { return c.verdict }

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
	c.applyState()
	if c.Picture != nil {
		// The mark in the picture's corner, not beside the words: four
		// picture cards side by side leave the words their whole width
		// ("L'ordinateur" broke in the middle at 1024 px).
		img := canvas.NewImageFromResource(c.Picture)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(100, 100))
		top := container.NewStack(img, container.NewVBox(container.NewHBox(c.mark)))
		// Picture and words together in the middle of a card the grid
		// made taller than them.
		body := container.NewVBox(layout.NewSpacer(), top, c.label, layout.NewSpacer())
		return widget.NewSimpleRenderer(container.NewStack(c.frame, container.NewPadded(body)))
	}
	// The words in the middle of the card, beside the mark: a card taller
	// than its words (the grid shares the screen's height, a right answer
	// shown alone fills it) must not read as an empty box under one line.
	words := container.NewVBox(layout.NewSpacer(), c.label, layout.NewSpacer())
	return widget.NewSimpleRenderer(container.NewStack(c.frame, container.NewPadded(container.NewBorder(nil, nil, c.mark, nil, words))))
}

// Refresh redraws the card's state.
func (c *ChoiceCard) Refresh() {
	if c.frame != nil {
		c.applyState()
		c.label.SetText(c.Text)
	}
	c.BaseWidget.Refresh()
}

// markFor returns the mark on the card's side: a check box or a radio
// circle before the answer, a check or a cross after it.
func (c *ChoiceCard) markFor() fyne.Resource {
	switch c.verdict {
	case Right:
		return fynetheme.NewSuccessThemedResource(fynetheme.ConfirmIcon())
	case WrongChoice:
		return fynetheme.NewErrorThemedResource(fynetheme.CancelIcon())
	case Neutral:
		return nil
	}
	switch {
	case c.Box == CheckBox && c.selected:
		return fynetheme.CheckButtonCheckedIcon()
	case c.Box == CheckBox:
		return fynetheme.CheckButtonIcon()
	case c.Box == RadioBox && c.selected:
		return fynetheme.RadioButtonCheckedIcon()
	case c.Box == RadioBox:
		return fynetheme.RadioButtonIcon()
	case c.selected:
		return fynetheme.ConfirmIcon()
	}
	return nil
}

func (c *ChoiceCard) applyState() {
	c.mark.SetResource(c.markFor())
	switch {
	case c.verdict == Right:
		c.frame.FillColor = theme.SuccessTint
		c.frame.StrokeColor = theme.Success
		c.frame.StrokeWidth = 6
	case c.verdict == WrongChoice:
		c.frame.FillColor = color.NRGBA{R: 0xfb, G: 0xe3, B: 0xe1, A: 0xff}
		c.frame.StrokeColor = theme.Error
		c.frame.StrokeWidth = 6
	case c.verdict == Neutral:
		c.frame.FillColor = color.White
		c.frame.StrokeColor = theme.Muted
		c.frame.StrokeWidth = 3
	case c.selected:
		c.frame.FillColor = theme.Selected
		c.frame.StrokeColor = theme.Text
		c.frame.StrokeWidth = 6
	case c.hovered:
		c.frame.FillColor = color.NRGBA{R: 0xe6, G: 0xee, B: 0xfb, A: 0xff}
		c.frame.StrokeColor = theme.Primary
		c.frame.StrokeWidth = 4
	default:
		c.frame.FillColor = color.White
		c.frame.StrokeColor = theme.Text
		c.frame.StrokeWidth = 3
	}
	c.frame.Refresh()
}
