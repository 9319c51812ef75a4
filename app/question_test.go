package app_test

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/content"
)

// showOnly starts a visit whose diagnostic serves the first pack item
// matching keep, and returns it on screen.
func showOnly(t *testing.T, keep func(*content.Item) bool) (*fixture, *app.QuestionScreen) {
	t.Helper()
	f := newFixture(t)
	var ids []string
	for _, it := range f.pack.Questions() {
		if keep(it) {
			ids = append(ids, it.ID)
			break
		}
	}
	if len(ids) == 0 {
		t.Fatal("no such item in the default pack")
	}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
		NewDiagnostic: func(*content.Pack, uint64) (app.Diagnostic, error) { return &everyItem{ids: ids}, nil }})
	f.k.Show(f.w)
	startTest(f.k)
	return f, f.k.Question
}

func rightCount(it *content.Item) int {
	n := 0
	for _, c := range it.Choices {
		if c.Correct {
			n++
		}
	}
	return n
}

// TestMultipleShowsHowManyToTick: without sound, the screen says how many
// answers to tick, the cards are check boxes, and a box fills per tick.
func TestMultipleShowsHowManyToTick(t *testing.T) {
	_, q := showOnly(t, func(it *content.Item) bool { return it.Kind == content.KindMultiple && rightCount(it) == 2 })
	if q.Picks == nil || !q.Picks.Visible() || !strings.Contains(q.Picks.Text, "2") {
		t.Fatalf("no visible '2 réponses': %+v", q.Picks)
	}
	if len(q.PickBoxes) != 2 {
		t.Fatalf("%d boxes, want 2", len(q.PickBoxes))
	}
	for _, c := range q.Choices {
		if c.Box != widgets.CheckBox {
			t.Fatal("a multiple-choice card is not a check box")
		}
	}
	empty := q.PickBoxes[0].Resource
	test.Tap(q.Choices[0])
	if q.PickBoxes[0].Resource == empty || q.PickBoxes[1].Resource != empty {
		t.Error("ticking one card did not fill exactly one box")
	}
	test.Tap(q.Choices[0])
	if q.PickBoxes[0].Resource != empty {
		t.Error("unticking did not empty the box")
	}
}

// TestSingleCardsAreRadios: one answer to choose looks like it.
func TestSingleCardsAreRadios(t *testing.T) {
	_, q := showOnly(t, func(it *content.Item) bool { return it.Kind == content.KindSingle })
	if q.Picks != nil {
		t.Error("a single-choice question says how many to tick")
	}
	for _, c := range q.Choices {
		if c.Box != widgets.RadioBox {
			t.Fatal("a single-choice card is not a radio")
		}
	}
}

// TestWrongAnswerShowsTheRightCard: after a wrong answer the right card is
// marked right, the chosen one wrong, and the others step aside; the
// question stays at the top and the feedback sits where the buttons were.
func TestWrongAnswerShowsTheRightCard(t *testing.T) {
	f, q := showOnly(t, func(it *content.Item) bool { return it.Kind == content.KindSingle && len(it.Choices) >= 3 })
	promptAt := fyne.CurrentApp().Driver().AbsolutePositionForObject(q.Prompt)
	f.answer(t, 1)
	it := q.Item()
	order := q.ChoiceOrder()
	for i, c := range q.Choices {
		switch {
		case it.Choices[order[i]].Correct:
			if c.Verdict() != widgets.Right {
				t.Errorf("the right card %q is not marked right", c.Text)
			}
		case c.Selected():
			if c.Verdict() != widgets.WrongChoice {
				t.Errorf("the chosen wrong card %q is not marked wrong", c.Text)
			}
		default:
			if c.Verdict() != widgets.Neutral {
				t.Errorf("card %q: verdict %v", c.Text, c.Verdict())
			}
		}
	}
	if q.FeedbackTitle() == "" || q.FeedbackText() != it.Feedback.Incorrect {
		t.Errorf("feedback %q / %q", q.FeedbackTitle(), q.FeedbackText())
	}
	if got := fyne.CurrentApp().Driver().AbsolutePositionForObject(q.Prompt); got != promptAt {
		t.Errorf("the question moved from %v to %v when the feedback came", promptAt, got)
	}
	cont := fyne.CurrentApp().Driver().AbsolutePositionForObject(q.Continue)
	if size := f.w.Canvas().Size(); cont.Y+q.Continue.Size().Height > size.Height || cont.Y < size.Height/2 {
		t.Errorf("Continuer at %v in a %v window: not at the bottom, in view", cont, size)
	}
}

// TestOrderShowsTheRightOrder: after the answer the steps are laid out in
// the right order and numbered.
func TestOrderShowsTheRightOrder(t *testing.T) {
	f, q := showOnly(t, func(it *content.Item) bool { return it.Kind == content.KindOrder })
	f.answer(t, 1)
	right := map[string]int{}
	for i, s := range q.Item().Steps {
		right[s.ID] = i + 1
	}
	wrong := 0
	for i, id := range q.CardIDs() {
		c := q.Cards[i]
		if !strings.HasPrefix(c.Text, strconv.Itoa(right[id])+". ") {
			t.Errorf("card %s reads %q, want its right place %d first", id, c.Text, right[id])
		}
		if c.Verdict() == widgets.WrongChoice {
			wrong++
		}
	}
	if wrong == 0 {
		t.Error("the steps given in reverse show no wrong place")
	}
}

// TestTapShowsWhereToClick: after a wrong tap the right place is framed.
func TestTapShowsWhereToClick(t *testing.T) {
	f, q := showOnly(t, func(it *content.Item) bool { return it.Kind == content.KindTap })
	f.answer(t, 1)
	if got, want := len(q.Tap.Revealed()), len(q.Item().Zones); got != want || got == 0 {
		t.Errorf("%d places framed, want %d", got, want)
	}
}

// TestTextFieldHasFocus: what the visitor types first goes into the field,
// without a tap on it.
func TestTextFieldHasFocus(t *testing.T) {
	f, q := showOnly(t, func(it *content.Item) bool { return it.Kind == content.KindText })
	if f.w.Canvas().Focused() != q.Entry {
		t.Fatalf("focused: %v", f.w.Canvas().Focused())
	}
	// What the window does with a key press: it goes to the focused object.
	for _, r := range "bonjour" {
		f.w.Canvas().Focused().TypedRune(r)
	}
	if q.Entry.Text != "bonjour" {
		t.Errorf("typed %q", q.Entry.Text)
	}
}

// TestProgressDots: the progress is a row of dots, one group per domain,
// and it moves forward as the visitor answers.
func TestProgressDots(t *testing.T) {
	f := newFixture(t)
	startTest(f.k)
	q := f.k.Question
	if q.Progress.Total() != 8*len(f.pack.Domains) || q.Progress.Done() != 0 || q.Progress.Current() != 0 {
		t.Fatalf("first question: %d of %d dots", q.Progress.Done(), q.Progress.Total())
	}
	last := 0
	for n := 0; n < 12 && f.k.Question != nil; n++ {
		q := f.k.Question
		if q.Progress.Done() < last {
			t.Errorf("progress went back from %d to %d", last, q.Progress.Done())
		}
		last = q.Progress.Done()
		test.Tap(q.DontKnow)
		test.Tap(q.Continue)
	}
	if last != 11 {
		t.Errorf("on the 12th question the progress shows %d dots done, want 11", last)
	}
}

// TestTapTargetsTakeAFingertip: at 1024×768 every place a tap item asks for
// takes a tap anywhere in a 48-pixel square around its centre, however
// small it is drawn, and the picture grows on a larger screen.
func TestTapTargetsTakeAFingertip(t *testing.T) {
	layoutOnly(t)
	f := newFixture(t)
	var ids []string
	for _, it := range f.pack.Questions() {
		if it.Kind == content.KindTap {
			ids = append(ids, it.ID)
		}
	}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
		NewDiagnostic: func(*content.Pack, uint64) (app.Diagnostic, error) { return &everyItem{ids: ids}, nil }})
	f.k.Show(f.w)
	startTest(f.k)
	small := 0
	first := f.k.Question.Tap.Pixels(widgets.Rect{W: 1, H: 1})
	for n := 0; f.k.Question != nil; n++ {
		q := f.k.Question
		z := q.Item().Zones[0]
		px := q.Tap.Pixels(widgets.Rect{X: z.X, Y: z.Y, W: z.W, H: z.H})
		if px.Width < 48 || px.Height < 48 {
			small++
		}
		// 23 pixels right of the centre: inside a 48-pixel square.
		x := z.X + z.W/2 + float64(23/q.Tap.Pixels(widgets.Rect{W: 1, H: 1}).Width)
		q.Tap.TapAt(x, z.Y+z.H/2)
		test.Tap(q.Validate)
		if q.FeedbackText() != q.Item().Feedback.Correct {
			t.Errorf("%s: a tap 23 px from the centre of a place drawn %v×%v was not taken", q.Item().ID, px.Width, px.Height)
		}
		test.Tap(q.Continue)
	}
	if len(ids) == 0 || small == 0 {
		t.Logf("%d tap items, %d with a place drawn under 48 px", len(ids), small)
	}
	// On a large screen the picture is drawn larger.
	f2 := newFixture(t)
	f2.w.Resize(fyne.NewSize(1920, 1080))
	f2.k = app.New(app.Config{Seed: testSeed, Pack: f2.pack, Journal: f2.j, Catalogue: f2.cat, Voice: f2.voice,
		NewDiagnostic: func(*content.Pack, uint64) (app.Diagnostic, error) { return &everyItem{ids: ids[:1]}, nil }})
	f2.k.Show(f2.w)
	startTest(f2.k)
	if big := f2.k.Question.Tap.Pixels(widgets.Rect{W: 1, H: 1}); big.Height < 1.3*first.Height {
		t.Errorf("the tap picture is drawn %v at 1024×768 and only %v at 1920×1080", first, big)
	}
}
