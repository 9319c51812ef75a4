package app

import (
	"hash/fnv"
	"math/rand/v2"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/content"
)

// shuffled returns the indexes 0..n-1 in the order a visit shows an item's
// choices, steps or cards: fixed by the visit's seed and the item's id, so a
// resumed visit shows the same screen and a seeded test sees the same one,
// but each visitor meets a different order and the pack's order (which
// authors write right answer first) gives nothing away.
func shuffled(seed uint64, id string, n int) []int {
	h := fnv.New64a()
	h.Write([]byte(id))
	r := rand.New(rand.NewPCG(seed, h.Sum64()))
	return r.Perm(n)
}

// shuffledSteps is shuffled, never the steps already in the right order.
func shuffledSteps(seed uint64, id string, n int) []int {
	idx := shuffled(seed, id, n)
	sorted := true
	for i, v := range idx {
		if v != i {
			sorted = false
		}
	}
	if sorted && n > 1 {
		idx[0], idx[1] = idx[1], idx[0]
	}
	return idx
}

// orderArea shows the steps mixed up; the visitor clicks them in order and
// each card shows its number.
func (q *QuestionScreen) orderArea() fyne.CanvasObject {
	steps := q.item.Steps
	grid := container.NewGridWithColumns(1)
	for _, i := range shuffledSteps(q.seed, q.item.ID, len(steps)) {
		st := steps[i]
		card := widgets.NewChoiceCard(st.Text, q.k.resource(st.Image), nil)
		card.OnTapped = func() { q.pickStep(card, st) }
		q.Cards = append(q.Cards, card)
		q.cardIDs = append(q.cardIDs, st.ID)
		text := st.Text
		spk := widget.NewButtonWithIcon("", theme.VolumeUpIcon(), func() { q.k.cfg.Voice.Say(text) })
		q.ChoiceSpeakers = append(q.ChoiceSpeakers, spk)
		grid.Add(container.NewBorder(nil, nil, nil, container.NewVBox(layout.NewSpacer(), spk, layout.NewSpacer()), card))
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

// sortArea shows each card with one button per group; the visitor puts
// every card in a group.
func (q *QuestionScreen) sortArea() fyne.CanvasObject {
	var members []content.Step
	for _, g := range q.item.Groups {
		members = append(members, g.Members...)
		q.groupIDs = append(q.groupIDs, g.ID)
	}
	q.sorted = map[string]string{}
	rows := container.NewVBox()
	for _, i := range shuffled(q.seed, q.item.ID, len(members)) {
		m := members[i]
		q.cardIDs = append(q.cardIDs, m.ID)
		var buttons []*widget.Button
		box := container.NewGridWithColumns(len(q.item.Groups))
		for gi, g := range q.item.Groups {
			b := widget.NewButton(g.Title, nil)
			gid, row := g.ID, len(q.SortButtons)
			b.OnTapped = func() { q.sortInto(row, m.ID, gid, gi) }
			buttons = append(buttons, b)
			box.Add(b)
		}
		q.SortButtons = append(q.SortButtons, buttons)
		label := widget.NewLabel(m.Text)
		label.Wrapping = fyne.TextWrapWord
		text := m.Text
		spk := widget.NewButtonWithIcon("", theme.VolumeUpIcon(), func() { q.k.cfg.Voice.Say(text) })
		q.ChoiceSpeakers = append(q.ChoiceSpeakers, spk)
		// The card above its group buttons: three long group names side by side
		// must still fit a 1024-pixel screen.
		rows.Add(container.NewVBox(container.NewBorder(nil, nil, spk, nil, label), box))
		rows.Add(widget.NewSeparator())
	}
	return rows
}

func (q *QuestionScreen) sortInto(row int, member, group string, gi int) {
	q.k.touch()
	if q.answered {
		return
	}
	q.sorted[member] = group
	for i, b := range q.SortButtons[row] {
		if i == gi {
			b.Importance = widget.HighImportance
			b.SetIcon(theme.ConfirmIcon())
		} else {
			b.Importance = widget.MediumImportance
			b.SetIcon(nil)
		}
		b.Refresh()
	}
	q.Message.Hide()
}
