package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/app/export"
	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/skills"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

type fixture struct {
	pack  *content.Pack
	cat   *i18n.Catalogue
	list  []learners.Summary
	table *skills.Table
	skill string // a skill of the pack, mastered by the first learner
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	skill := p.Domains[0].Competences[0].Skills[0].ID
	tab := skills.NewTable()
	payload := []byte(`{"skill":"` + skill + `","outcome":"correct","correct":true}`)
	tab.Apply(journal.Event{Type: event.TypeAnswerRecorded, LearnerID: "l-1", HLC: 1, Payload: payload})
	day := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	list := []learners.Learner{
		{ID: "l-1", Name: "Éloïse ; « Zoé »", Code: "soleil-maison-chat-voiture", Created: day,
			Diagnostics: []learners.Diagnostic{{At: day.AddDate(0, 0, 7), Results: []event.DomainResult{{Domain: p.Domains[0].ID, Band: 2, Items: 6}}}}},
		{ID: "l-2", Name: "=HYPERLINK(\"http://x\")", Created: day},
	}
	var sums []learners.Summary
	for _, l := range list {
		sums = append(sums, l.Summarize())
	}
	return &fixture{pack: p, cat: cat, list: sums, table: tab, skill: skill}
}

// TestLearnersCSV: a BOM, semicolons, a header, one row per learner with
// the level in each domain ("Pas encore testé" where none) and each skill's
// status; a name that looks like a formula is not one.
func TestLearnersCSV(t *testing.T) {
	f := newFixture(t)
	var b bytes.Buffer
	if err := export.LearnersCSV(&b, f.pack, f.list, f.table, f.cat); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("no UTF-8 byte-order mark: Excel would break the accents")
	}
	rows := readCSV(t, bytes.TrimPrefix(b.Bytes(), []byte("\xef\xbb\xbf")), ';')
	checkRows(t, f, rows)
}

func readCSV(t *testing.T, data []byte, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = comma
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func checkRows(t *testing.T, f *fixture, rows [][]string) {
	t.Helper()
	skills := 0
	for _, d := range f.pack.Domains {
		for _, c := range d.Competences {
			skills += len(c.Skills)
		}
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header and 2 learners", len(rows))
	}
	if want := 6 + len(f.pack.Domains) + 1 + skills; len(rows[0]) != want {
		t.Fatalf("%d columns, want %d", len(rows[0]), want)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	ana, bob := rows[1], rows[2]
	if ana[col["Prénom ou surnom"]] != "Éloïse ; « Zoé »" {
		t.Errorf("name cell %q", ana[col["Prénom ou surnom"]])
	}
	if got := ana[col["Niveau "+f.pack.Domains[0].Title]]; got != "À l'aise" {
		t.Errorf("level cell %q, want À l'aise", got)
	}
	if got := ana[col["Niveau "+f.pack.Domains[1].Title]]; got != "Pas encore testé" {
		t.Errorf("untested domain %q", got)
	}
	sk, _ := f.pack.Skill(f.skill)
	if got := ana[col[sk.Title]]; got != "acquis" {
		t.Errorf("skill cell %q, want acquis", got)
	}
	if got := bob[col[sk.Title]]; got != "pas encore vu" {
		t.Errorf("skill cell %q, want pas encore vu", got)
	}
	if got := bob[col["Prénom ou surnom"]]; !strings.HasPrefix(got, "'") {
		t.Errorf("a formula-like name is written as is: %q", got)
	}
	if ana[col["Dernière visite"]] != "2026-11-10" || ana[col["Première visite"]] != "2026-11-03" {
		t.Errorf("visits %q %q", ana[col["Première visite"]], ana[col["Dernière visite"]])
	}
}

// TestLearnersCSVInLibreOffice: LibreOffice Calc reads the file as a French
// spreadsheet would (semicolons, UTF-8): converted back to a plain CSV,
// every cell is what was written.
func TestLearnersCSVInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("TREMPLIN_REQUIRE_ALL") != "" {
			t.Fatal("soffice not found: scripts/apt/test.txt installs libreoffice-calc-nogui")
		}
		t.Skip("soffice not found (libreoffice-calc-nogui)")
	}
	f := newFixture(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "apprenants.csv")
	out, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.LearnersCSV(out, f.pack, f.list, f.table, f.cat); err != nil {
		t.Fatal(err)
	}
	out.Close()
	outDir := filepath.Join(dir, "out")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Import as Calc does a French CSV (separator ;, text in ", UTF-8),
	// export with commas to see the cells Calc made.
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--infilter=CSV:59,34,76,1", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", outDir, in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	data, err := os.ReadFile(filepath.Join(outDir, "apprenants.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, f, readCSV(t, bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), ','))
}
