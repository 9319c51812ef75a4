// Package xapi forwards learning records to an existing Learning Record
// Store (LRS) as xAPI 1.0.3 statements: a diagnostic's result per domain
// (with a scaled score), a module completed, a skill mastered and,
// optionally, every answer. Statements are made from the stored sync
// events, their ids derived from the event ids (a retry never duplicates),
// queued in the server's database (the queue survives restarts), sent in
// batches with exponential backoff.
//
// Learners appear only as an opaque account (the learner id on the
// server's home page): no name, no picture code, no typed text leaves.
// Queued statements of a learner erased before they were sent are dropped.
//
// Package xapi imports no Fyne and no cgo.
package xapi

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/tremplin-numerique/tremplin/sync/event"
)

// Version is the xAPI version spoken (the X-Experience-API-Version header).
const Version = "1.0.3"

// Verbs used.
const (
	VerbCompleted = "http://adlnet.gov/expapi/verbs/completed"
	VerbMastered  = "http://adlnet.gov/expapi/verbs/mastered"
	VerbAnswered  = "http://adlnet.gov/expapi/verbs/answered"
)

// namespace makes statement ids from event ids (UUID version 5).
var namespace = uuid.MustParse("5d7c0b59-2b1e-4a4f-9a57-6f1f0e1b7a01")

// StatementID is the id of the statement made from part of an event: the
// same event always gives the same id, so a statement sent twice is one.
func StatementID(eventID, part string) string {
	return uuid.NewSHA1(namespace, []byte(eventID+"/"+part)).String()
}

// Statement is an xAPI statement (the subset Tremplin sends).
type Statement struct {
	ID        string   `json:"id"`
	Actor     Agent    `json:"actor"`
	Verb      Verb     `json:"verb"`
	Object    Activity `json:"object"`
	Result    *Result  `json:"result,omitempty"`
	Context   *Context `json:"context,omitempty"`
	Timestamp string   `json:"timestamp"`
}

// Agent is a learner, known by an account on the server only.
type Agent struct {
	ObjectType string  `json:"objectType"`
	Account    Account `json:"account"`
}

// Account is an account on a system (homePage) with an opaque name.
type Account struct {
	HomePage string `json:"homePage"`
	Name     string `json:"name"`
}

// Verb is what the learner did.
type Verb struct {
	ID      string            `json:"id"`
	Display map[string]string `json:"display"`
}

// Activity is what it was done to.
type Activity struct {
	ObjectType string      `json:"objectType"`
	ID         string      `json:"id"`
	Definition *Definition `json:"definition,omitempty"`
}

// Definition names an activity.
type Definition struct {
	Name map[string]string `json:"name,omitempty"`
	Type string            `json:"type,omitempty"`
}

// Result is the outcome.
type Result struct {
	Score      *Score         `json:"score,omitempty"`
	Success    *bool          `json:"success,omitempty"`
	Completion *bool          `json:"completion,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Score is a score; Scaled is in [0, 1].
type Score struct {
	Scaled float64 `json:"scaled"`
	Raw    float64 `json:"raw"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// Context situates a statement.
type Context struct {
	Platform          string             `json:"platform,omitempty"`
	Language          string             `json:"language,omitempty"`
	ContextActivities *ContextActivities `json:"contextActivities,omitempty"`
	Extensions        map[string]any     `json:"extensions,omitempty"`
}

// ContextActivities groups a statement with its parent activity.
type ContextActivities struct {
	Parent []Activity `json:"parent,omitempty"`
}

// Source is one stored event to turn into statements.
type Source struct {
	ID, SiteID, LearnerID, Type string
	At                          time.Time
	Payload                     []byte
}

// Maker turns events into statements.
type Maker struct {
	// HomePage is the system learners' accounts belong to (the server's
	// public address).
	HomePage string
	// Base prefixes every activity and extension IRI.
	Base string
	// Answers makes a statement of every answer (off by default: many, and
	// rarely wanted).
	Answers bool
}

func yes() *bool { b := true; return &b }

func (m Maker) base() string {
	b := m.Base
	if b == "" {
		b = "https://tremplin-numerique.fr/xapi/"
	}
	if !strings.HasSuffix(b, "/") {
		b += "/"
	}
	return b
}

func (m Maker) statement(src Source, part, verb, verbName string, obj Activity) Statement {
	b := m.base()
	home := m.HomePage
	if home == "" {
		home = b
	}
	return Statement{
		ID:     StatementID(src.ID, part),
		Actor:  Agent{ObjectType: "Agent", Account: Account{HomePage: home, Name: src.LearnerID}},
		Verb:   Verb{ID: verb, Display: map[string]string{"en-US": verbName}},
		Object: obj,
		Context: &Context{Platform: "Tremplin", Extensions: map[string]any{
			b + "ext/site":  src.SiteID,
			b + "ext/event": src.ID,
		}},
		Timestamp: src.At.UTC().Format(time.RFC3339Nano),
	}
}

// Statements returns the statements an event makes (none for most types).
func (m Maker) Statements(src Source) ([]Statement, error) {
	if src.LearnerID == "" {
		return nil, nil
	}
	b := m.base()
	switch src.Type {
	case event.TypeDiagnosticFinished:
		var p event.DiagnosticFinished
		if err := event.DecodeInto(src.Payload, &p); err != nil {
			return nil, fmt.Errorf("event %s: %w", src.ID, err)
		}
		var out []Statement
		for _, r := range p.Results {
			if r.Domain == "" {
				continue
			}
			band := min(max(r.Band, 0), 3)
			st := m.statement(src, "diagnostic/"+r.Domain, VerbCompleted, "completed", Activity{ObjectType: "Activity",
				ID: b + "diagnostic/" + url.PathEscape(r.Domain), Definition: &Definition{Name: map[string]string{"fr-FR": "Diagnostic " + r.Domain},
					Type: "http://adlnet.gov/expapi/activities/assessment"}})
			st.Result = &Result{Score: &Score{Scaled: float64(band) / 3, Raw: float64(band + 1), Min: 1, Max: 4}, Completion: yes(),
				Extensions: map[string]any{b + "ext/items": r.Items, b + "ext/correct": r.Correct}}
			st.Context.ContextActivities = &ContextActivities{Parent: []Activity{{ObjectType: "Activity", ID: b + "diagnostic"}}}
			out = append(out, st)
		}
		return out, nil
	case event.TypeModuleMastered:
		var p event.ModuleMastered
		if err := event.DecodeInto(src.Payload, &p); err != nil {
			return nil, fmt.Errorf("event %s: %w", src.ID, err)
		}
		var out []Statement
		if p.Module != "" {
			st := m.statement(src, "module", VerbCompleted, "completed", Activity{ObjectType: "Activity", ID: b + "module/" + url.PathEscape(p.Module),
				Definition: &Definition{Type: "http://adlnet.gov/expapi/activities/module"}})
			st.Result = &Result{Completion: yes(), Success: yes()}
			out = append(out, st)
		}
		if p.Skill != "" {
			st := m.statement(src, "skill", VerbMastered, "mastered", Activity{ObjectType: "Activity", ID: b + "skill/" + url.PathEscape(p.Skill),
				Definition: &Definition{Type: "http://adlnet.gov/expapi/activities/objective"}})
			st.Result = &Result{Success: yes()}
			if p.Known > 0 && p.Known <= 1 {
				st.Result.Score = &Score{Scaled: p.Known, Raw: p.Known, Min: 0, Max: 1}
			}
			out = append(out, st)
		}
		return out, nil
	case event.TypeAnswerRecorded:
		if !m.Answers {
			return nil, nil
		}
		var p event.AnswerRecorded
		if err := event.DecodeInto(src.Payload, &p); err != nil {
			return nil, fmt.Errorf("event %s: %w", src.ID, err)
		}
		if p.ItemID == "" {
			return nil, nil
		}
		ok := p.Correct
		st := m.statement(src, "answer", VerbAnswered, "answered", Activity{ObjectType: "Activity", ID: b + "item/" + url.PathEscape(p.ItemID),
			Definition: &Definition{Type: "http://adlnet.gov/expapi/activities/cmi.interaction"}})
		st.Result = &Result{Success: &ok}
		if p.Skill != "" {
			st.Context.ContextActivities = &ContextActivities{Parent: []Activity{{ObjectType: "Activity", ID: b + "skill/" + url.PathEscape(p.Skill)}}}
		}
		return []Statement{st}, nil
	}
	return nil, nil
}

// marshal encodes a statement for the queue.
func marshal(st Statement) (string, error) {
	b, err := json.Marshal(st)
	return string(b), err
}
