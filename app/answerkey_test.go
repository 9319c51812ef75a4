package app

import (
	"testing"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

// TestEveryPackItemChecksItsOwnAnswers gives every item the kiosk can show
// its own right answer and a wrong one, through the same key the screens
// build: a pack item the checker cannot read, or whose answer it refuses,
// would cost a visitor a point for nothing.
func TestEveryPackItemChecksItsOwnAnswers(t *testing.T) {
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := range p.Items {
		it := &p.Items[i]
		if !supportedKinds[it.Kind] {
			continue
		}
		n++
		key := answerKey(it)
		right, wrong := responses(it)
		for _, a := range it.Accept {
			if it.Kind == content.KindText {
				if o, err := assessment.Check(key, assessment.Response{Text: a}); err != nil || o != assessment.Correct {
					t.Errorf("%s (%s:%d): accepted answer %q checked %v, %v", it.ID, it.File, it.Line, a, o, err)
				}
			}
		}
		if o, err := assessment.Check(key, right); err != nil || o != assessment.Correct {
			t.Errorf("%s (%s:%d): right answer checked %v, %v", it.ID, it.File, it.Line, o, err)
		}
		if o, err := assessment.Check(key, wrong); err != nil || o != assessment.Incorrect {
			t.Errorf("%s (%s:%d): wrong answer checked %v, %v", it.ID, it.File, it.Line, o, err)
		}
	}
	if n < 100 {
		t.Errorf("only %d items checked", n)
	}
}

func responses(it *content.Item) (right, wrong assessment.Response) {
	switch it.Kind {
	case content.KindSingle, content.KindMultiple:
		for i, c := range it.Choices {
			if c.Correct {
				right.Choices = append(right.Choices, i)
			} else if wrong.Choices == nil {
				wrong.Choices = []int{i}
			}
		}
	case content.KindText:
		right.Text = it.Accept[0]
		wrong.Text = "zzzz qqqq 000"
	case content.KindTap:
		z := it.Zones[0]
		right.X, right.Y = z.X+z.W/2, z.Y+z.H/2
		wrong.X, wrong.Y = outside(it.Zones)
	case content.KindOrder:
		for _, s := range it.Steps {
			right.Order = append(right.Order, s.ID)
		}
		for i := len(it.Steps) - 1; i >= 0; i-- {
			wrong.Order = append(wrong.Order, it.Steps[i].ID)
		}
	case content.KindSort:
		right.Groups, wrong.Groups = map[string]string{}, map[string]string{}
		for _, g := range it.Groups {
			for _, m := range g.Members {
				right.Groups[m.ID] = g.ID
				wrong.Groups[m.ID] = it.Groups[0].ID
			}
		}
	}
	return right, wrong
}

func outside(zones []content.Zone) (float64, float64) {
	for y := 0.01; y < 1; y += 0.02 {
		for x := 0.01; x < 1; x += 0.02 {
			in := false
			for _, z := range zones {
				if x >= z.X && x <= z.X+z.W && y >= z.Y && y <= z.Y+z.H {
					in = true
				}
			}
			if !in {
				return x, y
			}
		}
	}
	return -1, -1
}
