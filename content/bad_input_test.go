package content_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tremplin-numerique/tremplin/content"
)

// TestBadInputIsPrecise checks that each kind of broken pack gives a message
// naming the file and the line, never a panic.
func TestBadInputIsPrecise(t *testing.T) {
	cases := map[string]struct {
		file, data string
		want       string
	}{
		"unknown skill at its line": {"items/a.yaml", "items:\n  - id: i1\n    skill: nope\n    kind: text\n    prompt: p\n    accept: [x]\n", `items/a.yaml:3: error: item "i1": unknown skill "nope"`},
		"truncated file":            {"items/a.yaml", "items:\n  - id: i1\n    skill: [s", "items/a.yaml:2: error: did not find expected"},
		"wrong type":                {"items/a.yaml", "items:\n  - id: i1\n    skill: s\n    kind: tap\n    prompt: p\n    zones: [{x: left}]\n", "items/a.yaml:6: error: cannot unmarshal"},
		"unknown field suggestion":  {"items/a.yaml", "items:\n  - id: i1\n    skil: s\n", `items/a.yaml:3: error: unknown field "skil" (did you mean "skill"?)`},
		"framework wrong type":      {"framework.yaml", "domains:\n  - id: d\n    competences: 3\n", "framework.yaml:3: error:"},
		"bad level":                 {"framework.yaml", "domains:\n  - id: d\n    competences:\n      - id: c\n        skills:\n          - id: s\n            level: 7\n", `framework.yaml:6: error: skill "s": level 7`},
		"zone outside":              {"items/a.yaml", "items:\n  - id: i1\n    skill: s\n    kind: tap\n    prompt: p\n    image: images/x.svg\n    zones: [{x: 0.9, y: 0, w: 0.5, h: 0.1}]\n", "zone 1 must lie inside"},
		"sandbox without goal":      {"items/a.yaml", "items:\n  - id: i1\n    skill: s\n    kind: sandbox-browser\n    prompt: p\n", "practice.goal"},
		"empty file":                {"items/a.yaml", "", "items/a.yaml: error: file is empty"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			fsys := validPack()
			fsys["images/x.svg"] = &fstest.MapFile{Data: []byte("<svg/>")}
			fsys[c.file] = &fstest.MapFile{Data: []byte(c.data)}
			_, err := content.Load(fsys)
			if err == nil {
				t.Fatal("pack accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func TestCheckMissingClip(t *testing.T) {
	fsys := validPack()
	_, probs := content.Check(fsys, content.CheckOptions{Clips: content.ClipsRequired})
	found := false
	for _, p := range probs {
		if strings.Contains(p.String(), "items/a.yaml:5: error: item i1, prompt: no voice clip") {
			found = true
		}
	}
	if !found {
		t.Errorf("no precise missing-clip error in %v", probs)
	}
	fsys[content.ClipName("pico", "Écrivez oui.", "ogg")] = &fstest.MapFile{Data: []byte("OggS")}
	_, probs = content.Check(fsys, content.CheckOptions{Clips: content.ClipsRequired})
	for _, p := range probs {
		if strings.Contains(p.Message, "Écrivez oui") {
			t.Errorf("clip present but still reported: %s", p)
		}
	}
}

func FuzzLoadFramework(f *testing.F) {
	f.Add([]byte("domains:\n  - id: d\n    competences:\n      - id: c\n        skills:\n          - id: s\n            level: 1\n"))
	f.Add([]byte("domains: [{id: d, competences: [{skills: [{id: s, level: x}]}]}]"))
	f.Add([]byte("a: &a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := validPack()
		fsys["framework.yaml"] = &fstest.MapFile{Data: data}
		p, err := content.Load(fsys)
		if err == nil && p == nil {
			t.Fatal("nil pack without error")
		}
		_, _ = content.Check(fsys, content.CheckOptions{Clips: content.ClipsWarn})
	})
}

func FuzzCheckPlain(f *testing.F) {
	f.Add("Cliquez sur caf.fr. Ensuite, validez !", "prompt")
	f.Add("« ÉCRIVEZ » deux@@..", "feedback")
	f.Fuzz(func(t *testing.T, text, role string) {
		_ = content.CheckPlain(text, content.Role(role))
		_ = content.HardWordsIn(text)
		_ = content.Pronounce(text)
	})
}
