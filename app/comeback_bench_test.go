package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/app/learners"
	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// BenchmarkComeBack measures a returning visitor's wait: from "Je suis déjà
// venu" through the four pictures to their space on screen, on a journal of
// 150 000 events (3 000 learners with a code, a diagnostic of 45 answers
// each). Target: under 200 ms. The time includes the five screens' taps as
// Fyne's test driver renders them (SVG pictures included).
func BenchmarkComeBack(b *testing.B) {
	ctx := context.Background()
	a := test.NewTempApp(b)
	a.Settings().SetTheme(kiosktheme.New())
	pack, err := content.Load(assets.DefaultPack())
	if err != nil {
		b.Fatal(err)
	}
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		b.Fatal(err)
	}
	j, err := journal.Open(ctx, filepath.Join(b.TempDir(), "journal.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	const people, answers = 3000, 45
	var evs []journal.Event
	seq := int64(0)
	add := func(typ, learner string, p any) {
		seq++
		body, _ := json.Marshal(p)
		evs = append(evs, journal.Event{ID: fmt.Sprintf("01900000-0000-7000-8000-%012d", seq), DeviceID: j.DeviceID(), Seq: seq,
			WallTime: time.Unix(1_700_000_000+seq, 0), HLC: journal.HLC(seq << 16), Type: typ, LearnerID: learner, Payload: body})
	}
	codes := make([]string, people)
	results := []event.DomainResult{}
	for _, d := range pack.Domains {
		results = append(results, event.DomainResult{Domain: d.ID, Items: 9, Band: 2, Theta: 0.3, SE: 0.5, BandProb: 0.8})
	}
	for l := range people {
		id := fmt.Sprintf("learner-%05d", l)
		codes[l] = learners.JoinCode([]string{learners.Pictograms[l%16], learners.Pictograms[(l/16)%16], learners.Pictograms[(l/256)%16], "chat"})
		add(event.TypeLearnerCreated, id, event.LearnerCreated{Anonymous: true})
		add(event.TypeSessionStarted, id, event.SessionStarted{SessionID: id + "-s", Mode: event.ModeDiagnostic})
		for i := range answers {
			add(event.TypeAnswerRecorded, id, event.AnswerRecorded{LearnerID: id, SessionID: id + "-s", ItemID: fmt.Sprintf("it-%d", i), Outcome: event.OutcomeCorrect})
		}
		add(event.TypeDiagnosticFinished, id, event.DiagnosticFinished{SessionID: id + "-s", Items: answers, Results: results})
		add(event.TypeLearnerCodeAssigned, id, event.LearnerCodeAssigned{PictureCode: codes[l]})
	}
	for i := 0; i < len(evs); i += 10000 {
		if _, err := j.Merge(ctx, evs[i:min(len(evs), i+10000)], ""); err != nil {
			b.Fatal(err)
		}
	}
	n := len(evs)
	evs = nil
	runtime.GC()
	w := a.NewWindow("bench")
	w.Resize(fyne.NewSize(1024, 768))
	k := app.New(app.Config{Seed: testSeed, Pack: pack, Journal: j, Catalogue: cat, Voice: &recordingVoice{}})
	k.Show(w)
	b.ReportMetric(float64(n), "events")
	var took []time.Duration
	b.ResetTimer()
	for n := 0; b.Loop(); n++ {
		code := codes[(n*7919)%people]
		t0 := time.Now()
		test.Tap(k.Welcome.CameBefore)
		for _, name := range strings.Split(code, "-") {
			for i, p := range learners.Pictograms {
				if p == name {
					test.Tap(k.CodePad.Keys[i])
				}
			}
		}
		took = append(took, time.Since(t0))
		if k.Space == nil {
			b.Fatalf("code %s did not open the space", code)
		}
		b.StopTimer()
		k.EndVisit()
		b.StartTimer()
	}
	// The median: on a shared machine a few runs wait for the CPU.
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
}
