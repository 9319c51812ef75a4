package app

import (
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/shuffle"
	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/content"
)

// orderArea shows the steps mixed up; the visitor clicks them in order and
// each card shows its number.
func (q *QuestionScreen) orderArea() fyne.CanvasObject {
	steps := q.item.Steps
	cols := 1
	if len(steps) > 3 || slices.ContainsFunc(steps, func(s content.Step) bool { return s.Image != "" }) {
		cols = 2 // four steps, or steps with pictures, in one column do not fit 768 pixels
	}
	grid := container.NewGridWithColumns(cols)
	q.orderGrid = grid
	for _, i := range shuffle.Mixed(q.seed, q.item.ID, len(steps)) {
		st := steps[i]
		card := widgets.NewChoiceCard(st.Text, q.k.resource(st.Image), nil)
		card.OnTapped = func() { q.pickStep(card, st) }
		q.Cards = append(q.Cards, card)
		q.cardIDs = append(q.cardIDs, st.ID)
		text := st.Text
		spk := widget.NewButtonWithIcon("", theme.VolumeUpIcon(), func() { q.k.cfg.Voice.Say(text) })
		q.ChoiceSpeakers = append(q.ChoiceSpeakers, spk)
		row := container.NewBorder(nil, nil, nil, container.NewVBox(layout.NewSpacer(), spk, layout.NewSpacer()), card)
		q.orderRows = append(q.orderRows, row)
		grid.Add(row)
	}
	q.Restart = widget.NewButtonWithIcon(q.k.cat.T("question.restart"), theme.ViewRefreshIcon(), q.restartOrder)
	return container.NewVBox(grid, container.NewHBox(q.Restart))
}

func (q *QuestionScreen) pickStep(card *widgets.ChoiceCard, st content.Step) {
	q.k.touch()
	if q.answered || card.Selected() {
		return
	}
	q.order = append(q.order, st.ID)
	card.Text = strconv.Itoa(len(q.order)) + ". " + st.Text
	card.SetSelected(true)
	q.Message.Hide()
}

func (q *QuestionScreen) restartOrder() {
	q.order = nil
	for i, c := range q.Cards {
		c.Text = q.stepText(q.cardIDs[i])
		c.SetSelected(false)
	}
}

func (q *QuestionScreen) stepText(id string) string {
	for _, s := range q.item.Steps {
		if s.ID == id {
			return s.Text
		}
	}
	return id
}

// showRightOrder lays the steps out in the right order, each numbered with
// its right place; a step the visitor put in its right place is marked
// right, the others wrong.
func (q *QuestionScreen) showRightOrder() {
	place := map[string]int{}
	for i, st := range q.item.Steps {
		place[st.ID] = i
	}
	given := map[string]int{}
	for i, id := range q.order {
		given[id] = i
	}
	rows := make([]fyne.CanvasObject, len(q.orderRows))
	for i, c := range q.Cards {
		id := q.cardIDs[i]
		p := place[id]
		c.Text = strconv.Itoa(p+1) + ". " + q.stepText(id)
		if g, ok := given[id]; ok && g == p {
			c.SetVerdict(widgets.Right)
		} else if len(q.order) > 0 {
			c.SetVerdict(widgets.WrongChoice)
		} else {
			c.SetVerdict(widgets.Neutral)
		}
		c.SetSelected(false)
		rows[p] = q.orderRows[i]
	}
	q.orderGrid.Objects = rows
	q.orderGrid.Refresh()
}

// showRightGroups marks, on each card's row, the right group's button, and
// the visitor's choice when it was another.
func (q *QuestionScreen) showRightGroups() {
	right := map[string]string{}
	for _, g := range q.item.Groups {
		for _, m := range g.Members {
			right[m.ID] = g.ID
		}
	}
	// Colour on the buttons, and a check or a cross on each card's row
	// (icons on the buttons would widen every row past the screen).
	for row, id := range q.cardIDs {
		if q.sorted[id] == right[id] {
			q.sortMarks[row].SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		} else {
			q.sortMarks[row].SetResource(theme.NewErrorThemedResource(theme.CancelIcon()))
		}
		for gi, b := range q.SortButtons[row] {
			gid := q.groupIDs[gi]
			switch {
			case gid == right[id]:
				b.Importance = widget.SuccessImportance
			case q.sorted[id] == gid:
				b.Importance = widget.DangerImportance
			default:
				b.Importance = widget.LowImportance
			}
			b.SetIcon(nil)
			b.Refresh()
		}
	}
}

// sortArea shows each card with one button per group; the visitor puts
// every card in a group.
func (q *QuestionScreen) sortArea() fyne.CanvasObject {
	var members []content.Step
	for _, g := range q.item.Groups {
		members = append(members, g.Members...)
		q.groupIDs = append(q.groupIDs, g.ID)
	}
	q.sorted = map[string]string{}
	texts := make([]string, len(members))
	for i, m := range members {
		texts[i] = m.Text
	}
	width := float32(sortWidth)
	if q.item.Image != "" {
		width -= pictureSize.Width + theme.Padding()
	}
	plan := planSort(q.item.Groups, texts, width)
	rows := container.NewGridWithColumns(plan.cols)
	for _, i := range shuffle.Order(q.seed, q.item.ID, len(members)) {
		m := members[i]
		q.cardIDs = append(q.cardIDs, m.ID)
		var buttons []*widget.Button
		box := container.NewGridWithColumns(plan.perLine)
		for gi, g := range q.item.Groups {
			b := widget.NewButton(g.Title, nil)
			gid, row := g.ID, len(q.SortButtons)
			b.OnTapped = func() { q.sortInto(row, m.ID, gid, gi) }
			buttons = append(buttons, b)
			box.Add(fixedHeight(b))
		}
		q.SortButtons = append(q.SortButtons, buttons)
		label := widget.NewLabel(m.Text)
		label.Wrapping = fyne.TextWrapWord
		text := m.Text
		spk := widget.NewButtonWithIcon("", theme.VolumeUpIcon(), func() { q.k.cfg.Voice.Say(text) })
		q.ChoiceSpeakers = append(q.ChoiceSpeakers, spk)
		mark := widget.NewIcon(nil)
		q.sortMarks = append(q.sortMarks, mark)
		card := container.NewBorder(nil, nil, container.NewVBox(fixedHeight(spk)), container.NewVBox(mark), label)
		if plan.beside {
			rows.Add(container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(plan.buttonsWidth, box.MinSize().Height), box), card))
		} else {
			rows.Add(container.NewVBox(card, box))
		}
	}
	return container.NewVBox(rows) // rows at the top, not spread over a large screen
}

// rowHeight is the height of a sort card's line and of its buttons: a
// 48-pixel target and more, lower than a default button so six cards fit.
const rowHeight = 52

// fixedHeight gives o the height of a sort row.
func fixedHeight(o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(fixedHeightLayout{}, o)
}

type fixedHeightLayout struct{}

func (fixedHeightLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Resize(s)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (fixedHeightLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, rowHeight)
}

// sortWidth is the width a sort item's cards share at 1024×768.
const sortWidth = 990

// sortPlan is how a sort item's cards are laid out.
type sortPlan struct {
	cols         int     // columns of cards
	perLine      int     // group buttons per line under (or beside) a card
	beside       bool    // buttons beside the card's text, not under it
	buttonsWidth float32 // width of a card's buttons when beside
}

// planSort picks, among a few layouts, the lowest one whose buttons fit
// width: two columns of cards or one, buttons on one line or two, beside
// the card's text or under it. Heights are estimated from the theme's
// label and button sizes and the longest card's text.
func planSort(groups []content.Group, texts []string, width float32) sortPlan {
	var btn, text float32
	for _, g := range groups {
		btn = max(btn, widget.NewButton(g.Title, nil).MinSize().Width)
	}
	for _, t := range texts {
		text = max(text, widget.NewLabel(t).MinSize().Width)
	}
	line := widget.NewLabel("M").MinSize().Height // one line of text with its padding
	// aside is what sits beside a card's text on its line: the speaker, the
	// mark, their paddings and the label's own.
	const gap, extraLine, aside = 8, 30, 170
	labelH := func(w float32) float32 {
		if w <= 0 {
			return 1e9
		}
		lines := float32(int((text-1)/w) + 1)
		return line + (lines-1)*extraLine
	}
	best, bestH := sortPlan{cols: 1, perLine: (len(groups) + 1) / 2}, float32(1e9)
	for _, cols := range []int{2, 1} {
		colW := (width - gap*float32(cols-1)) / float32(cols)
		rows := (len(texts) + cols - 1) / cols
		for _, per := range []int{len(groups), (len(groups) + 1) / 2} {
			lines := float32((len(groups) + per - 1) / per)
			buttonsW := float32(per)*btn + gap*float32(per-1)
			if buttonsW > colW {
				continue
			}
			for _, beside := range []bool{true, false} {
				h := labelH(colW-aside) + lines*rowHeight + gap
				if beside {
					h = max(labelH(colW-aside-buttonsW), lines*rowHeight) + gap
				}
				if total := float32(rows) * (h + gap); total < bestH {
					best, bestH = sortPlan{cols: cols, perLine: per, beside: beside, buttonsWidth: buttonsW}, total
				}
			}
		}
	}
	return best
}

func (q *QuestionScreen) sortInto(row int, member, group string, gi int) {
	q.k.touch()
	if q.answered {
		return
	}
	q.sorted[member] = group
	// The chosen group's button filled, the others plain: an icon would
	// widen every button of the row past the screen.
	for i, b := range q.SortButtons[row] {
		if i == gi {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	q.sortMarks[row].SetResource(theme.ConfirmIcon())
	q.Message.Hide()
}
