package content

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// This file holds the practice data added in schema 1's second edition: the
// rules that decide a sandbox's success, written as data in the pack, and
// their validation. Every field is optional; an item written for the first
// edition (goal, mail.action/reply/attach, fields, file/folders) keeps its
// meaning. See docs/content-pack.md, "Practice data".

// Browser tasks (Practice.Task for a sandbox-browser item).
const (
	TaskReach    = "reach"     // reach Practice.Goal, by typing it or by links; a click on an ad is a miss
	TaskSpotAd   = "spot-ad"   // click the advertisement ("Sponsorisé") among the links
	TaskCloseTab = "close-tab" // close the tab whose title or address is Practice.Goal
)

// File explorer tasks (Practice.Task for a sandbox-files item).
const (
	TaskMove   = "move"   // drag Practice.File onto the folder Practice.Goal
	TaskRename = "rename" // rename Practice.File to Practice.Goal (lenient; the extension is kept)
	TaskOpen   = "open"   // open Practice.File (double-click), found in Practice.Goal when set
)

// PracticeTasks lists the tasks of each kind; the first is the default.
var PracticeTasks = map[string][]string{
	KindSandboxBrowser: {TaskReach, TaskSpotAd, TaskCloseTab},
	KindSandboxFiles:   {TaskMove, TaskRename, TaskOpen},
}

// PracticeMore is the practice data beyond the first edition, inlined in
// Practice (same YAML level).
type PracticeMore struct {
	// Task says what to do when a kind allows several (PracticeTasks).
	Task string `yaml:"task"`
	// Solution is shown and said after the third miss (default: the
	// feedback after a miss).
	Solution string `yaml:"solution"`

	// Tabs are the browser's tabs at the start; the first is shown. Without
	// tabs, one tab opens Practice.URL.
	Tabs []Tab `yaml:"tabs"`
	// Pages are the mock sites the browser knows, by address; an unknown
	// address shows a plain "page" with the address as its title.
	Pages []Page `yaml:"pages"`
	// Search is what the search engine's results page lists, ads first
	// (labelled "Sponsorisé"), shown for words typed in the address bar.
	Search []Link `yaml:"search"`

	// Inside lists the files of each folder of the file explorer (Files
	// are the files of the folder shown at the start).
	Inside map[string][]string `yaml:"inside"`
	// USB puts a USB stick to plug in: the drive "Clé USB" appears in the
	// explorer only once the learner plugs it.
	USB bool `yaml:"usb"`

	// Code is the code a form's "code" field expects; it arrives in a
	// simulated phone notification (SMS) when the learner asks for it.
	Code string `yaml:"code"`

	// Start is a drill's first target size in Fyne units (default 160,
	// never below 48); the target shrinks after each success.
	Start float64 `yaml:"start"`
	// Interval is the longest pause, in milliseconds, between the two
	// clicks of a double-click (default 500, Windows' own).
	Interval int `yaml:"interval"`
	// Misses is how many misses end a drill's attempt (default 3).
	Misses int `yaml:"misses"`
}

// Tab is a browser tab open at the start.
type Tab struct {
	Title string `yaml:"title"`
	URL   string `yaml:"url"`
}

// Page is a mock web page of the browser sandbox.
type Page struct {
	URL   string `yaml:"url"`
	Title string `yaml:"title"`
	Text  string `yaml:"text"`
	Links []Link `yaml:"links"`
	// Official marks a public service's site (drawn with the State's
	// banner, like a real .gouv.fr page).
	Official bool `yaml:"official"`
}

// MailMore is the mailbox data beyond the first edition, inlined in Mail.
type MailMore struct {
	// Inbox are the other messages of the list, below the practice one.
	Inbox []Message `yaml:"inbox"`
	// Files are the documents the file picker offers (Attach is added).
	Files []string `yaml:"files"`
	// Rules decide whether the message the learner sends is right; all
	// must hold. Fields: to, subject, body, attachment. See Mail.SendRules.
	Rules []Rule `yaml:"rules"`
}

// Message is one message of a mock mailbox's list.
type Message struct {
	From    string `yaml:"from"`
	Subject string `yaml:"subject"`
	Body    string `yaml:"body"`
	Date    string `yaml:"date"`
}

// Rule is one condition on a text the learner produced (a mail's recipient,
// subject, body or attachment), checked leniently like a typed answer.
type Rule struct {
	// Field is what is checked: to, subject, body or attachment.
	Field string `yaml:"field"`
	// Op is contains (the default: one of Values appears, as words),
	// equals (the whole text is one of Values), not-empty or empty.
	Op string `yaml:"op"`
	// Values are the accepted texts; one is enough.
	Values []string `yaml:"values"`
	// Format compares as a typed answer does: words (default), email, url,
	// number, date, digits or exact.
	Format string `yaml:"format"`
}

// Rule operators.
const (
	OpContains = "contains"
	OpEquals   = "equals"
	OpNotEmpty = "not-empty"
	OpEmpty    = "empty"
)

// RuleFields are the fields a mail rule may check.
var RuleFields = []string{"to", "subject", "body", "attachment"}

// FieldMore is the form field data beyond the first edition, inlined in
// Field.
type FieldMore struct {
	// Optional fields may stay empty; their label ends with "(facultatif)".
	Optional bool `yaml:"optional"`
	// Files are the documents offered by a "file" field's picker; Accept
	// names the right one (any when empty).
	Files []string `yaml:"files"`
}

// FieldFormats are the formats of a form field: what it accepts and how it
// is checked. "code" expects Practice.Code, received by SMS.
var FieldFormats = []string{"text", "email", "date", "phone", "number", "password", "file", "code"}

// SendRules returns the rules the message sent must meet: Rules, plus the
// first edition's Reply (body contains one of them) and Attach (attachment
// equals it) when set.
func (m *Mail) SendRules() []Rule {
	var out []Rule
	if len(m.Reply) > 0 {
		out = append(out, Rule{Field: "body", Op: OpContains, Values: m.Reply})
	}
	if m.Attach != "" {
		out = append(out, Rule{Field: "attachment", Op: OpEquals, Values: []string{m.Attach}, Format: "exact"})
	}
	return append(out, m.Rules...)
}

// TaskOf returns the item's practice task: Practice.Task, or the kind's
// default ("" for kinds with a single task).
func (it *Item) TaskOf() string {
	if it.Practice != nil && it.Practice.Task != "" {
		return it.Practice.Task
	}
	if ts := PracticeTasks[it.Kind]; len(ts) > 0 {
		return ts[0]
	}
	return ""
}

// checkPractice returns what is wrong with the second edition's practice
// data of an item (the first edition's is checked by checkItem).
func checkPractice(it *Item) []itemMsg {
	pr := it.Practice
	if pr == nil {
		return nil
	}
	var msgs []itemMsg
	add := func(field, format string, args ...any) {
		msgs = append(msgs, itemMsg{field, fmt.Sprintf(format, args...)})
	}
	if pr.Task != "" {
		tasks := PracticeTasks[it.Kind]
		if !slices.Contains(tasks, pr.Task) {
			if len(tasks) == 0 {
				add("practice.task", "a %s item takes no practice.task", it.Kind)
			} else {
				add("practice.task", "unknown task %q (use one of: %s)", pr.Task, strings.Join(tasks, ", "))
			}
		}
	}
	if pr.Start != 0 && (pr.Start < 48 || pr.Start > 400) {
		add("practice.start", "practice.start %v must be between 48 and 400 (a target smaller than 48 is too hard to click)", pr.Start)
	}
	if pr.Interval != 0 && (pr.Interval < 200 || pr.Interval > 2000) {
		add("practice.interval", "practice.interval %d ms must be between 200 and 2000", pr.Interval)
	}
	if pr.Misses < 0 || pr.Misses > 10 {
		add("practice.misses", "practice.misses %d must be between 1 and 10", pr.Misses)
	}
	switch it.Kind {
	case KindSandboxBrowser:
		switch it.TaskOf() {
		case TaskSpotAd:
			ad := false
			for _, l := range append(append([]Link{}, pr.Links...), pr.Search...) {
				ad = ad || l.Ad
			}
			if !ad {
				add("practice", "a spot-ad task needs a link with ad: true in practice.links or practice.search")
			}
		case TaskCloseTab:
			found := false
			for _, t := range pr.Tabs {
				found = found || t.Title == pr.Goal || t.URL == pr.Goal
			}
			if len(pr.Tabs) < 2 || !found {
				add("practice.tabs", "a close-tab task needs at least 2 tabs, one of them with practice.goal as its title or address")
			}
		}
		if len(pr.Tabs) > 4 {
			add("practice.tabs", "%d tabs: at most 4 fit a 1024-pixel screen", len(pr.Tabs))
		}
		for i, t := range pr.Tabs {
			if strings.TrimSpace(t.Title) == "" {
				add(fmt.Sprintf("practice.tabs[%d]", i), "tab %d has no title", i+1)
			}
		}
		seen := map[string]bool{}
		for i, p := range pr.Pages {
			if p.URL == "" || seen[p.URL] {
				add(fmt.Sprintf("practice.pages[%d]", i), "page %d needs an address of its own (url)", i+1)
			}
			seen[p.URL] = true
		}
	case KindSandboxMail:
		if pr.Mail == nil {
			break
		}
		for i, r := range pr.Mail.Rules {
			f := fmt.Sprintf("practice.mail.rules[%d]", i)
			if !slices.Contains(RuleFields, r.Field) {
				add(f, "rule %d checks %q (use one of: %s)", i+1, r.Field, strings.Join(RuleFields, ", "))
			}
			switch r.Op {
			case "", OpContains, OpEquals:
				if len(r.Values) == 0 {
					add(f, "rule %d needs at least 1 value", i+1)
				}
			case OpNotEmpty, OpEmpty:
			default:
				add(f, "rule %d: unknown op %q (use contains, equals, not-empty or empty)", i+1, r.Op)
			}
			if !TextFormats[r.Format] {
				add(f, "rule %d: unknown format %q", i+1, r.Format)
			}
			for _, v := range r.Values {
				if len(v) > 200 {
					add(f, "rule %d: a value of %d bytes; keep values under 200 (words to find, not a whole text)", i+1, len(v))
				}
			}
			if r.Field == "attachment" && r.Op != OpEmpty && r.Op != OpNotEmpty {
				for _, v := range r.Values {
					if !slices.Contains(pr.Mail.Files, v) && v != pr.Mail.Attach {
						add(f, "rule %d wants the attachment %q, which the file picker does not offer (practice.mail.files)", i+1, v)
					}
				}
			}
		}
		if pr.Mail.Action == "forward" {
			to := false
			for _, r := range pr.Mail.SendRules() {
				to = to || r.Field == "to"
			}
			if !to {
				add("practice.mail", "a forward task needs a rule on the recipient (field: to)")
			}
		}
	case KindSandboxForm:
		code := false
		for i, f := range pr.Fields {
			p := fmt.Sprintf("practice.fields[%d]", i)
			if f.Format != "" && !slices.Contains(FieldFormats, f.Format) {
				add(p, "field %d: unknown format %q (use one of: %s)", i+1, f.Format, strings.Join(FieldFormats, ", "))
			}
			if f.Format == "file" && len(f.Files) == 0 {
				add(p, "field %d is a file upload and needs the documents to offer (files)", i+1)
			}
			for _, a := range f.Accept {
				if f.Format == "file" && !slices.Contains(f.Files, a) {
					add(p, "field %d accepts %q, which is not among its files", i+1, a)
				}
			}
			code = code || f.Format == "code"
		}
		if code && len(strings.TrimSpace(pr.Code)) < 4 {
			add("practice.code", "a form with a code field needs practice.code, the code sent by SMS (4 digits or more)")
		}
	case KindSandboxFiles:
		switch it.TaskOf() {
		case TaskRename:
			if pr.File == "" || !slices.Contains(pr.Files, pr.File) || strings.TrimSpace(pr.Goal) == "" {
				add("practice", "a rename task needs practice.file among practice.files and practice.goal, the new name")
			}
		case TaskOpen:
			where := pr.Files
			if pr.Goal != "" {
				where = pr.Inside[pr.Goal]
				if !slices.Contains(pr.Folders, pr.Goal) {
					add("practice.goal", "the folder %q is not among practice.folders", pr.Goal)
				}
			}
			if pr.File == "" || !slices.Contains(where, pr.File) {
				add("practice", "an open task needs practice.file in the folder practice.goal (practice.inside) or among practice.files")
			}
		}
		if pr.USB && !slices.Contains(pr.Folders, USBFolder) {
			add("practice.usb", "a USB stick to plug needs the folder %q among practice.folders (hidden until plugged)", USBFolder)
		}
		for name := range pr.Inside {
			if !slices.Contains(pr.Folders, name) {
				add("practice.inside", "practice.inside names %q, which is not among practice.folders", name)
			}
		}
	}
	return msgs
}

// USBFolder is the name of the USB stick's drive in the file explorer.
const USBFolder = "Clé USB"

// addYAMLFields adds the YAML names of struct t's fields to fields, those
// of inlined structs (such as PracticeMore in Practice) included.
func addYAMLFields(t reflect.Type, fields map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" && f.Type.Kind() == reflect.Struct {
			addYAMLFields(f.Type, fields)
			continue
		}
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		fields[tag] = f.Type
	}
}

// practiceTexts reports the second edition's texts of a practice: the
// solution (said after the third miss) and what the mock programs show.
func practiceTexts(pr *Practice, at func(field, text string, role Role, spoken bool)) {
	at("practice.solution", pr.Solution, RoleHint, true)
	for j, t := range pr.Tabs {
		at(fmt.Sprintf("practice.tabs[%d].title", j), t.Title, RoleScreen, true)
	}
	for j, pg := range pr.Pages {
		at(fmt.Sprintf("practice.pages[%d].title", j), pg.Title, RoleScreen, true)
		at(fmt.Sprintf("practice.pages[%d].text", j), pg.Text, RoleScreen, true)
		for k, l := range pg.Links {
			at(fmt.Sprintf("practice.pages[%d].links[%d].text", j, k), l.Text, RoleScreen, true)
		}
	}
	for j, l := range pr.Search {
		at(fmt.Sprintf("practice.search[%d].text", j), l.Text, RoleScreen, true)
	}
	if m := pr.Mail; m != nil {
		for j, msg := range m.Inbox {
			at(fmt.Sprintf("practice.mail.inbox[%d].subject", j), msg.Subject, RoleScreen, true)
			at(fmt.Sprintf("practice.mail.inbox[%d].body", j), msg.Body, RoleScreen, true)
		}
	}
}
