package app_test

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
)

// shortDiag asks a few items, then reports a result in every domain of
// the pack at band (theta band−1.5, SE 0.3).
type shortDiag struct {
	everyItem
	pack *content.Pack
	band int
}

func (d *shortDiag) Results() []assessment.DomainResult {
	var rs []assessment.DomainResult
	for _, dom := range d.pack.Domains {
		// The skills to work on, as a real diagnostic recommends them: the
		// screens must fit with their names and "Je m'entraîne".
		var rec []string
		for _, c := range dom.Competences {
			for _, sk := range c.Skills {
				if len(rec) < 3 {
					rec = append(rec, sk.ID)
				}
			}
		}
		rs = append(rs, assessment.DomainResult{Domain: dom.ID, Band: d.band, BandProb: 0.9, Theta: float64(d.band) - 1.5, SE: 0.3, Items: 3,
			Recommended: rec})
	}
	return rs
}

// TestVisitsThatRemember drives issue 12's whole story at 1024×768 with
// the real journal: a visitor takes the diagnostic (in English, muted),
// keeps a picture code, prints the sheet and walks away; the idle timeout
// passes; the next visitor meets a fresh kiosk in French with sound on; the
// first comes back with the code, retakes the diagnostic, sees before and
// after, and prints the sheet again.
func TestVisitsThatRemember(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	sheets := t.TempDir()
	v := &settingsVoice{volume: 1}
	f.voice = &v.recordingVoice
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: v, Sound: v,
		Now: func() time.Time { return now }, Sheets: sheets})
	f.k.Show(f.w)
	f.w.Resize(fyne.NewSize(1024, 768))

	// 1. First visit: English, muted, mostly wrong answers.
	test.Tap(f.k.Welcome.LangEN)
	test.Tap(f.k.Welcome.Sound.Mute)
	startTest(f.k)
	for n := 0; f.k.Question != nil; n++ {
		mode := 1
		if n%4 == 0 {
			mode = 0
		}
		f.answer(t, mode)
		test.Tap(f.k.Question.Continue)
		now = now.Add(20 * time.Second)
	}
	if f.k.Results == nil || !f.k.Results.Keep.Visible() {
		t.Fatal("no results with an offer to keep them")
	}
	test.Tap(f.k.Results.Keep)
	code := f.k.CodeShown.Code
	if len(learners.SplitCode(code)) != 4 || len(f.k.CodeShown.Pictures) != 4 {
		t.Fatalf("code %q", code)
	}
	if f.voice.last() != f.cat.T("say.visit.code") {
		t.Errorf("the code was not announced: %q", f.voice.last())
	}
	test.Tap(f.k.CodeShown.Print)
	pdfs, _ := filepath.Glob(filepath.Join(sheets, "*.pdf"))
	if len(pdfs) != 1 || !strings.Contains(f.k.CodeShown.Message.Text, pdfs[0]) {
		t.Fatalf("sheet saved as %v, message %q", pdfs, f.k.CodeShown.Message.Text)
	}

	// 2. The visitor walks away; the idle timeout passes.
	now = now.Add(app.IdleAsk)
	f.k.CheckIdle()
	if f.k.Welcome == nil {
		t.Fatal("the code screen stayed open for the next visitor")
	}
	if f.cat.Language() != "fr" || v.muted || f.k.SoundOffShown() || f.k.Welcome.Sound.Mute.Checked {
		t.Fatalf("the next visitor meets %s, muted %v", f.cat.Language(), v.muted)
	}
	if f.k.Welcome.Resume.Visible() || f.k.Visit().LearnerID() != "" {
		t.Fatal("the next visitor sees something of the first")
	}
	if f.voice.last() != f.cat.T("say.visit.welcome") {
		t.Errorf("welcome said %q", f.voice.last())
	}

	// 3. A wrong code is kindly refused.
	now = now.Add(time.Hour)
	wrong := "parapluie-parapluie-parapluie-parapluie"
	if wrong == code {
		wrong = "soleil-soleil-soleil-soleil"
	}
	typeCode(t, f.k, wrong)
	if f.k.Space != nil || f.k.CodePad.Message.Text != f.cat.T("visit.codepad.wrong") {
		t.Fatalf("wrong code: space %v, message %q", f.k.Space != nil, f.k.CodePad.Message.Text)
	}
	test.Tap(f.k.CodePad.Back)

	// 4. The first visitor comes back with the code.
	typeCode(t, f.k, code)
	s := f.k.Space
	if s == nil {
		t.Fatal("the right code did not open the learner's space")
	}
	tested := 0
	for _, r := range s.Rows {
		if r.Tested {
			tested++
		}
	}
	if tested == 0 {
		t.Fatal("the space shows no earlier result")
	}
	test.Tap(s.Retake)
	if f.k.Warmup != nil || f.k.Question == nil {
		t.Fatal("a returning learner's retake did not go straight to the questions")
	}
	for f.k.Question != nil {
		f.answer(t, 0) // everything right this time
		test.Tap(f.k.Question.Continue)
		now = now.Add(20 * time.Second)
	}
	r := f.k.Results
	if r == nil {
		t.Fatal("no results after the retake")
	}
	if r.Keep.Visible() {
		t.Error("a code is offered to a learner who has one")
	}
	withBefore, up := 0, 0
	for _, row := range r.Rows {
		if row.Before != nil {
			withBefore++
		}
		if row.Evolution.Visible() && row.Evolution.Text == f.cat.T("visit.up") {
			up++
		}
	}
	if withBefore == 0 || up == 0 {
		t.Fatalf("before/after: %d rows with a before, %d up", withBefore, up)
	}
	test.Tap(r.Print)
	pdfs, _ = filepath.Glob(filepath.Join(sheets, "*.pdf"))
	if len(pdfs) != 2 {
		t.Fatalf("sheets %v", pdfs)
	}
	if b, err := os.ReadFile(pdfs[1]); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("second sheet: %v", err)
	}

	// 5. The journal holds one learner with both diagnostics and the evolution.
	book, err := learners.Load(context.Background(), f.j, f.j.DeviceID())
	if err != nil {
		t.Fatal(err)
	}
	ls := book.List()
	if len(ls) != 1 || ls[0].Code != code || len(ls[0].Diagnostics) != 2 {
		t.Fatalf("learners %+v", ls)
	}
	last := ls[0].Diagnostics[1]
	if last.Previous != ls[0].Diagnostics[0].SessionID || len(last.Evolution) == 0 {
		t.Fatalf("second diagnostic %+v", last)
	}
	ups := 0
	for _, e := range last.Evolution {
		if e.Label == event.EvolutionUp {
			ups++
		}
	}
	if ups != up {
		t.Errorf("journal says %d domains up, the screen %d", ups, up)
	}
}

// TestRememberScreensFit renders the screens of visits that remember at
// 1024×768 and 1920×1080: every button a visitor needs is inside the
// window, big enough, with no scrolling. With TREMPLIN_SHOTS set, the
// pictures are kept there to be looked at.
func TestRememberScreensFit(t *testing.T) {
	layoutOnly(t)
	for _, size := range []fyne.Size{{Width: 1024, Height: 768}, {Width: 1920, Height: 1080}} {
		f := newFixture(t)
		dir := os.Getenv("TREMPLIN_SHOTS")
		// A short diagnostic (three items, then a result in every domain,
		// better the second time): the screens here are not the questions.
		// No sound on this computer: the "Pas de son" sign takes room in
		// every top bar.
		bank := app.ItemBank(f.pack)
		runs := 0
		newDiag := func(*content.Pack, uint64) (app.Diagnostic, error) {
			runs++
			return &shortDiag{everyItem: everyItem{ids: []string{bank[0].ID, bank[1].ID, bank[2].ID}}, pack: f.pack, band: 3 * (runs - 1)}, nil
		}
		f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice, Sheets: t.TempDir(), SoundOff: true,
			NewDiagnostic: newDiag})
		f.k.Show(f.w)
		f.w.Resize(size)
		tag := fmt.Sprintf("%dx%d", int(size.Width), int(size.Height))
		shot := func(name string) {
			if dir == "" {
				return
			}
			os.MkdirAll(dir, 0o755)
			out, err := os.Create(filepath.Join(dir, "remember-"+tag+"-"+name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			png.Encode(out, f.w.Canvas().Capture())
		}
		inside := func(name string, o fyne.CanvasObject) {
			t.Helper()
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
			ws := f.w.Canvas().Size()
			if pos.X < 0 || pos.Y < 0 || pos.X+o.Size().Width > ws.Width+1 || pos.Y+o.Size().Height > ws.Height+1 {
				t.Errorf("%s %s at %v size %v is outside the %v window", tag, name, pos, o.Size(), ws)
			}
			if o.Size().Height < 48 {
				t.Errorf("%s %s is %v high: too small a target", tag, name, o.Size().Height)
			}
			if ws.Width > size.Width+1 || ws.Height > size.Height+1 {
				t.Errorf("%s %s: the window grew to %v", tag, name, ws)
			}
		}
		// above: o ends above the buttons (the rows scroll if they do not).
		above := func(name string, o, buttons fyne.CanvasObject) {
			t.Helper()
			d := fyne.CurrentApp().Driver()
			if !o.Visible() {
				return
			}
			if bottom, top := d.AbsolutePositionForObject(o).Y+o.Size().Height, d.AbsolutePositionForObject(buttons).Y; bottom > top+1 {
				t.Errorf("%s %s ends at %v, under the buttons at %v: the visitor must scroll", tag, name, bottom, top)
			}
		}
		rowsFit := func(screen string, rows []*app.ResultRow, buttons fyne.CanvasObject) {
			t.Helper()
			practise := 0
			for _, r := range rows {
				above(screen+" "+r.Domain+" skills to work on", r.Next, buttons)
				above(screen+" "+r.Domain+" Je m'entraîne", r.Practise, buttons)
				if r.Practise.Visible() {
					practise++
				}
			}
			if screen == "results" && practise == 0 {
				t.Errorf("%s %s: no Je m'entraîne to check", tag, screen)
			}
		}
		shot("welcome")
		inside("Commencer", f.k.Welcome.Start)
		inside("Je suis déjà venu", f.k.Welcome.CameBefore)
		startTest(f.k)
		test.Tap(f.k.Question.Stop)
		shot("stop-confirm")
		inside("Oui, j'arrête", f.k.Confirm.Yes)
		inside("Non, je continue", f.k.Confirm.No)
		test.Tap(f.k.Confirm.No)
		for n := 0; f.k.Question != nil; n++ {
			f.answer(t, 1+n%2)
			test.Tap(f.k.Question.Continue)
		}
		shot("results-first")
		inside("Garder mes résultats", f.k.Results.Keep)
		inside("Imprimer ma feuille", f.k.Results.Print)
		inside("J'ai fini", f.k.Results.Done)
		rowsFit("results", f.k.Results.Rows, f.k.Results.Done)
		test.Tap(f.k.Results.Keep)
		shot("code")
		for i, p := range f.k.CodeShown.Pictures {
			inside(fmt.Sprintf("picture %d", i+1), p)
		}
		inside("Imprimer", f.k.CodeShown.Print)
		inside("J'ai fini", f.k.CodeShown.Done)
		code := f.k.CodeShown.Code
		test.Tap(f.k.CodeShown.Done)
		test.Tap(f.k.Welcome.CameBefore)
		test.Tap(f.k.CodePad.Keys[0])
		shot("codepad")
		for i, key := range f.k.CodePad.Keys {
			inside(fmt.Sprintf("key %d", i), key)
		}
		inside("Effacer", f.k.CodePad.Erase)
		test.Tap(f.k.CodePad.Back)
		typeCode(t, f.k, code)
		shot("space")
		inside("Refaire le test", f.k.Space.Retake)
		inside("J'ai fini", f.k.Space.Done)
		rowsFit("space", f.k.Space.Rows, f.k.Space.Done)
		test.Tap(f.k.Space.Retake)
		for f.k.Question != nil {
			f.answer(t, 0)
			test.Tap(f.k.Question.Continue)
		}
		shot("results-before-after")
		inside("J'ai fini", f.k.Results.Done)
		rowsFit("results before/after", f.k.Results.Rows, f.k.Results.Done)
		inside("Imprimer ma feuille", f.k.Results.Print)
		test.Tap(f.k.Results.Done)
		typeCode(t, f.k, code)
		shot("space-before-after")
		inside("Refaire le test", f.k.Space.Retake)
		inside("J'ai fini", f.k.Space.Done)
		rowsFit("space before/after", f.k.Space.Rows, f.k.Space.Done)
		if f.k.Space.Message.Visible() {
			t.Errorf("%s space: an empty message line takes room", tag)
		}
	}
}
