package app_test

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
)

// everyItem serves every item the kiosk can show, in pack order: a layout
// test, not a diagnostic.
type everyItem struct {
	ids  []string
	next int
}

func (e *everyItem) Next() (string, bool) {
	if e.next >= len(e.ids) {
		return "", false
	}
	return e.ids[e.next], true
}
func (e *everyItem) Record(string, assessment.Outcome) error { e.next++; return nil }
func (e *everyItem) Results() []assessment.DomainResult      { return nil }
func (e *everyItem) MarshalState() ([]byte, error)           { return []byte("{}"), nil }

// TestEveryItemFitsTheSmallestScreen shows every item of the default pack
// in a 1024×768 window: none may need a wider window than the screen.
func TestEveryItemFitsTheSmallestScreen(t *testing.T) {
	layoutOnly(t)
	f := newFixture(t)
	bank := app.ItemBank(f.pack)
	ids := make([]string, len(bank))
	for i, it := range bank {
		ids[i] = it.ID
	}
	// Sound off: the "sound off" sign takes room in the top bar too.
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, SoundOff: true,
		NewDiagnostic: func(*content.Pack, uint64) (app.Diagnostic, error) { return &everyItem{ids: ids}, nil }})
	f.k.Show(f.w)
	fits := func(q *app.QuestionScreen, state string) {
		t.Helper()
		// No scrolling anywhere: what the screen needs is what it shows.
		if s := f.w.Content().MinSize(); s.Width > 1024 || s.Height > 768 {
			t.Errorf("%s (%s) %s needs %v×%v, more than 1024×768", q.Item().ID, q.Item().Kind, state, s.Width, s.Height)
		}
	}
	kinds := map[string]int{}
	startTest(f.k)
	for n := 0; f.k.Question != nil; n++ {
		q := f.k.Question
		kinds[q.Item().Kind]++
		fits(q, "before the answer")
		// With TREMPLIN_SHOTS set, every item's screen is kept to be looked at.
		keepShot(t, f, "item-"+q.Item().ID+"-1")
		// A wrong answer (every card chosen, the longest feedback text).
		f.answer(t, 1)
		fits(q, "with its feedback")
		keepShot(t, f, "item-"+q.Item().ID+"-2")
		test.Tap(q.Continue)
	}
	for _, k := range []string{content.KindSingle, content.KindMultiple, content.KindText, content.KindTap, content.KindOrder, content.KindSort} {
		if kinds[k] == 0 {
			t.Errorf("no %s item was shown", k)
		}
	}
	if len(kinds) < 6 || len(ids) != kinds[content.KindSingle]+kinds[content.KindMultiple]+kinds[content.KindText]+kinds[content.KindTap]+kinds[content.KindOrder]+kinds[content.KindSort] {
		t.Errorf("shown %v of %d items", kinds, len(ids))
	}
}

// TestItemBankCarriesParameters: the engine gets each item's calibrated
// parameters, Sympson–Hetter exposure included, and no item the kiosk
// cannot show.
func TestItemBankCarriesParameters(t *testing.T) {
	p := &content.Pack{Items: []content.Item{
		{ID: "q1", Domain: "internet", Skill: "s1", Level: 2, Kind: content.KindSingle, IRT: &content.IRT{A: 1.7, B: 0.4, Exposure: 0.35}},
		{ID: "g1", Domain: "internet", Skill: "s1", Level: 2, Kind: "gesture-drag", IRT: &content.IRT{A: 1, B: 0}},
	}}
	bank := app.ItemBank(p)
	if len(bank) != 1 || bank[0] != (assessment.Item{ID: "q1", Domain: "internet", Skill: "s1", Level: 2, A: 1.7, B: 0.4, Exposure: 0.35}) {
		t.Errorf("item bank %+v", bank)
	}
}

// layoutOnly skips, under the race detector, a test that only checks how
// screens are laid out and drawn: it starts no goroutine of its own, and
// -race makes Fyne's pure-Go SVG rasterising about ten times slower (the
// whole bank at 1024×768 alone took over 10 minutes). The run without
// -race checks it; `go test -race ./app` then finishes in minutes.
func layoutOnly(t *testing.T) {
	t.Helper()
	if raceDetector {
		t.Skip("layout only: checked by the run without -race")
	}
}
