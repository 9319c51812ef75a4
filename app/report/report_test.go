package report_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tremplin-numerique/tremplin/app/report"
	"github.com/tremplin-numerique/tremplin/app/sheet"
	"github.com/tremplin-numerique/tremplin/assets"
)

// TestBuildPages: a document with picture codes, level bars (before and
// after) and accents is a PDF of one page; one with 120 lines breaks onto
// more pages; pdftoppm renders both.
func TestBuildPages(t *testing.T) {
	code := []sheet.Picture{{Name: "chat", SVG: assets.CodePicture("chat")}, {Name: "soleil", SVG: assets.CodePicture("soleil")}}
	short := report.Doc{Title: "Résumé du groupe : Atelier du mardi", Subtitle: "le 30/11/2026 — Médiathèque", Footer: "Tremplin",
		Sections: []report.Section{{Heading: "Qui a fait quoi", Lines: []report.Line{
			{Code: code, Text: "Zéphyrine — 1 test", Sub: "Modules : Le clavier (fini)"},
			{Level: &report.Level{Band: 2, HasBefore: true, BeforeBand: 1}, Text: "Utiliser un ordinateur : À l'aise", Bold: true},
		}}}}
	long := short
	long.Sections = []report.Section{{Heading: "Beaucoup"}}
	for i := range 120 {
		long.Sections[0].Lines = append(long.Sections[0].Lines, report.Line{Code: code, Text: fmt.Sprintf("Ligne %d", i)})
	}
	for name, c := range map[string]struct {
		doc      report.Doc
		minPages int
		maxPages int
	}{"short": {short, 1, 1}, "long": {long, 2, 6}} {
		pdf, err := report.Build(c.doc)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatalf("%s: not a PDF", name)
		}
		if _, err := exec.LookPath("pdftoppm"); err != nil {
			continue
		}
		dir := t.TempDir()
		in := filepath.Join(dir, name+".pdf")
		os.WriteFile(in, pdf, 0o644)
		if out, err := exec.Command("pdftoppm", "-png", "-r", "30", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
		pages, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
		if len(pages) < c.minPages || len(pages) > c.maxPages {
			t.Errorf("%s: %d pages, want %d..%d", name, len(pages), c.minPages, c.maxPages)
		}
	}
}
