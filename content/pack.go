// Package content loads and validates Tremplin content packs: the framework of
// domains, competences and skills, the items that test them, their pictures and
// their voice clips. A pack is a folder of YAML files read through an fs.FS, so
// the embedded default pack and a folder on disk load the same way.
//
// Package content never imports Fyne, SQL or the assessment engine.
package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
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

	// Line is where the domain starts in framework.yaml.
	Line int `yaml:"-"`
}

// Competence groups the skills of a domain.
type Competence struct {
	ID     string  `yaml:"id"`
	Title  string  `yaml:"title"`
	Skills []Skill `yaml:"skills"`

	// Line is where the competence starts in framework.yaml.
	Line int `yaml:"-"`
}

// Skill is the unit of assessment and teaching, at level 1 (discover),
// 2 (practise) or 3 (autonomous).
type Skill struct {
	ID         string `yaml:"id"`
	Level      int    `yaml:"level"`
	Title      string `yaml:"title"`
	Descriptor string `yaml:"descriptor"`
	Icon       string `yaml:"icon"`

	// Domain, Competence and Line (in framework.yaml) are filled in at load time.
	Domain     string `yaml:"-"`
	Competence string `yaml:"-"`
	Line       int    `yaml:"-"`
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
	// Exposure is the item's Sympson–Hetter exposure parameter in (0, 1]
	// (tremplin-sim exposure computes it for a calibrated bank); 0 when
	// absent: the item is always given once selected.
	Exposure float64 `yaml:"exposure"`
}

// Item kinds understood by the kiosk's diagnostic: questions shown on one
// screen, answered by a click, a typed word or a drag of cards.
const (
	KindSingle   = "single"
	KindMultiple = "multiple"
	KindText     = "text"
	KindTap      = "tap"
	KindOrder    = "order"
	KindSort     = "sort"
)

// Practice kinds: sandboxes where the visitor does the real gesture in a mock
// program, and gesture drills for absolute beginners. Their data is in
// Item.Practice (and Item.Image, Zones, Accept where said). See
// docs/content-pack.md.
const (
	KindSandboxBrowser     = "sandbox-browser"      // reach Practice.Goal (an address) by typing it or clicking Practice.Links
	KindSandboxMail        = "sandbox-mail"         // do Practice.Mail.Action on the message Practice.Mail
	KindSandboxForm        = "sandbox-form"         // fill every field of Practice.Fields
	KindSandboxFiles       = "sandbox-files"        // drag Practice.File into the folder Practice.Goal
	KindGestureClick       = "gesture-click"        // click Zones[0] on Image, Practice.Count times
	KindGestureDoubleClick = "gesture-double-click" // double-click Zones[0] on Image
	KindGestureDrag        = "gesture-drag"         // drag from Zones[0] to Zones[1] on Image
	KindGestureScroll      = "gesture-scroll"       // scroll Practice.Count screens down to find Practice.Goal
	KindGestureType        = "gesture-type"         // type one of Accept (Format says how to compare)
)

// Kinds lists every item kind, question kinds first.
var Kinds = []string{
	KindSingle, KindMultiple, KindText, KindTap, KindOrder, KindSort,
	KindSandboxBrowser, KindSandboxMail, KindSandboxForm, KindSandboxFiles,
	KindGestureClick, KindGestureDoubleClick, KindGestureDrag, KindGestureScroll, KindGestureType,
}

// IsQuestion reports whether kind is one the diagnostic shows (single,
// multiple, text, tap, order, sort), as opposed to a practice kind.
func IsQuestion(kind string) bool {
	switch kind {
	case KindSingle, KindMultiple, KindText, KindTap, KindOrder, KindSort:
		return true
	}
	return false
}

// Questions returns the pack's question items (IsQuestion) with the
// framework's domains in order — equipement before communiquer in the
// default pack, so a diagnostic that takes the domains in this order starts
// with using the computer — and each domain's items in file order.
func (p *Pack) Questions() []*Item {
	rank := make(map[string]int, len(p.Domains))
	for i, d := range p.Domains {
		rank[d.ID] = i
	}
	var out []*Item
	for i := range p.Items {
		if IsQuestion(p.Items[i].Kind) {
			out = append(out, &p.Items[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].Domain] < rank[out[j].Domain] })
	return out
}

// Practice is the data of a sandbox or gesture item.
type Practice struct {
	// URL is the address shown when a mock browser opens ("" for a blank page).
	URL string `yaml:"url"`
	// Goal is what to reach: an address (sandbox-browser), a folder name
	// (sandbox-files) or a text to find at the bottom of a page (gesture-scroll).
	Goal string `yaml:"goal"`
	// Links are the links on the mock browser's page.
	Links []Link `yaml:"links"`
	// Mail is the message of a mock mailbox.
	Mail *Mail `yaml:"mail"`
	// Fields are the fields of a mock online form, top to bottom.
	Fields []Field `yaml:"fields"`
	// Files and Folders fill a mock file explorer; File is the one to move.
	Files   []string `yaml:"files"`
	Folders []string `yaml:"folders"`
	File    string   `yaml:"file"`
	// Count is how many clicks a click drill wants, or how many screens a
	// scroll drill's page is long.
	Count int `yaml:"count"`
	// PracticeMore holds the success rules and sandbox data of practice.go.
	PracticeMore `yaml:",inline"`
}

// Link is a link on a mock browser page. Ad marks an advertisement.
type Link struct {
	Text string `yaml:"text"`
	URL  string `yaml:"url"`
	Ad   bool   `yaml:"ad"`
}

// Mail is a message in a mock mailbox and what to do with it.
type Mail struct {
	From    string `yaml:"from"`
	Subject string `yaml:"subject"`
	Body    string `yaml:"body"`
	// Attach is the file to join to the answer ("attach" action).
	Attach string `yaml:"attach"`
	// Action is reply, attach, forward, delete, report (as unwanted) or
	// write (a new message).
	Action string `yaml:"action"`
	// Reply holds accepted words for the reply's text; empty accepts any text.
	Reply []string `yaml:"reply"`
	// MailMore holds the inbox, file picker and rules of practice.go.
	MailMore `yaml:",inline"`
}

// MailActions are the values Mail.Action may take.
var MailActions = []string{"reply", "attach", "forward", "delete", "report", "write"}

// Field is one field of a mock online form.
type Field struct {
	ID    string `yaml:"id"`
	Label string `yaml:"label"`
	// Format is one of FieldFormats (practice.go).
	Format string `yaml:"format"`
	// Accept lists accepted values; empty accepts any well-formed value.
	Accept []string `yaml:"accept"`
	// FieldMore holds the optional mark and file choices of practice.go.
	FieldMore `yaml:",inline"`
}

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
	// Practice is the data of sandbox and gesture kinds.
	Practice *Practice `yaml:"practice"`

	// Filled in at load time.
	Domain string `yaml:"-"`
	Level  int    `yaml:"-"`
	File   string `yaml:"-"`
	Line   int    `yaml:"-"`

	lines map[string]int // line of each field, by path ("choices[1].text")
}

// FieldLine returns the line in the item's file of one of its fields, named
// by its path such as "hint", "feedback.correct" or "choices[1].text", or the
// item's own line when the field is unknown.
func (it *Item) FieldLine(path string) int {
	if l, ok := it.lines[path]; ok {
		return l
	}
	return it.Line
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
	// Glossary explains the hard words the pack uses (glossary.yaml).
	Glossary []Term
	// Modules teach skills then practise them (modules/*.yaml).
	Modules []Module

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
