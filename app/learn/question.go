package learn

import (
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/shuffle"
	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
)

// Question shows a practice item of a question kind (single, multiple,
// text, tap, order, sort) and reads the learner's answer. Its widgets are
// exported so tests reach "choice 2" without searching the tree.
type Question struct {
	Item *content.Item
	// Choices are the cards of a choice item; ChoiceOrder maps each to its
	// index in the item.
	Choices     []*widgets.ChoiceCard
	ChoiceOrder []int
	Entry       *widget.Entry
	Tap         *widgets.TapPicture
	// Cards are the steps of an order item (click them in order) or the
	// cards of a sort item; CardIDs their ids, in the order shown.
	Cards   []*widgets.ChoiceCard
	CardIDs []string
	// Restart clears the order given so far.
	Restart *widget.Button
	// SortButtons holds, for each sort card, one button per group; GroupIDs
	// the groups in that order.
	SortButtons [][]*widget.Button
	GroupIDs    []string

	say     func(string)
	touched func()
	tapped  bool
	tapX    float64
	tapY    float64
	order   []string
	sorted  map[string]string
	locked  bool
	view    fyne.CanvasObject
}

// newQuestion builds the answer area of it.
func newQuestion(it *content.Item, seed uint64, res func(string) fyne.Resource, t func(string, ...string) string, say func(string), touched func()) *Question {
	q := &Question{Item: it, say: say, touched: touched, sorted: map[string]string{}}
	speaker := func(text string) *widget.Button {
		return widget.NewButtonWithIcon("", theme.VolumeUpIcon(), func() { say(text) })
	}
	switch it.Kind {
	case content.KindText:
		q.Entry = widget.NewEntry()
		q.Entry.SetPlaceHolder(t("learn.type_here"))
		q.Entry.OnChanged = func(string) { touched() }
		q.view = container.NewCenter(container.NewGridWrap(fyne.NewSize(640, 64), q.Entry))
	case content.KindTap:
		q.Tap = widgets.NewTapPicture(res(it.Image), func(x, y float64) {
			touched()
			if !q.locked {
				q.tapX, q.tapY, q.tapped = x, y, true
			}
		})
		q.view = container.NewCenter(q.Tap)
	case content.KindOrder:
		grid := container.NewGridWithColumns(1)
		for _, i := range shuffle.Mixed(seed, it.ID, len(it.Steps)) {
			st := it.Steps[i]
			card := widgets.NewChoiceCard(st.Text, res(st.Image), nil)
			card.OnTapped = func() { q.pick(card, st.ID) }
			q.Cards = append(q.Cards, card)
			q.CardIDs = append(q.CardIDs, st.ID)
			grid.Add(container.NewBorder(nil, nil, nil, speaker(st.Text), card))
		}
		q.Restart = widget.NewButtonWithIcon(t("learn.restart_order"), theme.ViewRefreshIcon(), q.clearOrder)
		q.view = container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), q.Restart), nil, nil, grid)
	case content.KindSort:
		type card struct {
			group int
			st    content.Step
		}
		var cards []card
		for gi, g := range it.Groups {
			q.GroupIDs = append(q.GroupIDs, g.ID)
			for _, m := range g.Members {
				cards = append(cards, card{gi, m})
			}
		}
		rows := container.NewVBox()
		for _, i := range shuffle.Mixed(seed, it.ID, len(cards)) {
			c := cards[i]
			row := len(q.SortButtons)
			var buttons []*widget.Button
			box := container.NewHBox()
			for gi, g := range it.Groups {
				b := widget.NewButton(g.Title, nil)
				gid, member := g.ID, c.st.ID
				b.OnTapped = func() { q.sortInto(row, member, gid, gi) }
				buttons = append(buttons, b)
				box.Add(b)
			}
			q.SortButtons = append(q.SortButtons, buttons)
			q.CardIDs = append(q.CardIDs, c.st.ID)
			label := widget.NewLabel(c.st.Text)
			label.Wrapping = fyne.TextWrapWord
			rows.Add(container.NewBorder(nil, nil, speaker(c.st.Text), box, label))
		}
		q.view = rows
	default: // single, multiple
		pictures := slices.ContainsFunc(it.Choices, func(c content.Choice) bool { return c.Image != "" })
		cols := 1
		if pictures {
			cols = min(3, len(it.Choices))
			if len(it.Choices) == 4 {
				cols = 2
			}
		}
		grid := container.NewGridWithColumns(cols)
		q.ChoiceOrder = shuffle.Mixed(seed, it.ID, len(it.Choices))
		for i, ci := range q.ChoiceOrder {
			c := it.Choices[ci]
			card := widgets.NewChoiceCard(c.Text, res(c.Image), func() { q.choose(i) })
			card.Box = widgets.RadioBox
			if it.Kind == content.KindMultiple {
				card.Box = widgets.CheckBox
			}
			q.Choices = append(q.Choices, card)
			grid.Add(container.NewBorder(nil, nil, nil, container.NewCenter(speaker(c.Text)), card))
		}
		q.view = grid
	}
	return q
}

// View returns the answer area.
func (q *Question) View() fyne.CanvasObject { return q.view }

func (q *Question) choose(i int) {
	q.touched()
	if q.locked {
		return
	}
	if q.Item.Kind == content.KindMultiple {
		q.Choices[i].SetSelected(!q.Choices[i].Selected())
		return
	}
	for j, c := range q.Choices {
		c.SetSelected(j == i)
	}
}

func (q *Question) pick(card *widgets.ChoiceCard, id string) {
	q.touched()
	if q.locked || slices.Contains(q.order, id) {
		return
	}
	q.order = append(q.order, id)
	card.Text = strconv.Itoa(len(q.order)) + ". " + q.stepText(id)
	card.SetSelected(true)
}

func (q *Question) stepText(id string) string {
	for _, s := range q.Item.Steps {
		if s.ID == id {
			return s.Text
		}
	}
	return ""
}

func (q *Question) clearOrder() {
	q.touched()
	if q.locked {
		return
	}
	q.order = nil
	for i, c := range q.Cards {
		c.Text = q.stepText(q.CardIDs[i])
		c.SetSelected(false)
	}
}

func (q *Question) sortInto(row int, member, group string, gi int) {
	q.touched()
	if q.locked {
		return
	}
	q.sorted[member] = group
	for i, b := range q.SortButtons[row] {
		if i == gi {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
}

// Response returns the answer given; ok is false when nothing was given.
func (q *Question) Response() (assessment.Response, bool) {
	var r assessment.Response
	switch q.Item.Kind {
	case content.KindText:
		r.Text = q.Entry.Text
		return r, strings.TrimSpace(r.Text) != ""
	case content.KindTap:
		r.X, r.Y = q.tapX, q.tapY
		return r, q.tapped
	case content.KindOrder:
		r.Order = slices.Clone(q.order)
		return r, len(r.Order) == len(q.CardIDs)
	case content.KindSort:
		r.Groups = map[string]string{}
		for m, g := range q.sorted {
			r.Groups[m] = g
		}
		return r, len(r.Groups) == len(q.CardIDs)
	}
	for i, c := range q.Choices {
		if c.Selected() {
			r.Choices = append(r.Choices, q.ChoiceOrder[i])
		}
	}
	slices.Sort(r.Choices)
	return r, len(r.Choices) > 0
}

// Check checks the answer given against the item.
func (q *Question) Check(r assessment.Response) bool {
	o, err := assessment.Check(AnswerKey(q.Item), r)
	return err == nil && o == assessment.Correct
}

// Lock stops or allows changes to the answer.
func (q *Question) Lock(on bool) { q.locked = on }

// Clear forgets the answer given, for Réessayer.
func (q *Question) Clear() {
	q.locked = false
	for _, c := range q.Choices {
		c.SetSelected(false)
	}
	if q.Entry != nil {
		q.Entry.SetText("")
	}
	q.tapped = false
	q.order = nil
	q.clearOrder()
	q.sorted = map[string]string{}
	for _, row := range q.SortButtons {
		for _, b := range row {
			b.Importance = widget.MediumImportance
			b.Refresh()
		}
	}
}

// Solution returns the right answer as texts to show and to say, each of
// which the pack voices (choice, step, group and card texts), or nil when
// the item's feedback says it best (text and tap items).
func (q *Question) Solution() []string {
	it := q.Item
	var out []string
	switch it.Kind {
	case content.KindSingle, content.KindMultiple:
		for _, c := range it.Choices {
			if c.Correct {
				out = append(out, c.Text)
			}
		}
	case content.KindOrder:
		for _, s := range it.Steps {
			out = append(out, s.Text)
		}
	case content.KindSort:
		for _, g := range it.Groups {
			out = append(out, g.Title)
			for _, m := range g.Members {
				out = append(out, m.Text)
			}
		}
	case content.KindText:
		if len(it.Accept) > 0 {
			out = append(out, it.Accept[0])
		}
	}
	return out
}

// AnswerKey turns an item of the pack into what the assessment checks; the
// diagnostic's question screen uses it too.
func AnswerKey(it *content.Item) assessment.AnswerKey {
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
