package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// TestGroupSessionSummary: the mediator starts "Atelier du mardi" for 6
// people (bad input first: no name, "six"); a first participant takes the
// test and keeps a picture code, a second plays the keyboard module; both
// are tagged with the session (group.joined), a visitor after the end is
// not; "Terminer la séance" shows the summary — who did what, the skills
// to work on — and its PDF is saved, then rendered to PNG with pdftoppm.
func TestGroupSessionSummary(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	h, err := pin.Hash("246813")
	if err != nil {
		t.Fatal(err)
	}
	sheets := t.TempDir()
	f.k = app.New(app.Config{Seed: testSeed, Pack: f.pack, Journal: f.j, Catalogue: f.cat, Voice: f.voice,
		Mediator: &fakeMediator{hash: h, j: f.j}, Sheets: sheets, Site: "Médiathèque de Saint-Léon"})
	f.k.Show(f.w)
	openMediator := func() {
		t.Helper()
		test.Tap(f.k.Welcome.Mediator)
		typePIN(f.k.PIN, "246813")
		if f.k.Mediator == nil {
			t.Fatal("the mediator area did not open")
		}
	}

	openMediator()
	test.Tap(f.k.Mediator.Group)
	g := f.k.Group
	if g == nil || g.Start == nil {
		t.Fatal("no group session form")
	}
	test.Tap(g.Start)
	if g.Message.Text != f.cat.T("group.no_name") {
		t.Errorf("no name: %q", g.Message.Text)
	}
	test.Type(g.Name, "Atelier du mardi")
	test.Type(g.People, "six")
	test.Tap(g.Start)
	if !strings.Contains(g.Message.Text, "nombre entier") || f.k.Group != g {
		t.Errorf("people \"six\": %q", g.Message.Text)
	}
	g.People.SetText("6")
	test.Tap(g.Start)
	if f.k.Group == nil || f.k.Group.Current == nil || !strings.Contains(f.k.Group.Current.Text, "Atelier du mardi") {
		t.Fatal("the session did not start")
	}
	keepShot(t, f, "mediator-group-open")
	test.Tap(f.k.Group.Back)
	test.Tap(f.k.Mediator.Back)

	// First participant: the test, then a picture code.
	startTest(f.k)
	for i := 0; f.k.Question != nil; i++ {
		f.answer(t, i)
		test.Tap(f.k.Question.Continue)
	}
	if f.k.Results == nil {
		t.Fatal("no results")
	}
	first := f.k.Visit().LearnerID()
	test.Tap(f.k.Results.Keep)
	code := f.k.CodeShown.Code
	test.Tap(f.k.CodeShown.Done)

	// Second participant: the keyboard module.
	test.Tap(f.k.Welcome.Learn)
	test.Tap(f.k.LearnGrid.Modules[slices.Index(f.k.LearnGrid.ModuleIDs, "le-clavier")])
	playModule(t, f.k.Learn)
	second := f.k.Visit().LearnerID()
	test.Tap(f.k.Learn.End.Home)

	// The mediator ends the session: its summary.
	openMediator()
	test.Tap(f.k.Mediator.Group)
	test.Tap(f.k.Group.End)
	s := f.k.GroupSummary
	if s == nil {
		t.Fatal("ending the session shows no summary")
	}
	if len(s.Summary.Participants) != 2 || s.Summary.Participants[0].LearnerID != first || s.Summary.Participants[1].LearnerID != second {
		t.Fatalf("participants %+v, want %s then %s", s.Summary.Participants, first, second)
	}
	if p := s.Summary.Participants[0]; p.Code != code || len(p.Tests) != 1 {
		t.Errorf("first participant %+v", p)
	}
	if !strings.Contains(s.People[0].Text, "1 test(s)") || !strings.Contains(s.People[1].Text, "Le clavier (fini)") || !strings.Contains(s.People[1].Text, "pas de test") {
		t.Errorf("who did what: %q / %q", s.People[0].Text, s.People[1].Text)
	}
	if len(s.Summary.ToWork) == 0 || s.ToWork.Text == f.cat.T("group.nothing_to_work") {
		t.Errorf("no skill to work on after a test with wrong answers: %q", s.ToWork.Text)
	}
	keepShot(t, f, "mediator-group-summary")
	test.Tap(s.PDF)
	if !strings.Contains(s.Message.Text, sheets) {
		t.Fatalf("the summary was not saved in the sheets folder: %q", s.Message.Text)
	}
	pdfs, _ := filepath.Glob(filepath.Join(sheets, "tremplin-groupe-*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("saved %v", pdfs)
	}
	renderPDF(t, pdfs[0], "group-summary", 1)

	// After the session, a visitor is nobody's participant.
	test.Tap(s.Back)
	if f.k.Group == nil || f.k.Group.Start == nil || len(f.k.Group.Past) != 1 {
		t.Fatal("after the end the form and the past session are not shown")
	}
	test.Tap(f.k.Group.Back)
	test.Tap(f.k.Mediator.Back)
	startTest(f.k)
	f.answer(t, 0)
	joined, _ := f.j.Events(ctx, journal.Filter{Type: event.TypeGroupJoined})
	if len(joined) != 2 {
		t.Errorf("%d group.joined after the session ended, want the 2 participants'", len(joined))
	}
}

// renderPDF renders a PDF's pages to PNG with pdftoppm (kept in
// TREMPLIN_SHOTS when set) and checks it has pages pages.
func renderPDF(t *testing.T, pdf, name string, pages int) {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (poppler-utils)")
	}
	dir := os.Getenv("TREMPLIN_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	os.MkdirAll(dir, 0o755)
	pattern := filepath.Join(dir, "pdf-"+name+"-[0-9]*.png")
	old, _ := filepath.Glob(pattern)
	for _, o := range old {
		os.Remove(o)
	}
	out, err := exec.Command("pdftoppm", "-png", "-r", "100", pdf, filepath.Join(dir, "pdf-"+name)).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pngs, _ := filepath.Glob(pattern)
	if len(pngs) != pages {
		t.Errorf("%s: %d pages, want %d", name, len(pngs), pages)
	}
}
