package app_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/i18n"
	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// recordingVoice keeps what the kiosk asked to say.
type recordingVoice struct {
	mu   sync.Mutex
	said []string
}

func (v *recordingVoice) Say(text string) { v.mu.Lock(); v.said = append(v.said, text); v.mu.Unlock() }
func (v *recordingVoice) Stop()           {}
func (v *recordingVoice) last() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.said) == 0 {
		return ""
	}
	return v.said[len(v.said)-1]
}

type fixture struct {
	k     *app.Kiosk
	w     fyne.Window
	j     *journal.Journal
	pack  *content.Pack
	voice *recordingVoice
	cat   *i18n.Catalogue
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(kiosktheme.New())
	pack, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(context.Background(), filepath.Join(t.TempDir(), "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	v := &recordingVoice{}
	f := &fixture{w: a.NewWindow("test"), j: j, pack: pack, voice: v, cat: cat}
	f.w.Resize(fyne.NewSize(1024, 768))
	f.k = newKioskWithVoice(t, f, v)
	return f
}

func newKioskWithVoice(t *testing.T, f *fixture, v app.Voice) *app.Kiosk {
	t.Helper()
	cfg := app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: v}
	if s, ok := v.(app.SoundSettings); ok {
		cfg.Sound = s
	}
	k := app.New(cfg)
	k.Show(f.w)
	return k
}

// answer gives the current question a correct, wrong or "don't know"
// answer, and returns whether it should be scored correct.
func (f *fixture) answer(t *testing.T, mode int) (itemID string, correct bool) {
	t.Helper()
	q := f.k.Question
	it := q.Item()
	switch mode % 3 {
	case 2:
		test.Tap(q.DontKnow)
		return it.ID, false
	case 0: // correct
		if q.Tap != nil {
			z := it.Zones[0]
			q.Tap.TapAt(z.X+z.W/2, z.Y+z.H/2)
		} else if it.Kind == content.KindOrder {
			ids := q.CardIDs()
			for _, st := range it.Steps {
				for i, id := range ids {
					if id == st.ID {
						test.Tap(q.Cards[i])
					}
				}
			}
		} else if it.Kind == content.KindSort {
			group := map[string]int{}
			for gi, g := range it.Groups {
				for _, m := range g.Members {
					group[m.ID] = gi
				}
			}
			for row, id := range q.CardIDs() {
				test.Tap(q.SortButtons[row][group[id]])
			}
		} else if q.Entry != nil {
			// Lenient checking: other case, extra spaces.
			test.Type(q.Entry, "  "+strings.ToUpper(it.Accept[0])+" ")
		} else {
			for i, ci := range q.ChoiceOrder() {
				if it.Choices[ci].Correct {
					test.Tap(q.Choices[i])
				}
			}
		}
		test.Tap(q.Validate)
		return it.ID, true
	default: // wrong
		if q.Tap != nil {
			x, y := app.OutsideZones(it.Zones)
			q.Tap.TapAt(x, y)
		} else if it.Kind == content.KindOrder {
			ids := q.CardIDs()
			for s := len(it.Steps) - 1; s >= 0; s-- {
				for i, id := range ids {
					if id == it.Steps[s].ID {
						test.Tap(q.Cards[i])
					}
				}
			}
		} else if it.Kind == content.KindSort {
			for row := range q.CardIDs() {
				test.Tap(q.SortButtons[row][0])
			}
			if len(it.Groups[0].Members) == len(q.CardIDs()) {
				test.Tap(q.SortButtons[0][1])
			}
		} else if q.Entry != nil {
			test.Type(q.Entry, "zzz qqq")
		} else {
			for i, ci := range q.ChoiceOrder() {
				if !it.Choices[ci].Correct {
					test.Tap(q.Choices[i])
					break
				}
			}
		}
		test.Tap(q.Validate)
		return it.ID, false
	}
}

func TestTapThroughDiagnostic(t *testing.T) {
	f := newFixture(t)
	if f.voice.last() == "" {
		t.Error("the welcome screen said nothing")
	}
	startTest(f.k)

	type want struct {
		item    string
		correct bool
	}
	var wants []want
	domains := map[string]bool{}
	for n := 0; f.k.Question != nil; n++ {
		if n > 200 {
			t.Fatal("the diagnostic never ends")
		}
		q := f.k.Question
		if f.voice.last() != q.Item().SpokenText() {
			t.Errorf("question %s: spoke %q", q.Item().ID, f.voice.last())
		}
		domains[q.Item().Domain] = true
		id, ok := f.answer(t, n)
		wants = append(wants, want{id, ok})
		if q.FeedbackTitle() == "" || !q.Continue.Visible() {
			t.Fatalf("item %s: no feedback after a saved answer (message %q)", id, q.Message.Text)
		}
		if q.Validate.Disabled() == false {
			t.Errorf("item %s: still answerable after feedback", id)
		}
		test.Tap(q.Continue)
	}
	if len(wants) < 5 {
		t.Errorf("only %d items asked", len(wants))
	}
	if len(domains) != 5 {
		t.Errorf("items from %d domains, want all 5: %v", len(domains), domains)
	}
	if f.k.Results == nil {
		t.Fatal("no results screen at the end")
	}
	if len(f.k.Results.Rows) != 5 {
		t.Errorf("%d result rows, want 5", len(f.k.Results.Rows))
	}
	next := 0
	for _, r := range f.k.Results.Rows {
		if r.Word.Text == "" || strings.Contains(r.Word.Text, "%") {
			t.Errorf("row %s shows %q", r.Domain, r.Word.Text)
		}
		if strings.HasPrefix(r.Next.Text, "À travailler : ") {
			next++
		}
	}
	if next == 0 {
		t.Error("no skill to work on was named, after a third of the answers wrong and a third not known")
	}

	evs, err := f.j.Events(context.Background(), journal.Filter{Type: journal.TypeAnswerRecorded})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != len(wants) {
		t.Fatalf("%d answer events, %d answers given", len(evs), len(wants))
	}
	for i, e := range evs {
		var p struct {
			ItemID  string `json:"item_id"`
			Correct bool   `json:"correct"`
			Outcome string `json:"outcome"`
		}
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if p.ItemID != wants[i].item || p.Correct != wants[i].correct {
			t.Errorf("event %d: item %s correct %v, want %s %v", i, p.ItemID, p.Correct, wants[i].item, wants[i].correct)
		}
		if i%3 == 2 && p.Outcome != "dont_know" {
			t.Errorf("event %d: outcome %q, want dont_know", i, p.Outcome)
		}
	}
	all, _ := f.j.Events(context.Background(), journal.Filter{})
	if all[0].Type != journal.TypeLearnerCreated || all[1].Type != event.TypeWarmupFinished || all[2].Type != journal.TypeSessionStarted ||
		all[len(all)-1].Type != journal.TypeDiagnosticFinished {
		t.Errorf("journal starts %s, %s, %s and ends %s", all[0].Type, all[1].Type, all[2].Type, all[len(all)-1].Type)
	}

	test.Tap(f.k.Results.Done)
	if f.k.Welcome == nil || f.k.Results != nil {
		t.Error("Terminer did not go back to the welcome screen")
	}
}

func TestValidateWithoutAnswerAsksKindly(t *testing.T) {
	f := newFixture(t)
	startTest(f.k)
	q := f.k.Question
	test.Tap(q.Validate)
	if !q.Message.Visible() || q.FeedbackTitle() != "" {
		t.Errorf("message %q visible %v, feedback %q", q.Message.Text, q.Message.Visible(), q.FeedbackTitle())
	}
	evs, _ := f.j.Events(context.Background(), journal.Filter{Type: journal.TypeAnswerRecorded})
	if len(evs) != 0 {
		t.Errorf("%d answers recorded for an empty answer", len(evs))
	}
}

func TestAnswerNotAcknowledgedWhenJournalFails(t *testing.T) {
	f := newFixture(t)
	startTest(f.k)
	q := f.k.Question
	f.j.Close() // the disk went away
	test.Tap(q.DontKnow)
	if q.FeedbackTitle() != "" || q.Continue.Visible() {
		t.Error("an unsaved answer was acknowledged")
	}
	if !q.Message.Visible() || !strings.Contains(q.Message.Text, "pas enregistrée") {
		t.Errorf("message %q", q.Message.Text)
	}
	if q.DontKnow.Disabled() {
		t.Error("the visitor cannot try again")
	}
}

func TestStopEarlyGivesResults(t *testing.T) {
	f := newFixture(t)
	startTest(f.k)
	f.answer(t, 0)
	test.Tap(f.k.Question.Continue)
	stopTest(f.k)
	if f.k.Results == nil {
		t.Fatal("no results after stopping")
	}
	evs, _ := f.j.Events(context.Background(), journal.Filter{Type: journal.TypeDiagnosticFinished})
	if len(evs) != 1 {
		t.Errorf("%d diagnostic.finished events", len(evs))
	}
}

func TestLanguageSwitch(t *testing.T) {
	f := newFixture(t)
	if f.k.Welcome.StartText() != "Commencer" {
		t.Errorf("start button %q", f.k.Welcome.StartText())
	}
	test.Tap(f.k.Welcome.LangEN)
	if f.k.Welcome.StartText() != "Start" || f.k.Welcome.Speaker.Text != "Listen" {
		t.Errorf("after English: %q", f.k.Welcome.StartText())
	}
	test.Tap(f.k.Welcome.LangFR)
	if f.k.Welcome.StartText() != "Commencer" {
		t.Errorf("after French: %q", f.k.Welcome.StartText())
	}
}

func TestSpeakerReplaysAndChoicesSpeak(t *testing.T) {
	f := newFixture(t)
	startTest(f.k)
	for len(f.k.Question.Choices) == 0 { // find a choice question
		test.Tap(f.k.Question.DontKnow)
		test.Tap(f.k.Question.Continue)
	}
	q := f.k.Question
	test.Tap(q.ChoiceSpeakers[0])
	if f.voice.last() != q.Item().Choices[q.ChoiceOrder()[0]].Text {
		t.Errorf("choice speaker said %q", f.voice.last())
	}
	test.Tap(q.Speaker)
	if f.voice.last() != q.Item().SpokenText() {
		t.Errorf("replay said %q", f.voice.last())
	}
}

// testSeed seeds every kiosk of the tests: the same visits every run.
const testSeed = 20261129

// stopTest taps "J'arrête" and confirms.
func stopTest(k *app.Kiosk) {
	test.Tap(k.Question.Stop)
	test.Tap(k.Confirm.Yes)
}

// startTest taps "Commencer" and skips the mouse warm-up a new visitor
// meets first, as a visitor at ease with a mouse would.
func startTest(k *app.Kiosk) {
	test.Tap(k.Welcome.Start)
	if k.Warmup != nil {
		test.Tap(k.Warmup.Skip)
	}
}
