package app

import (
	"log/slog"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
)

// QuestionScreen shows one item and takes the visitor's answer.
type QuestionScreen struct {
	Prompt   *widget.Label
	Progress *widget.Label
	Speaker  *widget.Button
	Choices  []*widgets.ChoiceCard
	// ChoiceSpeakers speak each choice aloud, one by one.
	ChoiceSpeakers []*widget.Button
	Entry          *widget.Entry
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

	// Shown after an answer is saved.
	FeedbackTitle *widget.Label
	FeedbackText  *widget.Label
	Continue      *widget.Button

	k    *Kiosk
	item *content.Item
	// seed orders the choices and cards for this visit (see shuffled).
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
	actions     *fyne.Container
	feedback    *fyne.Container
	feedbackBg  *canvas.Rectangle
	picture     *canvas.Image
	scroll      *container.Scroll
	root        fyne.CanvasObject
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

func newQuestionScreen(k *Kiosk, it *content.Item, n int, seed uint64) *QuestionScreen {
	q := &QuestionScreen{k: k, item: it, shown: time.Now(), seed: seed}
	q.Progress = widget.NewLabel(k.cat.T("question.progress", "n", itoa(n)))
	q.Speaker = speakerButton(k, it.SpokenText)
	q.Stop = widget.NewButtonWithIcon(k.cat.T("question.stop"), theme.LogoutIcon(), k.finish)
	top := container.NewBorder(nil, nil, q.Progress, container.NewHBox(q.Stop, k.soundControls(q.Speaker)))

	q.Prompt = widget.NewLabel(it.Prompt)
	q.Prompt.Wrapping = fyne.TextWrapWord
	q.Prompt.TextStyle.Bold = true
	q.Prompt.SizeName = theme.SizeNameSubHeadingText

	body := container.NewVBox(q.Prompt)
	if pic := k.resource(it.Image); pic != nil && it.Kind != content.KindTap {
		img := canvas.NewImageFromResource(pic)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(140, 140))
		q.picture = img
		body.Add(img)
	}
	body.Add(q.answerArea())

	q.Message = widget.NewLabel("")
	q.Message.Wrapping = fyne.TextWrapWord
	q.Message.Importance = widget.WarningImportance
	q.Message.Hide()

	q.DontKnow = widget.NewButtonWithIcon(k.cat.T("question.dontknow"), theme.QuestionIcon(), q.dontKnow)
	q.Validate = widget.NewButtonWithIcon(k.cat.T("question.validate"), theme.ConfirmIcon(), q.validate)
	q.Validate.Importance = widget.HighImportance
	q.actions = container.NewBorder(nil, nil,
		container.NewGridWrap(fyne.NewSize(300, 80), q.DontKnow), container.NewGridWrap(fyne.NewSize(300, 80), q.Validate))

	q.FeedbackTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	q.FeedbackTitle.SizeName = theme.SizeNameSubHeadingText
	q.FeedbackText = widget.NewLabel("")
	q.FeedbackText.Wrapping = fyne.TextWrapWord
	q.Continue = widget.NewButtonWithIcon(k.cat.T("feedback.continue"), theme.NavigateNextIcon(), k.next)
	q.Continue.Importance = widget.HighImportance
	q.Continue.Hide()

	// The feedback shows under the answers, inside the scrolled area, where
	// a wrapped explanation always gets the height it needs.
	q.feedbackBg = canvas.NewRectangle(feedbackTint)
	q.feedbackBg.CornerRadius = 12
	q.feedback = container.NewStack(q.feedbackBg, container.NewPadded(container.NewVBox(q.FeedbackTitle, q.FeedbackText)))
	q.feedback.Hide()
	body.Add(q.feedback)
	q.scroll = container.NewVScroll(body)
	bottom := container.NewVBox(q.Message, q.actions)
	q.root = container.NewPadded(container.NewBorder(top, bottom, nil, nil, q.scroll))
	return q
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
		return container.NewGridWrap(fyne.NewSize(640, 72), q.Entry)
	case content.KindTap:
		q.Tap = widgets.NewTapPicture(q.k.resource(it.Image), func(x, y float64) {
			q.k.touch()
			if !q.answered {
				q.tapX, q.tapY, q.tapped = x, y, true
				q.Message.Hide()
			}
		})
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
		cols := 1
		if withPictures {
			cols = 2
			if len(it.Choices) == 3 {
				cols = 3
			}
		}
		grid := container.NewGridWithColumns(cols)
		q.choiceOrder = shuffled(q.seed, it.ID, len(it.Choices))
		for i, ci := range q.choiceOrder {
			c := it.Choices[ci]
			card := widgets.NewChoiceCard(c.Text, q.k.resource(c.Image), func() { q.choose(i) })
			text := c.Text
			spk := widget.NewButtonWithIcon("", theme.VolumeUpIcon(), func() { q.k.cfg.Voice.Say(text) })
			q.Choices = append(q.Choices, card)
			q.ChoiceSpeakers = append(q.ChoiceSpeakers, spk)
			grid.Add(container.NewBorder(nil, nil, nil, container.NewVBox(layout.NewSpacer(), spk, layout.NewSpacer()), card))
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
	o, err := assessment.Check(answerKey(q.item), r)
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
// a button to go on. The explanation is spoken.
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
	switch o {
	case assessment.Correct:
		title, text = q.k.cat.T("feedback.well_done"), q.item.Feedback.Correct
		q.FeedbackTitle.Importance = widget.SuccessImportance
	case assessment.DontKnow:
		title, text = q.k.cat.T("feedback.dont_know"), q.item.Feedback.Incorrect
	default:
		title, text = q.k.cat.T("feedback.try_next"), q.item.Feedback.Incorrect
	}
	q.FeedbackTitle.SetText(title)
	q.FeedbackText.SetText(text)
	q.Continue.Show()
	if o == assessment.Correct {
		q.feedbackBg.FillColor = successTint
	}
	q.feedback.Show()
	if q.picture != nil {
		// Make room for the explanation beside the answers.
		q.picture.Hide()
	}
	q.actions.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, nil,
		container.NewGridWrap(fyne.NewSize(300, 80), q.Continue))}
	q.actions.Layout = layout.NewStackLayout()
	q.actions.Refresh()
	q.scroll.Content.Refresh()
	q.scroll.Refresh()
	q.scroll.ScrollToBottom()
	q.k.cfg.Voice.Stop()
	q.k.cfg.Voice.Say(title + " " + text)
}

// answerKey turns an item of the pack into what the assessment checks.
func answerKey(it *content.Item) assessment.AnswerKey {
	key := assessment.AnswerKey{Kind: assessment.Kind(it.Kind), Accept: it.Accept, Format: it.Format}
	for i, c := range it.Choices {
		if c.Correct {
			key.Correct = append(key.Correct, i)
		}
	}
	for _, z := range it.Zones {
		key.Zones = append(key.Zones, assessment.Zone{X: z.X, Y: z.Y, W: z.W, H: z.H})
	}
	for _, s := range it.Steps {
		key.Order = append(key.Order, s.ID)
	}
	if len(it.Groups) > 0 {
		key.Groups = map[string]string{}
		for _, g := range it.Groups {
			for _, m := range g.Members {
				key.Groups[m.ID] = g.ID
			}
		}
	}
	return key
}

// Item returns the item on display.
func (q *QuestionScreen) Item() *content.Item { return q.item }

// ChoiceOrder returns, for each choice card on screen, the index of its
// choice in the pack's item.
func (q *QuestionScreen) ChoiceOrder() []int { return append([]int(nil), q.choiceOrder...) }

// CardIDs returns the ids of the order or sort cards, in the order shown.
func (q *QuestionScreen) CardIDs() []string { return append([]string(nil), q.cardIDs...) }
