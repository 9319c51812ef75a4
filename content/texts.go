package content

import (
	"fmt"
	"strings"
)

// Role says what a text is for; the plain-language checks depend on it.
type Role string

// Roles of the texts of a pack.
const (
	RoleTitle      Role = "title"      // domain, competence, skill or module title
	RoleDescriptor Role = "descriptor" // a skill's "I can…" sentence
	RolePrompt     Role = "prompt"     // the written instruction of an item
	RoleSpoken     Role = "spoken"     // the spoken instruction of an item
	RoleChoice     Role = "choice"     // a choice, card or group title: a short label
	RoleHint       Role = "hint"
	RoleFeedback   Role = "feedback"
	RoleGlossary   Role = "glossary"
	RoleLesson     Role = "lesson"
	RoleScreen     Role = "screen" // text of a mock screen: a link, a mail, a form label
)

// Text is one text of a pack with where it is written.
type Text struct {
	Text string
	Role Role
	// Spoken is true when the text needs a voice clip.
	Spoken bool
	File   string
	Line   int
	// Where names the text for a person ("item in-adresse-1, hint").
	Where string
}

// Texts returns every text of the pack, in file order: what is shown, and
// for spoken ones, what needs a voice clip.
func (p *Pack) Texts() []Text {
	var out []Text
	add := func(t Text) {
		if strings.TrimSpace(t.Text) != "" {
			out = append(out, t)
		}
	}
	for _, d := range p.Domains {
		add(Text{Text: d.Title, Role: RoleTitle, Spoken: true, File: "framework.yaml", Line: d.Line, Where: "domain " + d.ID})
		for _, c := range d.Competences {
			add(Text{Text: c.Title, Role: RoleTitle, Spoken: true, File: "framework.yaml", Line: c.Line, Where: "competence " + c.ID})
			for _, s := range c.Skills {
				add(Text{Text: s.Title, Role: RoleTitle, Spoken: true, File: "framework.yaml", Line: s.Line, Where: "skill " + s.ID})
				add(Text{Text: s.Descriptor, Role: RoleDescriptor, Spoken: true, File: "framework.yaml", Line: s.Line, Where: "skill " + s.ID + ", descriptor"})
			}
		}
	}
	for _, t := range p.Glossary {
		add(Text{Text: t.Definition, Role: RoleGlossary, Spoken: true, File: t.File, Line: t.Line, Where: "glossary " + t.Word})
	}
	for i := range p.Items {
		it := &p.Items[i]
		at := func(field, text string, role Role, spoken bool) {
			add(Text{Text: text, Role: role, Spoken: spoken, File: it.File, Line: it.FieldLine(field), Where: "item " + it.ID + ", " + field})
		}
		at("prompt", it.Prompt, RolePrompt, it.Spoken == "")
		at("spoken", it.Spoken, RoleSpoken, true)
		for j, c := range it.Choices {
			at(fmt.Sprintf("choices[%d].text", j), c.Text, RoleChoice, true)
		}
		for j, s := range it.Steps {
			at(fmt.Sprintf("steps[%d].text", j), s.Text, RoleChoice, true)
		}
		for j, g := range it.Groups {
			at(fmt.Sprintf("groups[%d].title", j), g.Title, RoleChoice, true)
			for k, m := range g.Members {
				at(fmt.Sprintf("groups[%d].members[%d].text", j, k), m.Text, RoleChoice, true)
			}
		}
		at("hint", it.Hint, RoleHint, true)
		at("feedback.correct", it.Feedback.Correct, RoleFeedback, true)
		at("feedback.incorrect", it.Feedback.Incorrect, RoleFeedback, true)
		if pr := it.Practice; pr != nil {
			for j, l := range pr.Links {
				at(fmt.Sprintf("practice.links[%d].text", j), l.Text, RoleScreen, true)
			}
			if m := pr.Mail; m != nil {
				at("practice.mail.subject", m.Subject, RoleScreen, true)
				at("practice.mail.body", m.Body, RoleScreen, true)
			}
			for j, f := range pr.Fields {
				at(fmt.Sprintf("practice.fields[%d].label", j), f.Label, RoleScreen, true)
			}
			practiceTexts(pr, at)
		}
	}
	for _, t := range p.moduleTexts() {
		add(t)
	}
	return out
}

// SpokenTexts returns the distinct texts of the pack that need a voice clip,
// each with the first place it is used.
func (p *Pack) SpokenTexts() []Text {
	seen := map[string]bool{}
	var out []Text
	for _, t := range p.Texts() {
		k := VoiceKey(t.Text)
		if !t.Spoken || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

// HasClip reports whether the pack holds a clip of text in any voice.
func (p *Pack) HasClip(text string) bool {
	_, ok := p.ClipName(text)
	return ok
}
