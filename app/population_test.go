package app_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// finishedResults returns the results of the journal's diagnostic.finished
// events, in order.
func finishedResults(t *testing.T, j *journal.Journal) [][]assessment.DomainResult {
	t.Helper()
	evs, err := j.Events(context.Background(), journal.Filter{Type: journal.TypeDiagnosticFinished})
	if err != nil {
		t.Fatal(err)
	}
	var out [][]assessment.DomainResult
	for _, ev := range evs {
		var p struct {
			Results []assessment.DomainResult `json:"results"`
		}
		if err := json.Unmarshal(ev.Payload, &p); err != nil {
			continue // the garbled one planted by the test
		}
		out = append(out, p.Results)
	}
	return out
}

// TestKioskLearnsPopulationPrior: a kiosk whose journal holds earlier
// visitors' results, all weak, starts the next visitor from a prior learnt
// from them, not from the average N(0, 1): a visitor who stops at once is
// placed where the space's visitors are. A result the kiosk cannot read is
// skipped.
func TestKioskLearnsPopulationPrior(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.j.Append(ctx, journal.TypeDiagnosticFinished, "old", map[string]any{"results": "garbled"}); err != nil {
		t.Fatal(err)
	}
	var weak []assessment.DomainResult
	for _, dom := range []string{"equipement", "internet", "communiquer", "documents", "demarches"} {
		weak = append(weak, assessment.DomainResult{Domain: dom, Items: 8, Theta: -1.6, SE: 0.5,
			PlainTheta: -1.6, PlainSE: 0.5, Prior: assessment.Normal{Mean: 0, SD: 1}})
	}
	for i := 0; i < 60; i++ {
		if _, err := f.j.Append(ctx, journal.TypeDiagnosticFinished, "old", map[string]any{"results": weak}); err != nil {
			t.Fatal(err)
		}
	}
	visitor := func() []assessment.DomainResult {
		k := app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice})
		k.Show(f.w)
		startTest(k)
		test.Tap(k.Question.DontKnow) // one answer: a result is journaled
		test.Tap(k.Question.Continue)
		stopTest(k)
		all := finishedResults(t, f.j)
		return all[len(all)-1]
	}
	for _, r := range visitor()[1:] { // the domains not answered
		if r.Items != 0 || !(r.PlainTheta < -1) {
			t.Errorf("%s: %d items, estimate %.2f; want the learnt prior's mean, below -1", r.Domain, r.Items, r.PlainTheta)
		}
	}

	// An empty journal: the default prior.
	g := newFixture(t)
	k := app.New(app.Config{Seed: testSeed, Pack: g.pack, Journal: g.j, Catalogue: g.cat, Voice: g.voice})
	k.Show(g.w)
	startTest(k)
	test.Tap(k.Question.DontKnow)
	test.Tap(k.Question.Continue)
	stopTest(k)
	for _, r := range finishedResults(t, g.j)[0][1:] {
		if math.Abs(r.PlainTheta) > 1e-6 || math.Abs(r.PlainSE-1) > 1e-3 {
			t.Errorf("%s with no earlier visitor: %.2f ± %.2f, want 0 ± 1", r.Domain, r.PlainTheta, r.PlainSE)
		}
	}
}

// TestFirstQuestionIsGentle: every visitor starts with the framework's
// first domain (using the computer) and an easy, level-1 question.
func TestFirstQuestionIsGentle(t *testing.T) {
	f := newFixture(t)
	first := f.pack.Domains[0].ID
	for i := 0; i < 10; i++ {
		startTest(f.k)
		it := f.k.Question.Item()
		if it.Domain != first || it.Level != 1 {
			t.Errorf("visitor %d starts with %s (%s, level %d), want a level-1 question of %s", i, it.ID, it.Domain, it.Level, first)
		}
		stopTest(f.k)
		test.Tap(f.k.Results.Done)
	}
}
