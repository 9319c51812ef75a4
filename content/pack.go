// Package content loads and validates Tremplin content packs: the framework of
// domains, competences and skills, the items that test them, their pictures and
// their voice clips. A pack is a folder of YAML files read through an fs.FS, so
// the embedded default pack and a folder on disk load the same way.
//
// Package content never imports Fyne, SQL or the assessment engine.
package content

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SchemaVersion is the pack schema this code reads.
const SchemaVersion = 1

// Meta describes a pack as a whole (pack.yaml).
type Meta struct {
	ID       string `yaml:"id"`
	Version  string `yaml:"version"`
	Language string `yaml:"language"`
	Schema   int    `yaml:"schema"`
	Title    string `yaml:"title"`
}

// Domain is a broad area of digital life, such as "internet".
type Domain struct {
	ID          string       `yaml:"id"`
	Title       string       `yaml:"title"`
	Icon        string       `yaml:"icon"`
	Competences []Competence `yaml:"competences"`
}

// Competence groups the skills of a domain.
type Competence struct {
	ID     string  `yaml:"id"`
	Title  string  `yaml:"title"`
	Skills []Skill `yaml:"skills"`
}

// Skill is the unit of assessment and teaching, at level 1 (discover),
// 2 (practise) or 3 (autonomous).
type Skill struct {
	ID         string `yaml:"id"`
	Level      int    `yaml:"level"`
	Title      string `yaml:"title"`
	Descriptor string `yaml:"descriptor"`
	Icon       string `yaml:"icon"`

	// Domain and Competence are filled in at load time.
	Domain     string `yaml:"-"`
	Competence string `yaml:"-"`
}

// Choice is one option of a single or multiple choice item.
type Choice struct {
	Text    string `yaml:"text"`
	Image   string `yaml:"image"`
	Correct bool   `yaml:"correct"`
}

// Zone is a rectangle on an item's picture, relative to its size (0..1).
type Zone struct {
	X float64 `yaml:"x"`
	Y float64 `yaml:"y"`
	W float64 `yaml:"w"`
	H float64 `yaml:"h"`
}

// Step is one card of an ordering or sorting item.
type Step struct {
	ID    string `yaml:"id"`
	Text  string `yaml:"text"`
	Image string `yaml:"image"`
}

// Group is one target of a sorting item, with the cards that belong to it.
type Group struct {
	ID      string `yaml:"id"`
	Title   string `yaml:"title"`
	Members []Step `yaml:"members"`
}

// Feedback is what the visitor hears after an answer.
type Feedback struct {
	Correct   string `yaml:"correct"`
	Incorrect string `yaml:"incorrect"`
}

// IRT holds an item's two-parameter logistic model parameters.
type IRT struct {
	A float64 `yaml:"a"`
	B float64 `yaml:"b"`
}

// Item kinds understood by the kiosk.
const (
	KindSingle   = "single"
	KindMultiple = "multiple"
	KindText     = "text"
	KindTap      = "tap"
	KindOrder    = "order"
	KindSort     = "sort"
)

// Item is one question or task.
type Item struct {
	ID       string   `yaml:"id"`
	Skill    string   `yaml:"skill"`
	Kind     string   `yaml:"kind"`
	Prompt   string   `yaml:"prompt"`
	Spoken   string   `yaml:"spoken"`
	Image    string   `yaml:"image"`
	Choices  []Choice `yaml:"choices"`
	Accept   []string `yaml:"accept"`
	Format   string   `yaml:"format"`
	Zones    []Zone   `yaml:"zones"`
	Steps    []Step   `yaml:"steps"`
	Groups   []Group  `yaml:"groups"`
	Hint     string   `yaml:"hint"`
	Feedback Feedback `yaml:"feedback"`
	IRT      *IRT     `yaml:"irt"`

	// Filled in at load time.
	Domain string `yaml:"-"`
	Level  int    `yaml:"-"`
	File   string `yaml:"-"`
	Line   int    `yaml:"-"`
}

// SpokenText returns what is said for the item's instruction: its spoken text,
// or its prompt when it has none.
func (it *Item) SpokenText() string {
	if it.Spoken != "" {
		return it.Spoken
	}
	return it.Prompt
}

// Pack is a loaded, validated content pack.
type Pack struct {
	Meta    Meta
	Domains []Domain
	Items   []Item

	skills map[string]*Skill
	items  map[string]int
	fsys   fs.FS
}

// ErrInvalid marks a pack that was read but refused by validation.
var ErrInvalid = errors.New("invalid content pack")

// Problem is one finding about a pack, with where it was found.
type Problem struct {
	File    string
	Line    int
	Message string
	Warning bool
}

func (p Problem) String() string {
	kind := "error"
	if p.Warning {
		kind = "warning"
	}
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, kind, p.Message)
	}
	return fmt.Sprintf("%s: %s: %s", p.File, kind, p.Message)
}

// ValidationError lists every problem that made a pack invalid.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	n := 0
	for _, p := range e.Problems {
		if !p.Warning {
			n++
		}
	}
	fmt.Fprintf(&b, "%d problem(s) in content pack", n)
	for _, p := range e.Problems {
		if !p.Warning {
			b.WriteString("\n  ")
			b.WriteString(p.String())
		}
	}
	return b.String()
}

// Unwrap lets errors.Is(err, ErrInvalid) recognise a validation failure.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Load reads and validates the pack rooted at fsys. A pack with any error is
// refused: the caller keeps the pack it had.
func Load(fsys fs.FS) (*Pack, error) {
	p := &Pack{fsys: fsys}
	var probs []Problem
	add := func(file string, line int, format string, args ...any) {
		probs = append(probs, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}

	if err := decodeFile(fsys, "pack.yaml", &p.Meta); err != nil {
		return nil, err
	}
	if p.Meta.Schema != SchemaVersion {
		add("pack.yaml", 0, "schema %d is not supported (this kiosk reads schema %d)", p.Meta.Schema, SchemaVersion)
	}
	if p.Meta.ID == "" {
		add("pack.yaml", 0, "missing id")
	}

	var fw struct {
		Domains []Domain `yaml:"domains"`
	}
	if err := decodeFile(fsys, "framework.yaml", &fw); err != nil {
		return nil, err
	}
	p.Domains = fw.Domains
	p.skills = map[string]*Skill{}
	for di := range p.Domains {
		d := &p.Domains[di]
		for ci := range d.Competences {
			c := &d.Competences[ci]
			for si := range c.Skills {
				s := &c.Skills[si]
				s.Domain, s.Competence = d.ID, c.ID
				if _, dup := p.skills[s.ID]; dup {
					add("framework.yaml", 0, "skill %q is defined twice", s.ID)
				}
				if s.Level < 1 || s.Level > 3 {
					add("framework.yaml", 0, "skill %q: level %d is not 1, 2 or 3", s.ID, s.Level)
				}
				p.skills[s.ID] = s
			}
		}
	}

	files, err := fs.Glob(fsys, "items/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	sort.Strings(files)
	if len(files) == 0 {
		add("items/", 0, "no item files")
	}
	p.items = map[string]int{}
	for _, f := range files {
		items, err := decodeItems(fsys, f)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			s, ok := p.skills[it.Skill]
			if !ok {
				add(f, it.Line, "item %q: unknown skill %q", it.ID, it.Skill)
			} else {
				it.Domain, it.Level = s.Domain, s.Level
			}
			if _, dup := p.items[it.ID]; dup {
				add(f, it.Line, "item id %q is used twice", it.ID)
			}
			for _, msg := range checkItem(&it) {
				add(f, it.Line, "item %q: %s", it.ID, msg)
			}
			for _, img := range it.images() {
				if _, err := fs.Stat(fsys, img); err != nil {
					add(f, it.Line, "item %q: picture %q not found", it.ID, img)
				}
			}
			if it.IRT == nil {
				it.IRT = SeedIRT(it.Level)
			}
			p.items[it.ID] = len(p.Items)
			p.Items = append(p.Items, it)
		}
	}
	if len(probs) > 0 {
		return nil, &ValidationError{Problems: probs}
	}
	return p, nil
}

// SeedIRT returns default 2PL parameters for an item of a skill at level,
// used until calibration from real answers replaces them.
func SeedIRT(level int) *IRT {
	return &IRT{A: 1.2, B: 1.5 * float64(level-2)}
}

// Skill returns the skill with the given id.
func (p *Pack) Skill(id string) (*Skill, bool) {
	s, ok := p.skills[id]
	return s, ok
}

// Item returns the item with the given id.
func (p *Pack) Item(id string) (*Item, bool) {
	i, ok := p.items[id]
	if !ok {
		return nil, false
	}
	return &p.Items[i], true
}

// Domain returns the domain with the given id.
func (p *Pack) Domain(id string) (*Domain, bool) {
	for i := range p.Domains {
		if p.Domains[i].ID == id {
			return &p.Domains[i], true
		}
	}
	return nil, false
}

// File returns the bytes of a file of the pack, such as a picture.
func (p *Pack) File(name string) ([]byte, error) {
	b, err := fs.ReadFile(p.fsys, path.Clean(name))
	if err != nil {
		return nil, fmt.Errorf("read %s from pack %s: %w", name, p.Meta.ID, err)
	}
	return b, nil
}

func (it *Item) images() []string {
	var out []string
	if it.Image != "" {
		out = append(out, it.Image)
	}
	for _, c := range it.Choices {
		if c.Image != "" {
			out = append(out, c.Image)
		}
	}
	for _, s := range it.Steps {
		if s.Image != "" {
			out = append(out, s.Image)
		}
	}
	return out
}

// checkItem returns what is wrong with an item's answers for its kind.
func checkItem(it *Item) []string {
	var msgs []string
	if it.ID == "" {
		msgs = append(msgs, "missing id")
	}
	if strings.TrimSpace(it.Prompt) == "" {
		msgs = append(msgs, "missing prompt")
	}
	correct := 0
	for _, c := range it.Choices {
		if c.Correct {
			correct++
		}
	}
	switch it.Kind {
	case KindSingle:
		if len(it.Choices) < 2 || correct != 1 {
			msgs = append(msgs, "a single choice needs at least 2 choices and exactly 1 correct")
		}
	case KindMultiple:
		if len(it.Choices) < 2 || correct < 1 {
			msgs = append(msgs, "a multiple choice needs at least 2 choices and 1 or more correct")
		}
	case KindText:
		if len(it.Accept) == 0 {
			msgs = append(msgs, "a typed answer needs at least 1 accepted answer")
		}
	case KindTap:
		if it.Image == "" || len(it.Zones) == 0 {
			msgs = append(msgs, "a tap item needs a picture and at least 1 zone")
		}
		for _, z := range it.Zones {
			if z.X < 0 || z.Y < 0 || z.W <= 0 || z.H <= 0 || z.X+z.W > 1 || z.Y+z.H > 1 {
				msgs = append(msgs, "a zone must lie inside the picture (0..1)")
			}
		}
	case KindOrder:
		if len(it.Steps) < 2 {
			msgs = append(msgs, "an order item needs at least 2 steps")
		}
	case KindSort:
		if len(it.Groups) < 2 {
			msgs = append(msgs, "a sort item needs at least 2 groups")
		}
	default:
		msgs = append(msgs, fmt.Sprintf("unknown kind %q", it.Kind))
	}
	if it.IRT != nil && (it.IRT.A <= 0 || it.IRT.A > 4 || it.IRT.B < -4 || it.IRT.B > 4) {
		msgs = append(msgs, "irt parameters out of range (0 < a ≤ 4, -4 ≤ b ≤ 4)")
	}
	return msgs
}

func decodeFile(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return &ValidationError{Problems: []Problem{{File: name, Message: yamlMessage(err)}}}
	}
	return nil
}

func decodeItems(fsys fs.FS, name string) ([]Item, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var doc struct {
		Items yaml.Node `yaml:"items"`
	}
	fail := func(err error) error {
		return &ValidationError{Problems: []Problem{{File: name, Message: yamlMessage(err)}}}
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fail(err)
	}
	if doc.Items.Kind != yaml.SequenceNode {
		return nil, fail(errors.New("expected a list under \"items\""))
	}
	out := make([]Item, 0, len(doc.Items.Content))
	for _, n := range doc.Items.Content {
		var it Item
		if err := decodeStrict(n, &it); err != nil {
			return nil, &ValidationError{Problems: []Problem{{File: name, Line: n.Line, Message: yamlMessage(err)}}}
		}
		it.File, it.Line = name, n.Line
		out = append(out, it)
	}
	return out, nil
}

// decodeStrict decodes a node refusing unknown fields, which yaml.Node.Decode
// alone does not do.
func decodeStrict(n *yaml.Node, v any) error {
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}

func yamlMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
