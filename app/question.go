package app

import (
	"image/color"
	"log/slog"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/learn"
	"github.com/tremplin-numerique/tremplin/app/shuffle"
	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
)

// QuestionScreen shows one item and takes the visitor's answer. Everything
// fits a 1024×768 screen without scrolling (scrolling is itself one of the
// skills being tested): the prompt stays at the top, the answers in the
// middle, and the feedback replaces the buttons at the bottom, where the eye
// goes after "Valider".
type QuestionScreen struct {
	Prompt *widget.Label
	// Progress shows how far the diagnostic is: a group of dots per domain.
	Progress *widgets.Dots
	Speaker  *widget.Button
	Choices  []*widgets.ChoiceCard
	// ChoiceSpeakers speak each choice aloud, one by one.
	ChoiceSpeakers []*widget.Button
	// Picks says, on a question with several right answers, how many to
	// tick ("2 réponses"), with one box per answer that fills as they are
	// ticked; nil on other questions.
	Picks     *widget.Label
	PickBoxes []*widget.Icon
	Entry     *widget.Entry
	// Tap is the picture to click on, for tap items.
	Tap *widgets.TapPicture
	// Cards are the steps of an order item, or the cards of a sort item.
	Cards []*widgets.ChoiceCard
	// Restart clears the order given so far.
	Restart *widget.Button
	// SortButtons holds, for each card of a sort item, one button per group.
	SortButtons [][]*widget.Button
	Validate    *widget.Button
	DontKnow    *widget.Button
	Stop        *widget.Button
	Message     *widget.Label

	// Feedback is shown after an answer is saved: a kind word in bold, then
	// the explanation, on the same lines to leave the answers room.
	Feedback *widget.RichText
	Continue *widget.Button

	k    *Kiosk
	item *content.Item
	// seed orders the choices and cards for this visit (see app/shuffle).
	seed uint64
	// choiceOrder maps each card on screen to its choice in the pack.
	choiceOrder []int
	shown       time.Time
	answered    bool
	tapped      bool
	tapX        float64
	tapY        float64
	order       []string
	sorted      map[string]string
	cardIDs     []string
	groupIDs    []string
	// choiceRows are the choice cards with their speakers, as laid out in
	// choiceGrid.
	choiceRows []fyne.CanvasObject
	choiceGrid *fyne.Container
	// feedbackRoom holds the feedback panel's height, which wrapped text
	// cannot tell before it is laid out.
	feedbackRoom *canvas.Rectangle
	// sortMarks show, on each sort card's row, whether it was put right.
	sortMarks []*widget.Icon
	// orderRows are the order cards' rows as laid out, to show them in the
	// right order after the answer.
	orderRows  []fyne.CanvasObject
	orderGrid  *fyne.Container
	bottom     *fyne.Container
	feedback   *fyne.Container
	feedbackBg *canvas.Rectangle
	picture    *canvas.Image
	root       fyne.CanvasObject
}

// Backgrounds of the feedback: green after a right answer, warm otherwise;
// the words say it too, colour only helps.
var (
	successTint  = kiosktheme.SuccessTint
	feedbackTint = kiosktheme.FeedbackTint
)

// Kinds the question screen can show; the diagnostic only uses these.
var supportedKinds = map[string]bool{
	content.KindSingle:   true,
	content.KindMultiple: true,
	content.KindText:     true,
	content.KindTap:      true,
	content.KindOrder:    true,
	content.KindSort:     true,
}

// progress is how far a visit is, for the dots: per domain (in the
// framework's order), how many items were answered, out of per; current is
// the domain of the item on show.
type progress struct {
	per      int
	answered []int
	current  int
}

// minTarget is the smallest place a visitor is asked to hit, in pixels.
const minTarget = 48

// Sizes of the question screen at 1024×768.
var (
	actionSize   = fyne.NewSize(300, 64)
	pictureSize  = fyne.NewSize(170, 170)
	continueSize = fyne.NewSize(280, 64)
)

func newQuestionScreen(k *Kiosk, it *content.Item, pr progress, seed uint64) *QuestionScreen {
	q := &QuestionScreen{k: k, item: it, shown: time.Now(), seed: seed}
	q.Progress = widgets.NewDots(0, 0)
	q.Progress.SetGroups(pr.per, pr.answered, pr.current)
	q.Speaker = speakerButton(k, it.SpokenText)
	q.Stop = widget.NewButtonWithIcon(k.cat.T("question.stop"), theme.LogoutIcon(), k.askStop)
	// The dots on a line of their own: with the "sound off" sign the
	// buttons take most of a 1024-pixel line.
	top := container.NewVBox(container.NewBorder(nil, nil, nil, fixedHeight(container.NewHBox(q.Stop, k.soundControls(q.Speaker)))),
		container.NewHBox(q.Progress))

	q.Prompt = widget.NewLabel(it.Prompt)
	q.Prompt.Wrapping = fyne.TextWrapWord
	q.Prompt.TextStyle.Bold = true
	q.Prompt.SizeName = theme.SizeNameSubHeadingText
	head := container.NewVBox(top, q.Prompt)

	answers := q.answerArea()
	if it.Kind == content.KindMultiple {
		head.Add(q.picksRow())
	}
	center := answers
	if pic := k.resource(it.Image); pic != nil && it.Kind != content.KindTap {
		// Beside the answers, not above them: the height is for the answers.
		img := canvas.NewImageFromResource(pic)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(pictureSize)
		q.picture = img
		center = container.NewBorder(nil, nil, container.NewVBox(img), nil, answers)
	}

	q.Message = widget.NewLabel("")
	q.Message.Wrapping = fyne.TextWrapWord
	q.Message.Importance = widget.WarningImportance
	q.Message.Hide()

	q.DontKnow = widget.NewButtonWithIcon(k.cat.T("question.dontknow"), theme.QuestionIcon(), q.dontKnow)
	q.Validate = widget.NewButtonWithIcon(k.cat.T("question.validate"), theme.ConfirmIcon(), q.validate)
	q.Validate.Importance = widget.HighImportance
	actions := container.NewBorder(nil, nil,
		container.NewGridWrap(actionSize, q.DontKnow), container.NewGridWrap(actionSize, q.Validate))

	q.Feedback = widget.NewRichText()
	q.Feedback.Wrapping = fyne.TextWrapWord
	q.Continue = widget.NewButtonWithIcon(k.cat.T("feedback.continue"), theme.NavigateNextIcon(), k.next)
	q.Continue.Importance = widget.HighImportance
	q.Continue.Hide()
	q.feedbackBg = canvas.NewRectangle(feedbackTint)
	q.feedbackBg.CornerRadius = 12
	q.feedbackRoom = canvas.NewRectangle(color.Transparent)
	q.feedback = container.NewStack(q.feedbackBg, q.feedbackRoom, container.NewPadded(container.NewBorder(nil, nil, nil,
		container.NewVBox(layout.NewSpacer(), container.NewGridWrap(continueSize, q.Continue), layout.NewSpacer()),
		q.Feedback)))

	q.bottom = container.NewVBox(q.Message, actions)
	q.root = container.NewPadded(container.NewBorder(head, q.bottom, nil, nil, center))
	return q
}

// feedbackHeight is the height the feedback panel needs for text, wrapped
// beside the Continuer button in the window's width.
func (q *QuestionScreen) feedbackHeight(text string) float32 {
	width := float32(1024)
	if q.k.win != nil {
		width = q.k.win.Canvas().Size().Width
	}
	pad := theme.Padding()
	avail := width - continueSize.Width - 8*pad - 2*theme.InnerPadding()
	size := theme.TextSize()
	lines := 1
	line := ""
	for _, w := range strings.Fields(text) {
		next := strings.TrimSpace(line + " " + w)
		if fyne.MeasureText(next, size, fyne.TextStyle{}).Width > avail && line != "" {
			lines++
			next = w
		}
		line = next
	}
	lineH := fyne.MeasureText("Mg", size, fyne.TextStyle{}).Height + theme.LineSpacing()
	return max(continueSize.Height, float32(lines)*lineH+2*theme.InnerPadding()) + 2*pad
}

// picksRow says how many answers to tick, with a box per answer.
func (q *QuestionScreen) picksRow() fyne.CanvasObject {
	n := 0
	for _, c := range q.item.Choices {
		if c.Correct {
			n++
		}
	}
	q.Picks = widget.NewLabelWithStyle(q.k.cat.T("question.pick_n", "n", itoa(n)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	row := container.NewHBox(q.Picks)
	for i := 0; i < n; i++ {
		box := widget.NewIcon(theme.CheckButtonIcon())
		q.PickBoxes = append(q.PickBoxes, box)
		row.Add(box)
	}
	return row
}

// refreshPicks fills one box per ticked card.
func (q *QuestionScreen) refreshPicks() {
	ticked := 0
	for _, c := range q.Choices {
		if c.Selected() {
			ticked++
		}
	}
	for i, b := range q.PickBoxes {
		if i < ticked {
			b.SetResource(theme.CheckButtonCheckedIcon())
		} else {
			b.SetResource(theme.CheckButtonIcon())
		}
	}
}

// focus puts the keyboard in the text field, so what the visitor types
// first is not lost.
func (q *QuestionScreen) focus(c fyne.Canvas) {
	if q.Entry != nil && c != nil {
		c.Focus(q.Entry)
	}
}

// answerArea builds the inputs for the item's kind.
func (q *QuestionScreen) answerArea() fyne.CanvasObject {
	it := q.item
	switch it.Kind {
	case content.KindText:
		q.Entry = widget.NewEntry()
		q.Entry.SetPlaceHolder(q.k.cat.T("question.type_here"))
		q.Entry.OnSubmitted = func(string) { q.validate() }
		q.Entry.OnChanged = func(string) { q.k.touch() }
		return container.NewVBox(container.NewGridWrap(fyne.NewSize(640, 72), q.Entry))
	case content.KindTap:
		q.Tap = widgets.NewTapPicture(q.k.resource(it.Image), func(x, y float64) {
			q.k.touch()
			if !q.answered {
				q.tapX, q.tapY, q.tapped = x, y, true
				q.Message.Hide()
			}
		})
		// The centre of the screen: the picture grows on larger screens.
		return q.Tap
	case content.KindOrder:
		return q.orderArea()
	case content.KindSort:
		return q.sortArea()
	default:
		withPictures := false
		for _, c := range it.Choices {
			if c.Image != "" {
				withPictures = true
			}
		}
		// Two columns of words, or every picture card side by side: four
		// answers fit under the prompt at 1024×768.
		cols := 2
		if withPictures {
			cols = min(max(len(it.Choices), 2), 4)
		}
		grid := container.NewGridWithColumns(cols)
		q.choiceGrid = grid
		q.choiceOrder = shuffle.Order(q.seed, it.ID, len(it.Choices))
		for i, ci := range q.choiceOrder {
			c := it.Choices[ci]
			card := widgets.NewChoiceCard(c.Text, q.k.resource(c.Image), func() { q.choose(i) })
			card.Box = widgets.RadioBox
			if it.Kind == content.KindMultiple {
				card.Box = widgets.CheckBox
			}
			text := c.Text
			spk := widget.NewButtonWithIcon("", theme.VolumeUpIcon(), func() { q.k.cfg.Voice.Say(text) })
			q.Choices = append(q.Choices, card)
			q.ChoiceSpeakers = append(q.ChoiceSpeakers, spk)
			row := container.NewBorder(nil, nil, nil, container.NewVBox(layout.NewSpacer(), spk, layout.NewSpacer()), card)
			if withPictures {
				// Under the card: four picture cards side by side keep the
				// width their words need.
				row = container.NewBorder(nil, container.NewCenter(spk), nil, nil, card)
			}
			q.choiceRows = append(q.choiceRows, row)
			grid.Add(row)
		}
		return grid
	}
}

func (q *QuestionScreen) choose(i int) {
	q.k.touch()
	if q.answered {
		return
	}
	if q.item.Kind == content.KindMultiple {
		q.Choices[i].SetSelected(!q.Choices[i].Selected())
		q.refreshPicks()
	} else {
		for j, c := range q.Choices {
			c.SetSelected(j == i)
		}
	}
	q.Message.Hide()
}

// response reads what the visitor gave; ok is false when nothing was given.
func (q *QuestionScreen) response() (assessment.Response, bool) {
	var r assessment.Response
	switch {
	case q.Entry != nil:
		r.Text = q.Entry.Text
		return r, len([]rune(r.Text)) > 0
	case q.Tap != nil:
		r.X, r.Y = q.tapX, q.tapY
		return r, q.tapped
	case q.item.Kind == content.KindOrder:
		r.Order = append([]string(nil), q.order...)
		return r, len(r.Order) == len(q.cardIDs)
	case q.item.Kind == content.KindSort:
		r.Groups = map[string]string{}
		for m, g := range q.sorted {
			r.Groups[m] = g
		}
		return r, len(r.Groups) == len(q.cardIDs)
	}
	for i, c := range q.Choices {
		if c.Selected() {
			r.Choices = append(r.Choices, q.choiceOrder[i])
		}
	}
	slices.Sort(r.Choices)
	return r, len(r.Choices) > 0
}

func (q *QuestionScreen) validate() {
	q.k.touch()
	if q.answered {
		return
	}
	r, ok := q.response()
	if !ok {
		switch {
		case q.Entry != nil:
			q.showHelp(q.k.cat.T("question.type_first"), q.k.cat.T("say.type_first"))
		case q.Tap != nil:
			q.showHelp(q.k.cat.T("question.tap_first"), q.k.cat.T("say.tap_first"))
		case q.item.Kind == content.KindOrder || q.item.Kind == content.KindSort:
			q.showHelp(q.k.cat.T("question.finish_first"), q.k.cat.T("say.finish_first"))
		default:
			q.showHelp(q.k.cat.T("question.choose_one"), q.k.cat.T("say.choose_one"))
		}
		return
	}
	key := answerKey(q.item)
	if q.Tap != nil {
		// A place drawn smaller than a fingertip still takes a 48-pixel tap.
		for i, z := range key.Zones {
			r := q.Tap.AtLeast(widgets.Rect{X: z.X, Y: z.Y, W: z.W, H: z.H}, minTarget)
			key.Zones[i] = assessment.Zone{X: r.X, Y: r.Y, W: r.W, H: r.H}
		}
	}
	o, err := assessment.Check(key, r)
	if err != nil {
		// The pack was validated at load, so this is a bug; the visitor
		// must not pay for it.
		slog.Error("check answer", "item", q.item.ID, "err", err)
		o = assessment.DontKnow
	}
	q.k.answered(q, o, r)
}

func (q *QuestionScreen) dontKnow() {
	q.k.touch()
	if q.answered {
		return
	}
	q.k.answered(q, assessment.DontKnow, assessment.Response{DontKnow: true})
}

func (q *QuestionScreen) showHelp(msg, say string) {
	q.Message.SetText(msg)
	q.Message.Show()
	q.k.cfg.Voice.Say(say)
}

func (q *QuestionScreen) showError(msg string) {
	q.Message.SetText(msg)
	q.Message.Importance = widget.DangerImportance
	q.Message.Show()
}

// showFeedback acknowledges a saved answer: a kind word, the explanation, and
// a button to go on, where the buttons were; the answers stay in view with
// the right ones marked (and the visitor's wrong ones). The explanation is
// spoken.
func (q *QuestionScreen) showFeedback(o assessment.Outcome) {
	q.answered = true
	q.Message.Hide()
	q.Validate.Disable()
	q.DontKnow.Disable()
	if q.Entry != nil {
		q.Entry.Disable()
	}
	if q.Restart != nil {
		q.Restart.Disable()
	}
	var title, text string
	titleStyle := widget.RichTextStyleStrong
	switch o {
	case assessment.Correct:
		title, text = q.k.cat.T("feedback.well_done"), q.item.Feedback.Correct
		titleStyle.ColorName = theme.ColorNameSuccess
	case assessment.DontKnow:
		title, text = q.k.cat.T("feedback.dont_know"), q.item.Feedback.Incorrect
	default:
		title, text = q.k.cat.T("feedback.try_next"), q.item.Feedback.Incorrect
	}
	titleStyle.Inline = true
	q.Feedback.Segments = []widget.RichTextSegment{
		&widget.TextSegment{Text: title + " ", Style: titleStyle},
		&widget.TextSegment{Text: text, Style: widget.RichTextStyleInline},
	}
	q.Feedback.Refresh()
	q.Continue.Show()
	if q.Picks != nil {
		q.Picks.Hide()
		for _, b := range q.PickBoxes {
			b.Hide()
		}
	}
	if q.Restart != nil {
		q.Restart.Hide()
	}
	if o == assessment.Correct {
		q.feedbackBg.FillColor = successTint
	}
	q.showRightAnswer()
	if q.picture != nil {
		// Make room for the explanation.
		q.picture.Hide()
	}
	q.feedbackRoom.SetMinSize(fyne.NewSize(0, q.feedbackHeight(title+" "+text)))
	q.bottom.Objects = []fyne.CanvasObject{q.feedback}
	// The whole screen lays out again: the bottom grew.
	q.root.Refresh()
	q.k.cfg.Voice.Stop()
	q.k.cfg.Voice.Say(title + " " + text)
}

// showRightAnswer marks the right answers on screen, and the visitor's
// wrong ones, so a wrong answer teaches something without sound.
func (q *QuestionScreen) showRightAnswer() {
	it := q.item
	switch {
	case q.Choices != nil:
		defer q.choiceGrid.Refresh()
		q.choiceGrid.Objects = nil
		for i, c := range q.Choices {
			switch {
			case it.Choices[q.choiceOrder[i]].Correct:
				c.SetVerdict(widgets.Right)
			case c.Selected():
				c.SetVerdict(widgets.WrongChoice)
			default:
				// Only the right answers and the visitor's wrong ones
				// stay: the eye goes to them, and the explanation has room.
				c.SetVerdict(widgets.Neutral)
				q.choiceRows[i].Hide()
				continue
			}
			q.choiceGrid.Objects = append(q.choiceGrid.Objects, q.choiceRows[i])
		}
	case q.Tap != nil:
		var zones []widgets.Rect
		for _, z := range it.Zones {
			zones = append(zones, widgets.Rect{X: z.X, Y: z.Y, W: z.W, H: z.H})
		}
		q.Tap.Reveal(zones)
	case it.Kind == content.KindOrder:
		q.showRightOrder()
	case it.Kind == content.KindSort:
		q.showRightGroups()
	}
}

// answerKey turns an item of the pack into what the assessment checks
// (one definition, shared with the module player).
var answerKey = learn.AnswerKey

// Item returns the item on display.
func (q *QuestionScreen) Item() *content.Item { return q.item }

// ChoiceOrder returns, for each choice card on screen, the index of its
// choice in the pack's item.
func (q *QuestionScreen) ChoiceOrder() []int { return append([]int(nil), q.choiceOrder...) }

// FeedbackTitle returns the kind word of the feedback on show ("" before
// the answer), FeedbackText its explanation.
func (q *QuestionScreen) FeedbackTitle() string { return q.feedbackPart(0) }

// FeedbackText returns the explanation of the feedback on show.
func (q *QuestionScreen) FeedbackText() string { return q.feedbackPart(1) }

func (q *QuestionScreen) feedbackPart(i int) string {
	if len(q.Feedback.Segments) <= i {
		return ""
	}
	return strings.TrimSpace(q.Feedback.Segments[i].Textual())
}

// CardIDs returns the ids of the order or sort cards, in the order shown.
func (q *QuestionScreen) CardIDs() []string { return append([]string(nil), q.cardIDs...) }
