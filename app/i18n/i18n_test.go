package i18n_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/assets"
)

func TestEmbeddedCataloguesHaveTheSameKeys(t *testing.T) {
	c, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	fr, en := c.Keys("fr"), c.Keys("en")
	if strings.Join(fr, ",") != strings.Join(en, ",") {
		t.Errorf("fr and en catalogues differ:\nfr %v\nen %v", fr, en)
	}
	for _, k := range fr {
		c.SetLanguage("en")
		e := c.T(k)
		c.SetLanguage("fr")
		if strings.TrimSpace(c.T(k)) == "" || strings.TrimSpace(e) == "" {
			t.Errorf("empty text for %s", k)
		}
	}
}

func TestTranslateAndFallback(t *testing.T) {
	c, err := i18n.Load(fstest.MapFS{
		"fr.json": {Data: []byte(`{"hello": "Bonjour {name}", "only.fr": "seulement"}`)},
		"en.json": {Data: []byte(`{"hello": "Hello {name}"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("hello", "name", "Ana"); got != "Bonjour Ana" {
		t.Errorf("fr: %q", got)
	}
	if !c.SetLanguage("en") || c.T("hello", "name", "Ana") != "Hello Ana" {
		t.Errorf("en: %q", c.T("hello", "name", "Ana"))
	}
	if got := c.T("only.fr"); got != "seulement" {
		t.Errorf("fallback to French: %q", got)
	}
	if got := c.T("missing"); got != "missing" {
		t.Errorf("missing key: %q", got)
	}
	if c.SetLanguage("de") {
		t.Error("accepted an unknown language")
	}
}

func TestLoadRefusesBadCatalogue(t *testing.T) {
	if _, err := i18n.Load(fstest.MapFS{"fr.json": {Data: []byte(`{"a":`)}}); err == nil {
		t.Error("accepted truncated JSON")
	}
	if _, err := i18n.Load(fstest.MapFS{"en.json": {Data: []byte(`{}`)}}); err == nil {
		t.Error("accepted a catalogue without French")
	}
}

// TestAreaCataloguesMerge: learn.fr.json adds to fr.json; a key defined in
// two files of one language is refused.
func TestAreaCataloguesMerge(t *testing.T) {
	fsys := fstest.MapFS{
		"fr.json":       {Data: []byte(`{"a": "un"}`)},
		"learn.fr.json": {Data: []byte(`{"learn.b": "deux"}`)},
		"en.json":       {Data: []byte(`{"a": "one"}`)},
	}
	c, err := i18n.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("learn.b"); got != "deux" {
		t.Errorf("learn.b = %q", got)
	}
	if got := c.Languages(); len(got) != 2 {
		t.Errorf("languages %v, want en and fr", got)
	}
	fsys["mediator.fr.json"] = &fstest.MapFile{Data: []byte(`{"a": "encore"}`)}
	if _, err := i18n.Load(fsys); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("a key defined twice: %v", err)
	}
}
