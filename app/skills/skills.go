// Package skills tells, for each learner and each skill of the framework,
// whether the skill is mastered, to work on or not seen yet, from the
// journal's evidence: diagnostic answers, practice attempts and modules
// mastered. The latest evidence on a skill wins, so a skill missed in a
// first diagnostic and mastered in practice afterwards reads "mastered".
//
// It is what a mediator's learner page and exports show per skill, like Pix
// Orga's OK / KO / not tested. Package skills imports no Fyne and writes
// nothing; it is a fold of the journal that can be rebuilt at any time.
package skills

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Status is what the evidence says of one skill of one learner.
type Status int

// Statuses, from the least known to the best.
const (
	NotSeen  Status = iota // no answer and no practice on it yet
	ToWork                 // the latest evidence is a miss
	Mastered               // the latest evidence is a success
)

// Key is the catalogue key of a status's words.
func (s Status) Key() string {
	switch s {
	case Mastered:
		return "skills.mastered"
	case ToWork:
		return "skills.to_work"
	}
	return "skills.not_seen"
}

// MasteredAt is the knowledge-tracing probability from which a practice
// attempt counts as mastery (as assessment's mastery model decides).
const MasteredAt = 0.95

// Reader is what the fold needs of the journal.
type Reader interface {
	Each(ctx context.Context, f journal.Filter, fn func(journal.Event) error) error
}

type evidence struct {
	status Status
	at     journal.HLC
}

// Table holds every learner's evidence per skill.
type Table struct {
	byLearner map[string]map[string]evidence
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{byLearner: map[string]map[string]evidence{}} }

// Load folds the journal's evidence. learner, when not empty, limits the
// reading to that learner's events (a learner's page); "" reads everyone's
// (an export).
func Load(ctx context.Context, r Reader, learner string) (*Table, error) {
	t := NewTable()
	for _, typ := range []string{event.TypeAnswerRecorded, event.TypePracticeAttempt, event.TypeModuleMastered} {
		err := r.Each(ctx, journal.Filter{Type: typ, LearnerID: learner}, func(ev journal.Event) error {
			t.Apply(ev)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read skills evidence: %w", err)
		}
	}
	return t, nil
}

// Evidence is what one event says of one skill of one learner.
type Evidence struct {
	Learner string
	Skill   string
	Status  Status
	At      journal.HLC
	// Rank orders the kinds of evidence journaled at the same clock as
	// Load reads them: answers, then practice, then modules mastered.
	Rank int
}

// EvidenceOf decodes the evidence an event carries: an answer, a practice
// attempt or a module mastered about a learner and a skill. Other events,
// and payloads that do not decode, say nothing.
func EvidenceOf(ev journal.Event) (Evidence, bool) {
	var skill string
	var st Status
	var rank int
	switch ev.Type {
	case event.TypeAnswerRecorded:
		var a struct {
			Skill   string `json:"skill"`
			Outcome string `json:"outcome"`
			Correct bool   `json:"correct"`
		}
		if json.Unmarshal(ev.Payload, &a) != nil {
			return Evidence{}, false
		}
		skill, st = a.Skill, ToWork
		if a.Correct || a.Outcome == event.OutcomeCorrect {
			st = Mastered
		}
	case event.TypePracticeAttempt:
		var a struct {
			Skill string  `json:"skill"`
			Known float64 `json:"known"`
		}
		if json.Unmarshal(ev.Payload, &a) != nil {
			return Evidence{}, false
		}
		skill, st, rank = a.Skill, ToWork, 1
		if a.Known >= MasteredAt {
			st = Mastered
		}
	case event.TypeModuleMastered:
		var m struct {
			Skill string `json:"skill"`
		}
		if json.Unmarshal(ev.Payload, &m) != nil {
			return Evidence{}, false
		}
		skill, st, rank = m.Skill, Mastered, 2
	default:
		return Evidence{}, false
	}
	if skill == "" || ev.LearnerID == "" {
		return Evidence{}, false
	}
	return Evidence{Learner: ev.LearnerID, Skill: skill, Status: st, At: ev.HLC, Rank: rank}, true
}

// Supersedes reports whether e replaces old as a learner's latest evidence
// on a skill, e being folded after old: a later clock wins, and at the same
// clock the kind Load reads last.
func (e Evidence) Supersedes(old Evidence) bool {
	return e.At > old.At || (e.At == old.At && e.Rank >= old.Rank)
}

// Apply adds one event's evidence; events of other types are ignored, and
// so is a payload that does not decode (it cannot say anything).
func (t *Table) Apply(ev journal.Event) {
	if e, ok := EvidenceOf(ev); ok {
		t.put(e.Learner, e.Skill, e.Status, e.At)
	}
}

// Put records a learner's latest evidence on a skill, as a read model
// stored it.
func (t *Table) Put(learner, skill string, st Status, at journal.HLC) {
	m := t.byLearner[learner]
	if m == nil {
		m = map[string]evidence{}
		t.byLearner[learner] = m
	}
	m[skill] = evidence{status: st, at: at}
}

func (t *Table) put(learner, skill string, st Status, at journal.HLC) {
	m := t.byLearner[learner]
	if m == nil {
		m = map[string]evidence{}
		t.byLearner[learner] = m
	}
	if old, ok := m[skill]; !ok || at >= old.at {
		m[skill] = evidence{status: st, at: at}
	}
}

// Of returns the status of skill for a learner known under ids (the learner
// and those linked to them): the latest evidence across all of them.
func (t *Table) Of(skill string, ids ...string) Status {
	var best evidence
	found := false
	for _, id := range ids {
		if e, ok := t.byLearner[id][skill]; ok && (!found || e.at >= best.at) {
			best, found = e, true
		}
	}
	if !found {
		return NotSeen
	}
	return best.status
}

// Count returns how many of skills are mastered and to work on for the
// learner known under ids.
func (t *Table) Count(skills []string, ids ...string) (mastered, toWork int) {
	for _, s := range skills {
		switch t.Of(s, ids...) {
		case Mastered:
			mastered++
		case ToWork:
			toWork++
		}
	}
	return mastered, toWork
}
