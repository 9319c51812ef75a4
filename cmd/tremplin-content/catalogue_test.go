package main

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

func TestCatalogueResolve(t *testing.T) {
	cases := []struct {
		args       []string
		file, lang string
		wantErr    bool
	}{
		{nil, filepath.Join("p", "..", "i18n", "fr.json"), "fr", false},
		{[]string{"--lang", "en"}, filepath.Join("p", "..", "i18n", "en.json"), "en", false},
		{[]string{"--i18n", "x/en.json"}, "x/en.json", "en", false},
		{[]string{"--i18n", "x/en.json", "--lang", "fr"}, "x/en.json", "fr", false},
		{[]string{"--i18n", "x/kiosk.json"}, "x/kiosk.json", "fr", false},
		{[]string{"--lang", "de"}, "", "", true},
	}
	for _, c := range cases {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		cat := catalogueFlags(fs, "are spoken")
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		file, lang, err := cat.resolve("p")
		if (err != nil) != c.wantErr || file != c.file || lang != c.lang {
			t.Errorf("%v: got %q %q %v, want %q %q (error %v)", c.args, file, lang, err, c.file, c.lang, c.wantErr)
		}
	}
}

// TestUnusedClipsKeepsEveryLanguage: with the French phrases only, the
// English phrases' clips look unused; with every catalogue, none is, so
// --prune and validate's orphan warning spare the other language.
func TestUnusedClipsKeepsEveryLanguage(t *testing.T) {
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "assets", "i18n")
	fr, err := sayPhrases(filepath.Join(dir, "fr.json"))
	if err != nil || len(fr) == 0 {
		t.Fatalf("fr.json: %d phrases, %v", len(fr), err)
	}
	en, err := sayPhrases(filepath.Join(dir, "en.json"))
	if err != nil || len(en) == 0 {
		t.Fatalf("en.json: %d phrases, %v", len(en), err)
	}
	all, err := allSayPhrases(filepath.Join(dir, "fr.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < len(fr)+len(en) {
		t.Errorf("allSayPhrases: %d phrases, want at least %d", len(all), len(fr)+len(en))
	}
	if u := unusedClips(p, all); len(u) != 0 {
		t.Errorf("clips used by no text nor phrase: %v", u)
	}
	unused := map[string]bool{}
	for _, c := range unusedClips(p, fr) {
		unused[c] = true
	}
	for _, s := range en {
		if name, ok := p.ClipName(s); ok && !unused[name] && !frUses(p, fr, name) {
			t.Errorf("%s (English %q) should be unused with the French phrases only", name, s)
		}
	}
}

// frUses reports whether name is the clip of a pack text or a French phrase
// too (an English phrase spelled like a French one would share it).
func frUses(p *content.Pack, fr []string, name string) bool {
	for _, s := range fr {
		if n, _ := p.ClipName(s); n == name {
			return true
		}
	}
	for _, t := range p.SpokenTexts() {
		if n, _ := p.ClipName(t.Text); n == name {
			return true
		}
	}
	return false
}
