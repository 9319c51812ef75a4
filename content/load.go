package content

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Term is a glossary entry: a hard word and its plain explanation.
type Term struct {
	// Word is the word as the plain-language check knows it ("navigateur").
	Word string `yaml:"word"`
	// Definition explains it in one or two short sentences; it is spoken.
	Definition string `yaml:"definition"`
	Image      string `yaml:"image"`

	File string `yaml:"-"`
	Line int    `yaml:"-"`
}

// Load reads and validates the pack rooted at fsys. A pack with any error is
// refused: the caller keeps the pack it had. Load checks the structure (files,
// types, ids, references, answers); Check adds clips and plain language.
func Load(fsys fs.FS) (*Pack, error) {
	p, probs := load(fsys)
	if hasError(probs) {
		return nil, &ValidationError{Problems: probs}
	}
	return p, nil
}

func hasError(probs []Problem) bool {
	for _, p := range probs {
		if !p.Warning {
			return true
		}
	}
	return false
}

// problems collects findings.
type problems []Problem

func (ps *problems) add(file string, line int, format string, args ...any) {
	*ps = append(*ps, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) warn(file string, line int, format string, args ...any) {
	*ps = append(*ps, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...), Warning: true})
}

func load(fsys fs.FS) (*Pack, []Problem) {
	p := &Pack{fsys: fsys}
	var probs problems

	if root, ok := parseFile(fsys, "pack.yaml", &probs); ok {
		if decodeNode(root, &p.Meta, "pack.yaml", &probs) {
			if p.Meta.Schema != SchemaVersion {
				probs.add("pack.yaml", lineOf(root, "schema"), "schema %d is not supported (this kiosk reads schema %d)", p.Meta.Schema, SchemaVersion)
			}
			if p.Meta.ID == "" {
				probs.add("pack.yaml", root.Line, "missing id")
			}
		}
	}

	p.skills = map[string]*Skill{}
	if root, ok := parseFile(fsys, "framework.yaml", &probs); ok {
		var fw struct {
			Domains []Domain `yaml:"domains"`
		}
		if decodeNode(root, &fw, "framework.yaml", &probs) {
			p.Domains = fw.Domains
			lines := map[string]int{}
			fieldLines(root, "", lines)
			p.indexFramework(lines, &probs)
		}
	}

	p.loadGlossary(&probs)

	files, err := fs.Glob(fsys, "items/*.yaml")
	if err != nil {
		probs.add("items/", 0, "cannot list item files: %v", err)
	}
	sort.Strings(files)
	if len(files) == 0 {
		probs.add("items/", 0, "no item files")
	}
	p.items = map[string]int{}
	for _, f := range files {
		for _, it := range decodeItems(fsys, f, &probs) {
			p.addItem(it, &probs)
		}
	}

	p.loadIRT(fsys, &probs)
	p.loadModules(&probs)
	return p, probs
}

func (p *Pack) indexFramework(lines map[string]int, probs *problems) {
	const f = "framework.yaml"
	domains := map[string]bool{}
	for di := range p.Domains {
		d := &p.Domains[di]
		dp := fmt.Sprintf("domains[%d]", di)
		d.Line = lines[dp]
		if d.ID == "" {
			probs.add(f, d.Line, "domain without id")
		} else if domains[d.ID] {
			probs.add(f, d.Line, "domain %q is defined twice", d.ID)
		}
		domains[d.ID] = true
		p.checkImage(f, lines[dp+".icon"], d.Icon, "domain "+strconv.Quote(d.ID)+": icon", probs)
		for ci := range d.Competences {
			c := &d.Competences[ci]
			cp := fmt.Sprintf("%s.competences[%d]", dp, ci)
			c.Line = lines[cp]
			for si := range c.Skills {
				s := &c.Skills[si]
				sp := fmt.Sprintf("%s.skills[%d]", cp, si)
				s.Domain, s.Competence, s.Line = d.ID, c.ID, lines[sp]
				if s.ID == "" {
					probs.add(f, s.Line, "skill without id")
					continue
				}
				if _, dup := p.skills[s.ID]; dup {
					probs.add(f, s.Line, "skill %q is defined twice", s.ID)
				}
				if s.Level < 1 || s.Level > 3 {
					probs.add(f, s.Line, "skill %q: level %d is not 1, 2 or 3", s.ID, s.Level)
				}
				p.checkImage(f, lines[sp+".icon"], s.Icon, "skill "+strconv.Quote(s.ID)+": icon", probs)
				p.skills[s.ID] = s
			}
		}
	}
}

func (p *Pack) checkImage(file string, line int, img, what string, probs *problems) {
	if img == "" {
		return
	}
	if !fs.ValidPath(img) {
		probs.add(file, line, "%s: %q is not a path inside the pack", what, img)
		return
	}
	if _, err := fs.Stat(p.fsys, img); err != nil {
		probs.add(file, line, "%s: picture %q not found", what, img)
	}
}

func (p *Pack) addItem(it Item, probs *problems) {
	f := it.File
	s, ok := p.skills[it.Skill]
	switch {
	case it.Skill == "":
		probs.add(f, it.Line, "item %q: missing skill", it.ID)
	case !ok:
		probs.add(f, it.FieldLine("skill"), "item %q: unknown skill %q", it.ID, it.Skill)
	default:
		it.Domain, it.Level = s.Domain, s.Level
	}
	if _, dup := p.items[it.ID]; dup && it.ID != "" {
		probs.add(f, it.FieldLine("id"), "item id %q is used twice", it.ID)
	}
	for _, m := range checkItem(&it) {
		probs.add(f, it.FieldLine(m.field), "item %q: %s", it.ID, m.msg)
	}
	for _, img := range it.imageFields() {
		p.checkImage(f, it.FieldLine(img.field), img.path, "item "+strconv.Quote(it.ID), probs)
	}
	if it.IRT == nil {
		it.IRT = SeedIRT(it.Level)
	}
	for _, m := range nameCards(&it) {
		probs.add(f, it.FieldLine(m.field), "item %q: %s", it.ID, m.msg)
	}
	p.items[it.ID] = len(p.Items)
	p.Items = append(p.Items, it)
}

func (p *Pack) loadGlossary(probs *problems) {
	const f = "glossary.yaml"
	if _, err := fs.Stat(p.fsys, f); err != nil {
		return // optional
	}
	root, ok := parseFile(p.fsys, f, probs)
	if !ok {
		return
	}
	var doc struct {
		Terms []Term `yaml:"terms"`
	}
	if !decodeNode(root, &doc, f, probs) {
		return
	}
	lines := map[string]int{}
	fieldLines(root, "", lines)
	seen := map[string]bool{}
	for i := range doc.Terms {
		t := &doc.Terms[i]
		t.File, t.Line = f, lines[fmt.Sprintf("terms[%d]", i)]
		key := strings.ToLower(t.Word)
		switch {
		case t.Word == "":
			probs.add(f, t.Line, "glossary entry without word")
		case seen[key]:
			probs.add(f, t.Line, "glossary word %q is explained twice", t.Word)
		case strings.TrimSpace(t.Definition) == "":
			probs.add(f, t.Line, "glossary word %q has no definition", t.Word)
		}
		seen[key] = true
		p.checkImage(f, t.Line, t.Image, "glossary word "+strconv.Quote(t.Word), probs)
	}
	p.Glossary = doc.Terms
}

// Term returns the glossary entry of word, ignoring case.
func (p *Pack) Term(word string) (*Term, bool) {
	for i := range p.Glossary {
		if strings.EqualFold(p.Glossary[i].Word, word) {
			return &p.Glossary[i], true
		}
	}
	return nil, false
}

type imageField struct{ field, path string }

func (it *Item) imageFields() []imageField {
	var out []imageField
	if it.Image != "" {
		out = append(out, imageField{"image", it.Image})
	}
	for i, c := range it.Choices {
		if c.Image != "" {
			out = append(out, imageField{fmt.Sprintf("choices[%d].image", i), c.Image})
		}
	}
	for i, s := range it.Steps {
		if s.Image != "" {
			out = append(out, imageField{fmt.Sprintf("steps[%d].image", i), s.Image})
		}
	}
	for g, gr := range it.Groups {
		for i, s := range gr.Members {
			if s.Image != "" {
				out = append(out, imageField{fmt.Sprintf("groups[%d].members[%d].image", g, i), s.Image})
			}
		}
	}
	return out
}

type itemMsg struct{ field, msg string }

// checkItem returns what is wrong with an item's answers for its kind.
func checkItem(it *Item) []itemMsg {
	var msgs []itemMsg
	add := func(field, format string, args ...any) {
		msgs = append(msgs, itemMsg{field, fmt.Sprintf(format, args...)})
	}
	if !TextFormats[it.Format] {
		add("format", "unknown format %q (use one of: words, email, url, number, date, digits, exact)", it.Format)
	}
	if it.ID == "" {
		add("", "missing id")
	}
	if strings.TrimSpace(it.Prompt) == "" {
		add("", "missing prompt")
	}
	correct := 0
	for _, c := range it.Choices {
		if c.Correct {
			correct++
		}
	}
	pr := it.Practice
	if pr == nil {
		pr = &Practice{}
	}
	zonesInside := func() {
		for i, z := range it.Zones {
			if z.X < 0 || z.Y < 0 || z.W <= 0 || z.H <= 0 || z.X+z.W > 1 || z.Y+z.H > 1 {
				add(fmt.Sprintf("zones[%d]", i), "zone %d must lie inside the picture (x, y, w, h between 0 and 1)", i+1)
			}
		}
	}
	switch it.Kind {
	case KindSingle:
		if len(it.Choices) < 2 || correct != 1 {
			add("choices", "a single choice needs at least 2 choices and exactly 1 correct (has %d choices, %d correct)", len(it.Choices), correct)
		}
	case KindMultiple:
		if len(it.Choices) < 2 || correct < 1 {
			add("choices", "a multiple choice needs at least 2 choices and 1 or more correct (has %d choices, %d correct)", len(it.Choices), correct)
		}
	case KindText, KindGestureType:
		if len(it.Accept) == 0 {
			add("accept", "a typed answer needs at least 1 accepted answer")
		}
	case KindTap, KindGestureClick, KindGestureDoubleClick:
		if it.Image == "" || len(it.Zones) == 0 {
			add("zones", "a %s item needs a picture and at least 1 zone", it.Kind)
		}
		zonesInside()
	case KindGestureDrag:
		if it.Image == "" || len(it.Zones) != 2 {
			add("zones", "a drag drill needs a picture and exactly 2 zones: from, then to")
		}
		zonesInside()
	case KindOrder:
		if len(it.Steps) < 2 {
			add("steps", "an order item needs at least 2 steps")
		}
		ids := map[string]bool{}
		for i, s := range it.Steps {
			if strings.TrimSpace(s.Text) == "" && s.Image == "" {
				add(fmt.Sprintf("steps[%d]", i), "step %d has neither text nor picture", i+1)
			}
			if s.ID != "" && ids[s.ID] {
				add(fmt.Sprintf("steps[%d]", i), "step id %q is used twice", s.ID)
			}
			ids[s.ID] = true
		}
	case KindSort:
		if len(it.Groups) < 2 {
			add("groups", "a sort item needs at least 2 groups")
		}
		for i, g := range it.Groups {
			if strings.TrimSpace(g.Title) == "" {
				add(fmt.Sprintf("groups[%d]", i), "group %d has no title", i+1)
			}
			if len(g.Members) == 0 {
				add(fmt.Sprintf("groups[%d]", i), "group %d has no card", i+1)
			}
		}
	case KindGestureScroll:
		if pr.Goal == "" || pr.Count < 1 {
			add("practice", "a scroll drill needs practice.goal (the text to find) and practice.count ≥ 1")
		}
	case KindSandboxBrowser:
		if pr.Goal == "" {
			add("practice", "a browser sandbox needs practice.goal, the address to reach")
		}
	case KindSandboxMail:
		if pr.Mail == nil || !slices.Contains(MailActions, pr.Mail.Action) {
			add("practice", "a mailbox sandbox needs practice.mail with an action among %s", strings.Join(MailActions, ", "))
		} else if pr.Mail.Action == "attach" && pr.Mail.Attach == "" {
			add("practice", "an attach task needs practice.mail.attach, the file to join")
		}
	case KindSandboxForm:
		if len(pr.Fields) == 0 {
			add("practice", "a form sandbox needs at least 1 field in practice.fields")
		}
		for i, f := range pr.Fields {
			if f.Label == "" {
				add(fmt.Sprintf("practice.fields[%d]", i), "field %d has no label", i+1)
			}
		}
	case KindSandboxFiles:
		if it.TaskOf() == TaskMove && (pr.File == "" || !slices.Contains(pr.Files, pr.File) || !slices.Contains(pr.Folders, pr.Goal)) {
			add("practice", "a file explorer sandbox needs practice.file among practice.files and practice.goal among practice.folders")
		}
	case "":
		add("", "missing kind (one of %s)", strings.Join(Kinds, ", "))
	default:
		add("kind", "unknown kind %q (one of %s)", it.Kind, strings.Join(Kinds, ", "))
	}
	msgs = append(msgs, checkPractice(it)...)
	if it.IRT != nil && (it.IRT.A <= 0 || it.IRT.A > 4 || it.IRT.B < -4 || it.IRT.B > 4) {
		add("irt", "irt parameters out of range (0 < a ≤ 4, -4 ≤ b ≤ 4)")
	}
	if it.IRT != nil && (it.IRT.Exposure < 0 || it.IRT.Exposure > 1) {
		add("irt", "irt exposure parameter %v out of range (0 < exposure ≤ 1)", it.IRT.Exposure)
	}
	return msgs
}

// parseFile reads and parses a YAML file into its document's root node.
func parseFile(fsys fs.FS, name string, probs *problems) (*yaml.Node, bool) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			probs.add(name, 0, "file is missing")
		} else {
			probs.add(name, 0, "cannot read: %v", err)
		}
		return nil, false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		addYAMLError(name, err, probs)
		return nil, false
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		probs.add(name, 0, "file is empty")
		return nil, false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		probs.add(name, root.Line, "expected a mapping of keys to values at the top of the file")
		return nil, false
	}
	return root, true
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// addYAMLError turns a YAML error into one problem per line it names.
func addYAMLError(file string, err error, probs *problems) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if m := yamlLine.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			probs.add(file, n, "%s", m[2])
		} else {
			probs.add(file, 0, "%s", l)
		}
	}
}

// decodeNode decodes n into v, reporting unknown fields and wrong types with
// their lines. It reports whether decoding went through.
func decodeNode(n *yaml.Node, v any, file string, probs *problems) bool {
	before := len(*probs)
	checkKnownFields(n, reflect.TypeOf(v), file, probs)
	if err := n.Decode(v); err != nil {
		addYAMLError(file, err, probs)
	}
	return len(*probs) == before
}

// checkKnownFields reports the keys of n that t has no field for, with a
// suggestion when a field name is close.
func checkKnownFields(n *yaml.Node, t reflect.Type, file string, probs *problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.AliasNode && n.Alias != nil:
		checkKnownFields(n.Alias, t, file, probs)
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := map[string]reflect.Type{}
		addYAMLFields(t, fields)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				names := make([]string, 0, len(fields))
				for name := range fields {
					names = append(names, name)
				}
				sort.Strings(names)
				msg := fmt.Sprintf("unknown field %q", k.Value)
				if s := closest(k.Value, names); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				probs.add(file, k.Line, "%s", msg)
				continue
			}
			checkKnownFields(val, ft, file, probs)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for _, c := range n.Content {
			checkKnownFields(c, t.Elem(), file, probs)
		}
	}
}

// closest returns the name within edit distance 2 of s, if any.
func closest(s string, names []string) string {
	best, bd := "", 3
	for _, n := range names {
		if d := editDistance(s, n); d < bd {
			best, bd = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// lineOf returns the line of key's value in mapping n, or n's line.
func lineOf(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1].Line
		}
	}
	return n.Line
}

// fieldLines records the line of every node under n by its path, such as
// "domains[0].competences[1].skills[2].icon".
func fieldLines(n *yaml.Node, prefix string, out map[string]int) {
	if len(out) > 100000 {
		return // a pathological file; lines beyond are approximate
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if prefix != "" {
				p = prefix + "." + k.Value
			}
			out[p] = v.Line
			fieldLines(v, p, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", prefix, i)
			out[p] = c.Line
			fieldLines(c, p, out)
		}
	}
}

func decodeItems(fsys fs.FS, name string, probs *problems) []Item {
	root, ok := parseFile(fsys, name, probs)
	if !ok {
		return nil
	}
	var seq *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Value == "items" {
			seq = root.Content[i+1]
		} else {
			probs.add(name, k.Line, "unknown field %q (an item file holds only \"items\")", k.Value)
		}
	}
	if seq == nil || seq.Kind != yaml.SequenceNode {
		line := root.Line
		if seq != nil {
			line = seq.Line
		}
		probs.add(name, line, "expected a list under \"items\"")
		return nil
	}
	out := make([]Item, 0, len(seq.Content))
	for _, n := range seq.Content {
		var it Item
		if !decodeNode(n, &it, name, probs) {
			continue
		}
		it.File, it.Line = name, n.Line
		it.lines = map[string]int{}
		fieldLines(n, "", it.lines)
		out = append(out, it)
	}
	return out
}

// nameCards gives every step and sort card without an id one made from its
// position, since answers name cards by id, and reports ids used twice.
func nameCards(it *Item) []itemMsg {
	var msgs []itemMsg
	seen := map[string]bool{}
	use := func(field, id string) {
		if seen[id] {
			msgs = append(msgs, itemMsg{field, fmt.Sprintf("card id %q is used twice", id)})
		}
		seen[id] = true
	}
	for i := range it.Steps {
		if it.Steps[i].ID == "" {
			it.Steps[i].ID = fmt.Sprintf("step-%d", i+1)
		}
		use(fmt.Sprintf("steps[%d]", i), it.Steps[i].ID)
	}
	for g := range it.Groups {
		for i := range it.Groups[g].Members {
			m := &it.Groups[g].Members[i]
			if m.ID == "" {
				m.ID = fmt.Sprintf("group-%d-card-%d", g+1, i+1)
			}
			use(fmt.Sprintf("groups[%d].members[%d]", g, i), m.ID)
		}
	}
	return msgs
}

// TextFormats are the ways a typed answer can be compared (see the
// assessment package): "" and "words" and "text" ignore case, accents,
// punctuation and small typos.
var TextFormats = map[string]bool{
	"": true, "words": true, "text": true, "email": true, "url": true,
	"number": true, "date": true, "digits": true, "exact": true,
}
