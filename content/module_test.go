package content_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

// TestDefaultModulesMeetIssue13 checks the default pack's modules against
// issue 13: at least 20 modules of 5 to 10 minutes over the 5 domains, each
// with a practice; 4 sandboxes and the 5 gesture drills used somewhere;
// every skill of the framework taught by a module.
func TestDefaultModulesMeetIssue13(t *testing.T) {
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Modules) < 20 {
		t.Errorf("%d modules, want at least 20", len(p.Modules))
	}
	domains := map[string]int{}
	for i := range p.Modules {
		m := &p.Modules[i]
		domains[m.Domain]++
		if m.Minutes < 5 || m.Minutes > 10 {
			t.Errorf("module %s: %d minutes, want 5 to 10", m.ID, m.Minutes)
		}
		if est := m.EstimatedMinutes(p); est < 3 || est > 12 {
			t.Errorf("module %s: estimated %.1f minutes, far from 5 to 10", m.ID, est)
		}
		if len(m.PracticeIDs()) == 0 {
			t.Errorf("module %s has no practice", m.ID)
		}
		if m.Icon == "" {
			t.Errorf("module %s has no icon for the modules grid", m.ID)
		}
	}
	for _, d := range p.Domains {
		if domains[d.ID] == 0 {
			t.Errorf("domain %s has no module", d.ID)
		}
	}
	st := p.ModuleStats()
	for _, k := range []string{
		content.KindSandboxBrowser, content.KindSandboxMail, content.KindSandboxForm, content.KindSandboxFiles,
		content.KindGestureClick, content.KindGestureDoubleClick, content.KindGestureDrag, content.KindGestureScroll, content.KindGestureType,
	} {
		if st.PracticeKinds[k] == 0 {
			t.Errorf("no module practises with %s", k)
		}
	}
	if len(st.Uncovered) > 0 {
		t.Errorf("skills without a module: %v", st.Uncovered)
	}
	for _, s := range []string{"equipement.souris.double-clic", "demarches.compte.franceconnect"} {
		if len(p.ModulesFor(s)) == 0 {
			t.Errorf("ModulesFor(%s) is empty", s)
		}
	}
}

func TestModuleFlowAndLookups(t *testing.T) {
	fsys := validPack()
	fsys["modules/m.yaml"] = &fstest.MapFile{Data: []byte(moduleYAML)}
	p, err := content.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := p.Module("m1")
	if !ok {
		t.Fatal("module m1 not found")
	}
	if m.Domain != "d" {
		t.Errorf("domain %q, want d", m.Domain)
	}
	flow := m.Flow()
	if len(flow) != 3 || flow[0].Kind != content.GrainDiscover || !flow[0].First || flow[1].Practice != "i1" || !flow[2].First {
		t.Errorf("flow %+v", flow)
	}
	if got := m.PracticeIDs(); len(got) != 1 || got[0] != "i1" {
		t.Errorf("practice ids %v", got)
	}
	if len(p.DomainModules("d")) != 1 || len(p.ModulesFor("s")) != 1 {
		t.Error("DomainModules or ModulesFor missed m1")
	}
}

const moduleYAML = `modules:
  - id: m1
    title: Un module
    skills: [s]
    level: 1
    minutes: 5
    objectives: [Je sais écrire oui.]
    grains:
      - kind: discover
        steps:
          - text: Voici le mot oui.
      - kind: practise
        steps:
          - practice: i1
      - kind: recap
        steps:
          - text: Vous savez écrire oui.
`

func TestModuleErrors(t *testing.T) {
	cases := map[string]struct{ old, new, want string }{
		"unknown skill":   {"skills: [s]", "skills: [nope]", `unknown skill "nope"`},
		"unknown item":    {"practice: i1", "practice: i9", `unknown item "i9"`},
		"grain order":     {"kind: recap", "kind: lesson", `grain "lesson" comes after "practise"`},
		"grain kind":      {"kind: discover", "kind: quiz", `unknown grain kind "quiz"`},
		"no practice":     {"practice: i1", "text: Rien.", "needs at least 1 practice step"},
		"text + practice": {"practice: i1", "practice: i1\n            text: Et un texte.", "either a text or a practice"},
		"level":           {"level: 1", "level: 4", "level 4"},
		"minutes":         {"minutes: 5", "minutes: 0", "minutes 0"},
		"missing image":   {"text: Voici le mot oui.", "text: Voici le mot oui.\n            image: images/x.svg", `picture "images/x.svg" not found`},
		"unknown field":   {"minutes: 5", "minute: 5", `unknown field "minute"`},
		"practice in lesson": {"kind: discover\n        steps:\n          - text: Voici le mot oui.",
			"kind: discover\n        steps:\n          - practice: i1", "practice belongs in a practise or challenge grain"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			fsys := validPack()
			data := strings.Replace(moduleYAML, c.old, c.new, 1)
			if data == moduleYAML {
				t.Fatalf("case does not change the module")
			}
			fsys["modules/m.yaml"] = &fstest.MapFile{Data: []byte(data)}
			_, err := content.Load(fsys)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestModuleTextsAreSpokenAndChecked(t *testing.T) {
	fsys := validPack()
	fsys["modules/m.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(moduleYAML, "Voici le mot oui.", "Tapez le mot oui.", 1))}
	p, probs := content.Check(fsys, content.CheckOptions{Clips: content.ClipsRequired})
	if p == nil {
		t.Fatal("pack did not load")
	}
	var tapez, clip bool
	for _, pr := range probs {
		tapez = tapez || strings.Contains(pr.Message, `"Tapez"`) && strings.Contains(pr.Message, "module m1")
		clip = clip || strings.Contains(pr.Message, "no voice clip for «Vous savez écrire oui.»")
	}
	if !tapez || !clip {
		t.Errorf("want the plain-language rule and the missing clip reported for module texts, got %v", probs)
	}
}
