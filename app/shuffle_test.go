package app_test

import (
	"context"
	"encoding/json"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestRightAnswerIsNotAlwaysFirst: the pack lists the right choice first;
// over many visits each place on screen holds it about equally often, and a
// visitor who taps the right card (wherever it is) is scored right.
func TestRightAnswerIsNotAlwaysFirst(t *testing.T) {
	f := newFixture(t)
	var single *content.Item
	for _, it := range f.pack.Questions() {
		if it.Kind == content.KindSingle && len(it.Choices) == 4 && it.Choices[0].Correct {
			single = it
			break
		}
	}
	if single == nil {
		t.Fatal("no 4-choice single item with the right answer first in the default pack")
	}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
		NewDiagnostic: func(*content.Pack, uint64) (app.Diagnostic, error) {
			return &everyItem{ids: []string{single.ID}}, nil
		}})
	f.k.Show(f.w)
	const visits = 400
	var at [4]int
	for v := 0; v < visits; v++ {
		startTest(f.k)
		q := f.k.Question
		for i, ci := range q.ChoiceOrder() {
			if single.Choices[ci].Correct {
				at[i]++
				test.Tap(q.Choices[i])
			}
		}
		test.Tap(q.Validate)
		test.Tap(q.Continue) // the results
		f.k.ShowWelcome()
	}
	for i, n := range at {
		// 100 expected in each place; 3 standard deviations is ±26.
		if n < 70 || n > 130 {
			t.Errorf("the right answer was in place %d in %d of %d visits; want about %d: %v", i+1, n, visits, visits/4, at)
		}
	}
	correct := 0
	err := f.j.Each(context.Background(), journal.Filter{Type: journal.TypeAnswerRecorded}, func(ev journal.Event) error {
		var a struct {
			Correct bool `json:"correct"`
		}
		if err := json.Unmarshal(ev.Payload, &a); err != nil {
			return err
		}
		if a.Correct {
			correct++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if correct != visits {
		t.Errorf("%d of %d taps on the right card were scored right", correct, visits)
	}
}

// TestChoiceOrderIsSeeded: the same seed gives the same screens; another
// seed another order.
func TestChoiceOrderIsSeeded(t *testing.T) {
	orders := func(seed uint64) [][]int {
		f := newFixture(t)
		f.k = app.New(app.Config{Seed: seed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice})
		f.k.Show(f.w)
		startTest(f.k)
		var out [][]int
		for n := 0; n < 12 && f.k.Question != nil; n++ {
			out = append(out, f.k.Question.ChoiceOrder())
			test.Tap(f.k.Question.DontKnow)
			test.Tap(f.k.Question.Continue)
		}
		return out
	}
	a, b, c := orders(7), orders(7), orders(8)
	if !equalOrders(a, b) {
		t.Errorf("seed 7 gave two different visits:\n%v\n%v", a, b)
	}
	if equalOrders(a, c) {
		t.Errorf("seeds 7 and 8 gave the same visit: %v", a)
	}
}

func equalOrders(a, b [][]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}
