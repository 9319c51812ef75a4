package content

import (
	"fmt"
	"io/fs"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Grain kinds: the parts of a module, in the order a module plays them (a
// module may leave some out, never reorder them).
const (
	GrainDiscover  = "discover"  // a picture and a voice: what this is, why it matters
	GrainLesson    = "lesson"    // one idea per step, how to do it
	GrainPractise  = "practise"  // practice items and sandboxes, with hints
	GrainChallenge = "challenge" // the same skills without hints
	GrainRecap     = "recap"     // what to remember
)

// GrainKinds lists the grain kinds in the order a module plays them.
var GrainKinds = []string{GrainDiscover, GrainLesson, GrainPractise, GrainChallenge, GrainRecap}

// ModuleStep is one screen of a module: either a text to read and hear
// (Text, Spoken, Image) or a practice (Practice, the id of an item).
type ModuleStep struct {
	Text   string `yaml:"text"`
	Spoken string `yaml:"spoken"`
	Image  string `yaml:"image"`
	// Practice is the id of the item to practise on this step.
	Practice string `yaml:"practice"`

	// Line is where the step starts in its file.
	Line int `yaml:"-"`
}

// SpokenText returns what is said for a text step.
func (s *ModuleStep) SpokenText() string {
	if s.Spoken != "" {
		return s.Spoken
	}
	return s.Text
}

// IsPractice reports whether the step is a practice.
func (s *ModuleStep) IsPractice() bool { return s.Practice != "" }

// Grain is a part of a module: its kind, an optional transition said as it
// starts, and its steps, one idea each.
type Grain struct {
	Kind string `yaml:"kind"`
	// Transition is a short sentence shown and said before the grain's
	// first step ("À vous d'essayer."); the kiosk has a default per kind.
	Transition string       `yaml:"transition"`
	Steps      []ModuleStep `yaml:"steps"`

	Line int `yaml:"-"`
}

// Module teaches a few skills of one domain: it discovers, explains one idea
// per step, practises with items and sandboxes, challenges without hints and
// sums up.
type Module struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	// Icon is the module's picture on the modules grid.
	Icon string `yaml:"icon"`
	// Skills are the skills the module teaches, all of one domain.
	Skills []string `yaml:"skills"`
	// Level is 1 (discover), 2 (practise) or 3 (autonomous).
	Level int `yaml:"level"`
	// Minutes is the module's expected duration.
	Minutes int `yaml:"minutes"`
	// Objectives say what the learner can do after the module ("Je sais…").
	Objectives []string `yaml:"objectives"`
	Grains     []Grain  `yaml:"grains"`

	// Domain is the domain of the module's skills, filled in at load time.
	Domain string `yaml:"-"`
	File   string `yaml:"-"`
	Line   int    `yaml:"-"`
}

// ModuleStepRef is one step of a module in playing order, with its grain.
type ModuleStepRef struct {
	// Grain and Step index the module's Grains and the grain's Steps.
	Grain, Step int
	// Kind is the grain's kind; First is true on the grain's first step.
	Kind  string
	First bool
	*ModuleStep
}

// Flow returns the module's steps in playing order. A learner's progress in
// a module is an index in this list.
func (m *Module) Flow() []ModuleStepRef {
	var out []ModuleStepRef
	for g := range m.Grains {
		for s := range m.Grains[g].Steps {
			out = append(out, ModuleStepRef{Grain: g, Step: s, Kind: m.Grains[g].Kind, First: s == 0, ModuleStep: &m.Grains[g].Steps[s]})
		}
	}
	return out
}

// PracticeIDs returns the ids of the items the module practises, in order,
// each once.
func (m *Module) PracticeIDs() []string {
	var out []string
	for _, s := range m.Flow() {
		if s.IsPractice() && !slices.Contains(out, s.Practice) {
			out = append(out, s.Practice)
		}
	}
	return out
}

// Speaking pace and the time a practice takes, for EstimatedMinutes.
const (
	wordsPerMinute     = 130
	secondsPerScreen   = 8  // look at the picture, click Continuer
	secondsPerQuestion = 40 // read, answer, hear the feedback
	secondsPerSandbox  = 90 // do the real gesture, maybe twice
)

// EstimatedMinutes estimates how long the module takes: its spoken words at
// 130 words a minute, a few seconds per screen, and a typical time per
// question and per sandbox. Items not in p count as questions.
func (m *Module) EstimatedMinutes(p *Pack) float64 {
	sec := 0.0
	for _, g := range m.Grains {
		sec += float64(len(Words(g.Transition))) * 60 / wordsPerMinute
	}
	for _, s := range m.Flow() {
		if !s.IsPractice() {
			sec += float64(len(Words(s.SpokenText())))*60/wordsPerMinute + secondsPerScreen
			continue
		}
		if it, ok := p.Item(s.Practice); ok && !IsQuestion(it.Kind) {
			sec += secondsPerSandbox
		} else {
			sec += secondsPerQuestion
		}
	}
	return math.Round(sec/6) / 10
}

// Module returns the module with the given id.
func (p *Pack) Module(id string) (*Module, bool) {
	for i := range p.Modules {
		if p.Modules[i].ID == id {
			return &p.Modules[i], true
		}
	}
	return nil, false
}

// ModulesFor returns the modules that teach skill, easiest first.
func (p *Pack) ModulesFor(skill string) []*Module {
	var out []*Module
	for i := range p.Modules {
		if slices.Contains(p.Modules[i].Skills, skill) {
			out = append(out, &p.Modules[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Level < out[j].Level })
	return out
}

// DomainModules returns the modules of a domain, in file order.
func (p *Pack) DomainModules(domain string) []*Module {
	var out []*Module
	for i := range p.Modules {
		if p.Modules[i].Domain == domain {
			out = append(out, &p.Modules[i])
		}
	}
	return out
}

func (p *Pack) loadModules(probs *problems) {
	files, err := fs.Glob(p.fsys, "modules/*.yaml")
	if err != nil {
		probs.add("modules/", 0, "cannot list module files: %v", err)
	}
	sort.Strings(files)
	seen := map[string]bool{}
	for _, f := range files {
		root, ok := parseFile(p.fsys, f, probs)
		if !ok {
			continue
		}
		var doc struct {
			Modules []Module `yaml:"modules"`
		}
		if !decodeNode(root, &doc, f, probs) {
			continue
		}
		lines := map[string]int{}
		fieldLines(root, "", lines)
		for i := range doc.Modules {
			m := &doc.Modules[i]
			mp := fmt.Sprintf("modules[%d]", i)
			m.File, m.Line = f, lines[mp]
			for g := range m.Grains {
				gp := fmt.Sprintf("%s.grains[%d]", mp, g)
				m.Grains[g].Line = lines[gp]
				for s := range m.Grains[g].Steps {
					m.Grains[g].Steps[s].Line = lines[fmt.Sprintf("%s.steps[%d]", gp, s)]
				}
			}
			if m.ID == "" {
				probs.add(f, m.Line, "module without id")
			} else if seen[m.ID] {
				probs.add(f, m.Line, "module id %q is used twice", m.ID)
			}
			seen[m.ID] = true
			p.checkModule(m, lines, mp, probs)
		}
		p.Modules = append(p.Modules, doc.Modules...)
	}
}

// checkModule reports what is wrong with a module's structure; the writing
// rules and voice clips of its texts are checked with every text of the pack.
func (p *Pack) checkModule(m *Module, lines map[string]int, mp string, probs *problems) {
	f := m.File
	line := func(field string) int {
		if l, ok := lines[mp+"."+field]; ok {
			return l
		}
		return m.Line
	}
	what := "module " + strconv.Quote(m.ID)
	if strings.TrimSpace(m.Title) == "" {
		probs.add(f, m.Line, "%s: missing title", what)
	}
	p.checkImage(f, line("icon"), m.Icon, what+": icon", probs)
	if len(m.Skills) == 0 {
		probs.add(f, m.Line, "%s: needs at least 1 skill in skills", what)
	}
	for j, id := range m.Skills {
		s, ok := p.skills[id]
		switch {
		case !ok:
			probs.add(f, line(fmt.Sprintf("skills[%d]", j)), "%s: unknown skill %q", what, id)
		case m.Domain == "":
			m.Domain = s.Domain
		case s.Domain != m.Domain:
			probs.add(f, line(fmt.Sprintf("skills[%d]", j)), "%s: skill %q is in domain %q, the module's first skill in %q (a module teaches one domain)", what, id, s.Domain, m.Domain)
		}
	}
	if m.Level < 1 || m.Level > 3 {
		probs.add(f, line("level"), "%s: level %d is not 1, 2 or 3", what, m.Level)
	}
	if m.Minutes < 1 || m.Minutes > 30 {
		probs.add(f, line("minutes"), "%s: minutes %d is not between 1 and 30", what, m.Minutes)
	}
	if len(m.Objectives) == 0 {
		probs.add(f, m.Line, "%s: needs at least 1 objective", what)
	}
	if len(m.Grains) == 0 {
		probs.add(f, m.Line, "%s: needs grains (discover, lesson, practise, challenge, recap)", what)
	}
	last := -1
	practices := 0
	for g, gr := range m.Grains {
		gp := fmt.Sprintf("grains[%d]", g)
		k := slices.Index(GrainKinds, gr.Kind)
		switch {
		case k < 0:
			probs.add(f, line(gp), "%s: unknown grain kind %q (one of %s)", what, gr.Kind, strings.Join(GrainKinds, ", "))
		case k < last:
			probs.add(f, line(gp), "%s: grain %q comes after %q (the order is %s)", what, gr.Kind, GrainKinds[last], strings.Join(GrainKinds, ", "))
		default:
			last = k
		}
		if len(gr.Steps) == 0 {
			probs.add(f, line(gp), "%s: grain %d (%s) has no step", what, g+1, gr.Kind)
		}
		for s, st := range gr.Steps {
			sp := fmt.Sprintf("%s.steps[%d]", gp, s)
			where := fmt.Sprintf("%s, grain %d (%s), step %d", what, g+1, gr.Kind, s+1)
			hasText := strings.TrimSpace(st.Text) != ""
			switch {
			case st.IsPractice() && (hasText || st.Spoken != "" || st.Image != ""):
				probs.add(f, line(sp), "%s: a step is either a text or a practice, not both (the item says its own instruction)", where)
			case st.IsPractice():
				practices++
				if gr.Kind != GrainPractise && gr.Kind != GrainChallenge {
					probs.add(f, line(sp), "%s: practice belongs in a practise or challenge grain", where)
				}
				it, ok := p.Item(st.Practice)
				switch {
				case !ok:
					probs.add(f, line(sp+".practice"), "%s: unknown item %q", where, st.Practice)
				case !slices.Contains(m.Skills, it.Skill):
					probs.warn(f, line(sp+".practice"), "%s: item %q practises skill %q, which the module does not list", where, it.ID, it.Skill)
				}
			case !hasText:
				probs.add(f, line(sp), "%s: a step needs a text or a practice", where)
			}
			p.checkImage(f, line(sp+".image"), st.Image, where, probs)
		}
	}
	if practices == 0 && len(m.Grains) > 0 {
		probs.add(f, m.Line, "%s: needs at least 1 practice step", what)
	}
}

// moduleTexts returns the texts of the pack's modules: titles, objectives,
// transitions and steps, all spoken.
func (p *Pack) moduleTexts() []Text {
	var out []Text
	add := func(t Text) {
		if strings.TrimSpace(t.Text) != "" {
			out = append(out, t)
		}
	}
	for _, m := range p.Modules {
		add(Text{Text: m.Title, Role: RoleTitle, Spoken: true, File: m.File, Line: m.Line, Where: "module " + m.ID})
		for j, o := range m.Objectives {
			add(Text{Text: o, Role: RoleDescriptor, Spoken: true, File: m.File, Line: m.Line, Where: fmt.Sprintf("module %s, objective %d", m.ID, j+1)})
		}
		for g, gr := range m.Grains {
			add(Text{Text: gr.Transition, Role: RoleLesson, Spoken: true, File: m.File, Line: gr.Line, Where: fmt.Sprintf("module %s, grain %d transition", m.ID, g+1)})
			for s, st := range gr.Steps {
				where := fmt.Sprintf("module %s, grain %d, step %d", m.ID, g+1, s+1)
				add(Text{Text: st.Text, Role: RoleLesson, Spoken: st.Spoken == "", File: m.File, Line: st.Line, Where: where})
				add(Text{Text: st.Spoken, Role: RoleLesson, Spoken: true, File: m.File, Line: st.Line, Where: where + " spoken"})
			}
		}
	}
	return out
}

// ModuleStats summarises the modules of a pack.
type ModuleStats struct {
	// Minutes is each module's declared duration, by id; Estimated its
	// EstimatedMinutes.
	Minutes   map[string]int     `json:"minutes"`
	Estimated map[string]float64 `json:"estimated_minutes"`
	// TotalMinutes adds up the declared durations.
	TotalMinutes int `json:"total_minutes"`
	// ByDomain counts modules per domain.
	ByDomain map[string]int `json:"by_domain"`
	// SkillsCovered counts the framework's skills that a module teaches;
	// Uncovered lists the others.
	SkillsCovered int      `json:"skills_covered"`
	Uncovered     []string `json:"uncovered,omitempty"`
	// PracticeKinds counts the practice steps of all modules by item kind
	// (sandbox-mail, gesture-drag, single…).
	PracticeKinds map[string]int `json:"practice_kinds"`
	// Steps counts every step of every module.
	Steps int `json:"steps"`
}

// ModuleStats counts the pack's modules, their minutes, the skills they
// cover and the sandboxes and drills they use.
func (p *Pack) ModuleStats() ModuleStats {
	st := ModuleStats{Minutes: map[string]int{}, Estimated: map[string]float64{}, ByDomain: map[string]int{}, PracticeKinds: map[string]int{}}
	taught := map[string]bool{}
	for i := range p.Modules {
		m := &p.Modules[i]
		st.Minutes[m.ID] = m.Minutes
		st.Estimated[m.ID] = m.EstimatedMinutes(p)
		st.TotalMinutes += m.Minutes
		st.ByDomain[m.Domain]++
		for _, s := range m.Skills {
			taught[s] = true
		}
		for _, s := range m.Flow() {
			st.Steps++
			if it, ok := p.Item(s.Practice); ok && s.IsPractice() {
				st.PracticeKinds[it.Kind]++
			}
		}
	}
	for _, d := range p.Domains {
		for _, c := range d.Competences {
			for _, s := range c.Skills {
				if taught[s.ID] {
					st.SkillsCovered++
				} else {
					st.Uncovered = append(st.Uncovered, s.ID)
				}
			}
		}
	}
	return st
}
