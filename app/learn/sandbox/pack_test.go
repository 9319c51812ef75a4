package sandbox_test

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

// TestDefaultPackPractices opens a sandbox for every practice item of the
// default pack, and checks each one uses only catalogue texts that exist.
func TestDefaultPackPractices(t *testing.T) {
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	seen := map[string]int{}
	for i := range p.Items {
		it := &p.Items[i]
		if content.IsQuestion(it.Kind) {
			continue
		}
		s, err := sandbox.New(it, sandbox.Env{T: catalogue(t, "fr")}, nil)
		if err != nil {
			t.Errorf("%s: %v", it.ID, err)
			continue
		}
		w := test.NewWindow(s.View())
		w.Resize(sandbox.ViewSize)
		s.ShowHint()
		s.ShowSolution()
		s.Reset()
		w.Close()
		seen[it.Kind]++
	}
	if len(seen) < 9 {
		t.Errorf("the default pack's practices cover %d kinds: %v", len(seen), seen)
	}
	t.Logf("practice items by kind: %v", seen)
}

// TestCatalogueBothLanguages checks the French and English sandbox
// catalogues hold the same keys.
func TestCatalogueBothLanguages(t *testing.T) {
	keys := func(lang string) map[string]bool {
		b, err := fs.ReadFile(assets.Translations(), "sandbox."+lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for k, v := range m {
			if !strings.HasPrefix(k, "sandbox.") && !strings.HasPrefix(k, "say.sandbox.") {
				t.Errorf("%s: key %q outside the sandbox area", lang, k)
			}
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", lang, k)
			}
			out[k] = true
		}
		return out
	}
	fr, en := keys("fr"), keys("en")
	for k := range fr {
		if !en[k] {
			t.Errorf("%q has no English text", k)
		}
	}
	for k := range en {
		if !fr[k] {
			t.Errorf("%q has no French text", k)
		}
	}
}
