package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/event"
)

// TestLearnerPDF: from a learner's page the mediator saves the learner's
// sheet: it holds the name, the levels with how sure, the before/after of
// the retake, the skills by status — and the note only when "Avec mes
// notes" is ticked. The PDFs are read back with pdftotext and rendered to
// PNG with pdftoppm.
func TestLearnerPDF(t *testing.T) {
	ctx := context.Background()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	sheets := t.TempDir()
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
		Mediator: &fakeMediator{hash: h, j: f.j}, Sheets: sheets, Site: "Médiathèque de Saint-Léon"})
	f.k.Show(f.w)
	dom := f.pack.Domains[0]
	good, bad := dom.Competences[0].Skills[0], dom.Competences[0].Skills[1]
	add := func(typ string, p any) {
		t.Helper()
		if _, err := f.j.Append(ctx, typ, "l-ana", p); err != nil {
			t.Fatal(err)
		}
	}
	add(event.TypeLearnerCreated, event.LearnerCreated{Anonymous: true})
	add(event.TypeLearnerCodeAssigned, event.LearnerCodeAssigned{PictureCode: "soleil-maison-chat-voiture"})
	add(event.TypeLearnerRenamed, event.LearnerRenamed{Name: "Zéphyrine"})
	add(event.TypeAnswerRecorded, event.AnswerRecorded{Skill: good.ID, Domain: dom.ID, Outcome: event.OutcomeCorrect, Correct: true})
	add(event.TypeAnswerRecorded, event.AnswerRecorded{Skill: bad.ID, Domain: dom.ID, Outcome: event.OutcomeIncorrect})
	add(event.TypeDiagnosticFinished, event.DiagnosticFinished{SessionID: "s1", Items: 6,
		Results: []event.DomainResult{{Domain: dom.ID, Band: 1, BandProb: 0.7, SE: 0.6, Items: 6}}})
	add(event.TypeDiagnosticFinished, event.DiagnosticFinished{SessionID: "s2", Items: 7, Previous: "s1",
		Results:   []event.DomainResult{{Domain: dom.ID, Band: 2, BandProb: 0.82, SE: 0.4, Items: 7}},
		Evolution: []event.DomainEvolution{{Domain: dom.ID, BeforeBand: 1, AfterBand: 2, Delta: 1.1, Label: "up"}}})
	add(event.TypeLearnerNoted, event.LearnerNoted{Text: "NOTE-PRIVEE-0815 dossier CAF"})

	test.Tap(f.k.Welcome.Mediator)
	typePIN(f.k.PIN, "246813")
	test.Tap(f.k.Mediator.People)
	f.k.Learners.List.Select(0)
	p := f.k.Learner
	if p == nil || p.PDF == nil || p.WithNotes.Checked {
		t.Fatal("no PDF button, or notes ticked by default")
	}
	keepShot(t, f, "mediator-learner-pdf")
	text := func(name string) string {
		t.Helper()
		pdfs, _ := filepath.Glob(filepath.Join(sheets, "tremplin-fiche-*.pdf"))
		if len(pdfs) != 1 {
			t.Fatalf("saved %v", pdfs)
		}
		out, err := exec.Command("pdftotext", "-layout", pdfs[0], "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		renderPDF(t, pdfs[0], name, 1)
		os.Remove(pdfs[0])
		return string(out)
	}
	test.Tap(p.PDF)
	if !strings.Contains(p.Message.Text, sheets) {
		t.Fatalf("not saved in the sheets folder: %q", p.Message.Text)
	}
	plain := text("learner")
	for _, want := range []string{"Zéphyrine", "Médiathèque de Saint-Léon", "sûr à 82 %", "écart type 0.40", "Mieux", good.Title, bad.Title,
		"Acquises (1)", "À travailler (1)", "test de 7 questions"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the sheet lacks %q:\n%s", want, plain)
		}
	}
	if strings.Contains(plain, "NOTE-PRIVEE") {
		t.Error("the note is on the sheet although not ticked")
	}
	// In the middle of the check, where a finger lands (the bar is taller).
	test.TapAt(p.WithNotes, fyne.NewPos(10, p.WithNotes.Size().Height/2))
	if !p.WithNotes.Checked {
		t.Fatal("tapping Avec mes notes did not tick it")
	}
	test.Tap(p.PDF)
	if withNotes := text("learner-notes"); !strings.Contains(withNotes, "NOTE-PRIVEE-0815") {
		t.Errorf("the ticked note is not on the sheet:\n%s", withNotes)
	}
}
