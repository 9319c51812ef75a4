package sheet_test

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tremplin-numerique/tremplin/app/sheet"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

func sample(t testing.TB) sheet.Sheet {
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	s := sheet.Sheet{
		Labels: sheet.Labels{Title: "Ma feuille Tremplin", Code: "Mon code en images", Results: "Ce que je sais faire",
			NotTested: "Pas encore testé", Before: "Avant", After: "Après", Work: "À travailler :",
			Footer: "Pour revenir : cliquez sur « Je suis déjà venu » et touchez vos quatre images, dans l'ordre."},
		Date: "29/11/2026", Site: "Médiathèque de Saint-Flour",
	}
	for _, n := range []string{"soleil", "chat", "voiture", "parapluie"} {
		s.Code = append(s.Code, sheet.Picture{Name: n, SVG: assets.CodePicture(n)})
	}
	for i, d := range p.Domains {
		icon, _ := p.File(d.Icon)
		sd := sheet.Domain{Title: d.Title, Icon: icon, Tested: i != 4, Band: i % 4, Word: []string{"Débutant", "En progrès", "À l'aise", "Très à l'aise"}[i%4],
			Skills: skills(p, d.ID)}
		if i < 3 {
			sd.HasBefore, sd.BeforeBand, sd.Evolution = true, max(0, i%4-1), "En progrès"
		}
		s.Domains = append(s.Domains, sd)
	}
	return s
}

// skills returns the first two skills of a domain with their pictograms.
func skills(p *content.Pack, domain string) []sheet.Skill {
	var out []sheet.Skill
	d, _ := p.Domain(domain)
	for _, c := range d.Competences {
		for _, sk := range c.Skills {
			if len(out) < 2 && sk.Icon != "" {
				icon, _ := p.File(sk.Icon)
				out = append(out, sheet.Skill{Title: sk.Title, Icon: icon})
			}
		}
	}
	return out
}

// TestSheetRendersToPNG builds a sheet and renders its first page with
// pdftoppm (poppler-utils): the PNG is kept in testdata/ to be looked at
// (TREMPLIN_SHEET_PNG=path writes it elsewhere).
func TestSheetRendersToPNG(t *testing.T) {
	pdf, err := sheet.Build(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("FontFile2")) {
		t.Fatal("not a PDF with an embedded TrueType font")
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm missing (poppler-utils, scripts/apt/test.txt)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "sheet.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// A4 at 90 dpi is 744×1053; something is drawn (not a blank page).
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w < 730 || h < 1040 {
		t.Fatalf("page %d×%d", w, h)
	}
	dark := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y += 2 {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 2 {
			if r, g, bl, _ := img.At(x, y).RGBA(); r+g+bl < 3*0x8000 {
				dark++
			}
		}
	}
	if dark < 2000 {
		t.Errorf("only %d dark samples: an empty page?", dark)
	}
	if path := os.Getenv("TREMPLIN_SHEET_PNG"); path != "" {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSkillsHavePictograms: every skill to work on is drawn with its
// pictogram, and a skill without one keeps its title.
func TestSkillsHavePictograms(t *testing.T) {
	s := sample(t)
	images := func(s sheet.Sheet) int {
		t.Helper()
		pdf, err := sheet.Build(s)
		if err != nil {
			t.Fatal(err)
		}
		// Each picture is an image and its alpha mask (/SMask).
		return bytes.Count(pdf, []byte("/Subtype /Image")) / 2
	}
	// Identical pictures are stored once: give each skill its own.
	pictures := []string{"maison", "arbre", "poisson", "etoile", "coeur", "lune", "fleur", "oiseau", "pomme", "bateau", "cle", "tasse"}
	skills := 0
	for i := range s.Domains {
		for j := range s.Domains[i].Skills {
			s.Domains[i].Skills[j].Icon = assets.CodePicture(pictures[skills])
			skills++
		}
	}
	with := images(s)
	for i := range s.Domains {
		for j := range s.Domains[i].Skills {
			s.Domains[i].Skills[j].Icon = nil
		}
	}
	if without := images(s); skills == 0 || with-without != skills {
		t.Errorf("%d skills to work on drew %d pictograms", skills, with-without)
	}
}

// BenchmarkSheet measures building a sheet (reports its size).
func BenchmarkSheet(b *testing.B) {
	s := sample(b)
	var n int
	for b.Loop() {
		pdf, err := sheet.Build(s)
		if err != nil {
			b.Fatal(err)
		}
		n = len(pdf)
	}
	b.ReportMetric(float64(n)/1024, "KiB")
}
