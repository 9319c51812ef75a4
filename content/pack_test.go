package content_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

func TestLoadDefaultPack(t *testing.T) {
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatalf("default pack refused: %v", err)
	}
	if p.Meta.Language != "fr" {
		t.Errorf("language = %q, want fr", p.Meta.Language)
	}
	domains := map[string]int{}
	kinds := map[string]int{}
	for _, it := range p.Items {
		domains[it.Domain]++
		kinds[it.Kind]++
		if it.IRT == nil || it.IRT.A <= 0 {
			t.Errorf("item %s has no IRT parameters", it.ID)
		}
	}
	for _, d := range []string{"equipement", "internet", "communiquer", "documents", "demarches"} {
		if domains[d] == 0 {
			t.Errorf("domain %s has no item", d)
		}
	}
	if len(p.Items) < 20 {
		t.Errorf("%d items, want at least 20", len(p.Items))
	}
	if len(kinds) < 3 {
		t.Errorf("item kinds %v, want at least 3", kinds)
	}
}

func validPack() fstest.MapFS {
	return fstest.MapFS{
		"pack.yaml": {Data: []byte("id: t\nversion: '1'\nlanguage: fr\nschema: 1\n")},
		"framework.yaml": {Data: []byte(`domains:
  - id: d
    competences:
      - id: c
        skills:
          - id: s
            level: 1
`)},
		"items/a.yaml": {Data: []byte(`items:
  - id: i1
    skill: s
    kind: text
    prompt: Écrivez oui.
    accept: [oui]
`)},
	}
}

func TestLoadRefusesBadPacks(t *testing.T) {
	cases := map[string]struct {
		file, data string
		want       string
	}{
		"unknown skill":  {"items/a.yaml", "items:\n  - id: i1\n    skill: nope\n    kind: text\n    prompt: p\n    accept: [x]\n", `unknown skill "nope"`},
		"truncated yaml": {"items/a.yaml", "items:\n  - id: i1\n    skill: [s", "items/a.yaml"},
		"wrong type":     {"framework.yaml", "domains: 3\n", "framework.yaml"},
		"unknown field":  {"items/a.yaml", "items:\n  - id: i1\n    skil: s\n", "skil"},
		"single no good": {"items/a.yaml", "items:\n  - id: i1\n    skill: s\n    kind: single\n    prompt: p\n    choices: [{text: a}, {text: b}]\n", "exactly 1 correct"},
		"missing image":  {"items/a.yaml", "items:\n  - id: i1\n    skill: s\n    kind: text\n    prompt: p\n    image: images/x.svg\n    accept: [x]\n", `picture "images/x.svg" not found`},
		"bad schema":     {"pack.yaml", "id: t\nschema: 99\n", "schema 99"},
		"bad exposure":   {"items/a.yaml", "items:\n  - id: i1\n    skill: s\n    kind: text\n    prompt: p\n    accept: [x]\n    irt: {a: 1, b: 0, exposure: 1.5}\n", "exposure parameter 1.5"},
		"bad irt":        {"items/a.yaml", "items:\n  - id: i1\n    skill: s\n    kind: text\n    prompt: p\n    accept: [x]\n    irt: {a: 9, b: 0}\n", "irt parameters out of range"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			fsys := validPack()
			fsys[c.file] = &fstest.MapFile{Data: []byte(c.data)}
			_, err := content.Load(fsys)
			if err == nil {
				t.Fatal("pack accepted")
			}
			if !errors.Is(err, content.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	fsys := validPack()
	delete(fsys, "framework.yaml")
	if _, err := content.Load(fsys); err == nil {
		t.Fatal("pack without framework accepted")
	}
}

func TestVoiceKeyChangesWithText(t *testing.T) {
	a, b := content.VoiceKey("Cliquez  ici."), content.VoiceKey("Cliquez ici.")
	if a != b {
		t.Errorf("spacing changed the key: %s vs %s", a, b)
	}
	if content.VoiceKey("Cliquez là.") == a {
		t.Error("an edited text kept its key")
	}
	if got := content.ClipName("pico", "Bonjour", "ogg"); !strings.HasPrefix(got, "voice/pico-") || !strings.HasSuffix(got, ".ogg") {
		t.Errorf("clip name %q", got)
	}
}

func FuzzLoadItems(f *testing.F) {
	f.Add([]byte("items:\n  - id: i1\n    skill: s\n    kind: text\n    prompt: p\n    accept: [x]\n"))
	f.Add([]byte("items: [{id: 1, zones: [{x: -1}]}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := validPack()
		fsys["items/a.yaml"] = &fstest.MapFile{Data: data}
		p, err := content.Load(fsys)
		if err == nil && p == nil {
			t.Fatal("nil pack without error")
		}
	})
}

func TestUnknownTextFormatIsRefused(t *testing.T) {
	fsys := validPack()
	fsys["items/a.yaml"] = &fstest.MapFile{Data: []byte("items:\n  - id: i1\n    skill: s\n    kind: text\n    prompt: Écrivez oui.\n    format: telepathy\n    accept: [oui]\n")}
	_, err := content.Load(fsys)
	if err == nil || !strings.Contains(err.Error(), `unknown format "telepathy"`) {
		t.Errorf("err = %v", err)
	}
}

// TestIRTFile: a pack's irt.csv (what field calibration writes) gives its
// items their parameters; bad rows are refused with their line.
func TestIRTFile(t *testing.T) {
	fsys := validPack()
	fsys["irt.csv"] = &fstest.MapFile{Data: []byte("\ufeffid,domain,a,b,n,p_correct,exposure\ni1,d,1.7,-0.4,1200,0.61,0.8\n")}
	p, err := content.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	it, _ := p.Item("i1")
	if *it.IRT != (content.IRT{A: 1.7, B: -0.4, Exposure: 0.8}) {
		t.Errorf("i1 parameters %+v", *it.IRT)
	}
	// calibrate --out's columns, no exposure: a and b only.
	fsys["irt.csv"] = &fstest.MapFile{Data: []byte("id,domain,a,b,n,p_correct\ni1,d,0.9,1.1,50,0.3\n")}
	if p, err = content.Load(fsys); err != nil {
		t.Fatal(err)
	}
	if it, _ := p.Item("i1"); *it.IRT != (content.IRT{A: 0.9, B: 1.1}) {
		t.Errorf("i1 parameters %+v", *it.IRT)
	}
	for data, want := range map[string]string{
		"id,a,b\nzz,1,0\n":              "irt.csv:2: error: item \"zz\" is not in the pack",
		"id,a,b\ni1,9,0\n":              "irt.csv:2: error: item \"i1\": a=\"9\"",
		"id,a,b\ni1,1,0\ni1,1,0\n":      "irt.csv:3: error: item \"i1\" already has parameters on line 2",
		"id,a\ni1,1\n":                  "no \"b\" column",
		"id,a,b,exposure\ni1,1,0,1.5\n": "exposure \"1.5\" out of range",
		"id,a,b\ni1,\"1,0\n":            "irt.csv:2",
		"id,a,b\ni1,x,0\n":              "a=\"x\"",
		"":                              "irt.csv:1: error: no header line",
	} {
		fsys["irt.csv"] = &fstest.MapFile{Data: []byte(data)}
		_, err := content.Load(fsys)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want it to mention %q", data, err, want)
		}
	}
}

func TestQuestionsInFrameworkOrder(t *testing.T) {
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	qs := p.Questions()
	rank := map[string]int{}
	for i, d := range p.Domains {
		rank[d.ID] = i
	}
	for i := 1; i < len(qs); i++ {
		if rank[qs[i].Domain] < rank[qs[i-1].Domain] {
			t.Fatalf("%s (%s) after %s (%s)", qs[i].ID, qs[i].Domain, qs[i-1].ID, qs[i-1].Domain)
		}
	}
	if len(qs) < 150 || qs[0].Domain != p.Domains[0].ID {
		t.Errorf("%d questions, first %s", len(qs), qs[0].ID)
	}
	for _, q := range qs {
		if !content.IsQuestion(q.Kind) {
			t.Errorf("%s of kind %s is not a question", q.ID, q.Kind)
		}
	}
}

// TestCheckRefusesKeyPositions: a pack of 6 or more choice questions whose
// right answers are all the first choice is refused (an error); one whose
// right answers move around is not, nor a pack with too few questions to
// tell.
func TestCheckRefusesKeyPositions(t *testing.T) {
	build := func(items int, place func(n int) int) fstest.MapFS {
		fsys := validPack()
		var b strings.Builder
		b.WriteString("items:\n")
		for n := 0; n < items; n++ {
			fmt.Fprintf(&b, "  - id: k-%d\n    skill: s\n    kind: single\n    prompt: Quelle est la bonne carte ?\n    choices:\n", n)
			for c := 0; c < 3; c++ {
				fmt.Fprintf(&b, "      - text: Carte %d\n", c+1)
				if c == place(n) {
					b.WriteString("        correct: true\n")
				}
			}
			b.WriteString("    feedback:\n      correct: Oui.\n      incorrect: Non.\n")
		}
		fsys["items/keys.yaml"] = &fstest.MapFile{Data: []byte(b.String())}
		return fsys
	}
	refused := func(fsys fstest.MapFS) bool {
		_, probs := content.Check(fsys, content.CheckOptions{Clips: content.ClipsIgnore})
		for _, p := range probs {
			if strings.Contains(p.Message, "first right choice is choice") {
				if p.Warning {
					t.Errorf("%s: a warning, want an error", p)
				}
				return true
			}
		}
		return false
	}
	if !refused(build(8, func(int) int { return 0 })) {
		t.Error("right answers always first: not refused")
	}
	if refused(build(8, func(n int) int { return n % 3 })) {
		t.Error("right answers spread over the places: refused")
	}
	if refused(build(5, func(int) int { return 0 })) {
		t.Error("5 choice questions: refused, too few to tell")
	}
}
