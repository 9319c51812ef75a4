package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/app/readmodel"
	"github.com/tremplin-numerique/tremplin/sync/event"
)

// TestWorkspaceLearnerPageExportErase: a mediator opens the people seen on
// the device, finds one by name, reads their levels and skills, names them,
// writes a note, exports the spreadsheet, then erases them — and nothing of
// them (answers, name, note) remains in the journal's file or its WAL, the
// learners' read model included.
func TestWorkspaceLearnerPageExportErase(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	m := &fakeMediator{hash: h, j: f.j}
	exports := t.TempDir()
	// The read model a kiosk reads its learners from: kept up to date as
	// the events below are written, erased with the learner.
	roster, err := readmodel.Open(ctx, f.j)
	if err != nil {
		t.Fatal(err)
	}
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Roster: roster, Catalogue: f.cat, Voice: f.voice, Mediator: m, Exports: exports})
	f.k.Show(f.w)

	// Two learners: one with a test and a code on this device, one anonymous.
	dom := f.pack.Domains[0]
	skill := dom.Competences[0].Skills[0]
	add := func(typ, learner string, p any) {
		t.Helper()
		if _, err := f.j.Append(ctx, typ, learner, p); err != nil {
			t.Fatal(err)
		}
	}
	add(event.TypeLearnerCreated, "l-ana", event.LearnerCreated{Anonymous: true})
	add(event.TypeLearnerCodeAssigned, "l-ana", event.LearnerCodeAssigned{PictureCode: "soleil-maison-chat-voiture"})
	add(event.TypeAnswerRecorded, "l-ana", event.AnswerRecorded{LearnerID: "l-ana", Skill: skill.ID, Domain: dom.ID,
		Kind: "text", Outcome: event.OutcomeCorrect, Correct: true, Response: event.Response{Text: "REPONSE-SECRETE-4711"}})
	add(event.TypeDiagnosticFinished, "l-ana", event.DiagnosticFinished{SessionID: "s1", Items: 1,
		Results: []event.DomainResult{{Domain: dom.ID, Band: 2, BandProb: 0.82, SE: 0.4, Items: 1, Correct: 1}}})
	add(event.TypeLearnerCreated, "l-bob", event.LearnerCreated{Anonymous: true})

	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	test.Tap(f.k.Mediator.People)
	s := f.k.Learners
	if s == nil || len(s.Shown) != 2 {
		t.Fatalf("learners list: %+v", s)
	}
	// Open Ana's page, name her, write a note.
	for i, l := range s.Shown {
		if l.ID == "l-ana" {
			s.List.Select(i)
		}
	}
	p := f.k.Learner
	if p == nil || p.ID != "l-ana" {
		t.Fatal("selecting a row did not open the learner's page")
	}
	if !strings.Contains(p.Levels[0].Text, "À l'aise") || !strings.Contains(p.Levels[0].Text, "82 %") {
		t.Errorf("level line %q", p.Levels[0].Text)
	}
	if !strings.Contains(p.Levels[1].Text, "Pas encore testé") {
		t.Errorf("untested domain %q", p.Levels[1].Text)
	}
	if !strings.Contains(p.Skills[skill.ID].Text, "acquis") {
		t.Errorf("skill line %q", p.Skills[skill.ID].Text)
	}
	test.Type(p.Name, "Zéphyrine")
	test.Tap(p.SaveName)
	test.Type(p.Note, "NOTE-SECRETE-0815 a besoin d'aide pour la CAF")
	test.Tap(p.AddNote)
	if !strings.Contains(p.Notes.Text, "NOTE-SECRETE-0815") {
		t.Errorf("notes %q", p.Notes.Text)
	}
	if fits := f.w.Content().MinSize(); fits.Width > 1024 || fits.Height > 768 {
		t.Errorf("learner page needs %v", fits)
	}

	// Back to the list: the name is searchable and the export holds it.
	test.Tap(p.Back)
	s = f.k.Learners
	test.Type(s.Search, "zéph")
	if len(s.Shown) != 1 || s.Shown[0].Name != "Zéphyrine" {
		t.Fatalf("search found %+v", s.Shown)
	}
	test.Tap(s.Export)
	files, _ := filepath.Glob(filepath.Join(exports, "*.csv"))
	if len(files) != 1 || !strings.Contains(s.Message.Text, files[0]) {
		t.Fatalf("export wrote %v, said %q", files, s.Message.Text)
	}
	csv, _ := os.ReadFile(files[0])
	if !bytes.Contains(csv, []byte("Zéphyrine")) || !bytes.HasPrefix(csv, []byte("\ufeff")) {
		t.Errorf("export: %.200q", csv)
	}

	// Erase: what will go is said first; then nothing of her remains.
	s.List.Select(0)
	p = f.k.Learner
	test.Tap(p.Erase)
	if !strings.Contains(p.EraseSummary.Text, "Zéphyrine") || !strings.Contains(p.EraseSummary.Text, "1 test") || !strings.Contains(p.EraseSummary.Text, "1 note") {
		t.Errorf("erase summary %q", p.EraseSummary.Text)
	}
	test.Tap(p.ConfirmErase)
	if f.k.Learners == nil || len(f.k.Learners.Shown) != 1 || f.k.Learners.Shown[0].ID != "l-bob" {
		t.Fatalf("after erasing, the list shows %+v", f.k.Learners)
	}
	for _, name := range []string{f.j.Path(), f.j.Path() + "-wal"} {
		b, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		for _, secret := range []string{"REPONSE-SECRETE-4711", "NOTE-SECRETE-0815", "Zéphyrine", "soleil-maison-chat-voiture"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s still holds %q after the erasure", filepath.Base(name), secret)
			}
		}
	}
}
