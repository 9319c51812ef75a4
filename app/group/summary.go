package group

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/app/skills"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Participant is what one participant did during a group session.
type Participant struct {
	LearnerID string
	// Code is their picture code ("" when they kept none), Name the name
	// a mediator gave them ("" when none).
	Code, Name string
	// Tests are the diagnostics they finished during the session.
	Tests []Test
	// Modules are the modules they opened, in the order first opened.
	Modules []Module
}

// Test is one diagnostic finished during the session.
type Test struct {
	At      time.Time
	Items   int
	Results []event.DomainResult
}

// Module is one module opened during the session.
type Module struct {
	ID string
	// Completed is true once they went to its end.
	Completed bool
}

// SkillCount is a skill and how many participants have it to work on.
type SkillCount struct {
	Skill  string
	People int
}

// Summary is a group session's one-page summary.
type Summary struct {
	Group        Group
	Participants []Participant
	// ToWork are the skills participants have "à travailler" after the
	// session, the most frequent first (ties in the framework's order).
	ToWork []SkillCount
}

// Summarize reads what the participants of group id did while it was
// open. order is the framework's skills, in order (ToWork's tie-break).
// now bounds a session still open.
func Summarize(ctx context.Context, r Reader, id string, order []string, now time.Time) (Summary, error) {
	g, ok, err := Find(ctx, r, id)
	if err != nil {
		return Summary{}, err
	}
	if !ok {
		return Summary{}, fmt.Errorf("group session %s: not found", id)
	}
	s := Summary{Group: g}
	end := g.Ended
	if end.IsZero() {
		end = now
	}
	var ids []string
	err = r.Each(ctx, journal.Filter{Type: event.TypeGroupJoined}, func(ev journal.Event) error {
		var p event.GroupJoined
		if event.DecodeInto(ev.Payload, &p) == nil && p.GroupID == id && ev.LearnerID != "" && !slices.Contains(ids, ev.LearnerID) {
			ids = append(ids, ev.LearnerID)
		}
		return nil
	})
	if err != nil {
		return Summary{}, fmt.Errorf("read group participants: %w", err)
	}
	table := skills.NewTable()
	for _, lid := range ids {
		p := Participant{LearnerID: lid}
		var nameHLC journal.HLC
		err := r.Each(ctx, journal.Filter{LearnerID: lid}, func(ev journal.Event) error {
			// The name and the code are who they are, whenever given.
			switch ev.Type {
			case event.TypeLearnerCodeAssigned:
				var c event.LearnerCodeAssigned
				if event.DecodeInto(ev.Payload, &c) == nil && c.PictureCode != "" {
					p.Code = c.PictureCode
				}
				return nil
			case event.TypeLearnerRenamed:
				var n event.LearnerRenamed
				if event.DecodeInto(ev.Payload, &n) == nil && ev.HLC >= nameHLC {
					p.Name, nameHLC = n.Name, ev.HLC
				}
				return nil
			}
			if ev.WallTime.Before(g.Started) || ev.WallTime.After(end) {
				return nil // before or after the session: not the group's
			}
			table.Apply(ev)
			switch ev.Type {
			case event.TypeDiagnosticFinished:
				var d event.DiagnosticFinished
				if event.DecodeInto(ev.Payload, &d) == nil {
					p.Tests = append(p.Tests, Test{At: ev.WallTime, Items: d.Items, Results: d.Results})
				}
			case event.TypeModuleStarted, progress.TypeModuleCompleted:
				var m struct {
					Module string `json:"module"`
				}
				if event.DecodeInto(ev.Payload, &m) != nil || m.Module == "" {
					return nil
				}
				i := slices.IndexFunc(p.Modules, func(x Module) bool { return x.ID == m.Module })
				if i < 0 {
					p.Modules = append(p.Modules, Module{ID: m.Module})
					i = len(p.Modules) - 1
				}
				if ev.Type == progress.TypeModuleCompleted {
					p.Modules[i].Completed = true
				}
			}
			return nil
		})
		if err != nil {
			return Summary{}, fmt.Errorf("read participant: %w", err)
		}
		s.Participants = append(s.Participants, p)
	}
	for _, sk := range order {
		n := 0
		for _, lid := range ids {
			if table.Of(sk, lid) == skills.ToWork {
				n++
			}
		}
		if n > 0 {
			s.ToWork = append(s.ToWork, SkillCount{Skill: sk, People: n})
		}
	}
	// Stable: ties keep the framework's order.
	slices.SortStableFunc(s.ToWork, func(a, b SkillCount) int { return b.People - a.People })
	return s, nil
}
