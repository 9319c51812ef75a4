package progress

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Reader reads a learner's events back; sync/journal.Journal is one.
type Reader interface {
	Each(ctx context.Context, f journal.Filter, fn func(journal.Event) error) error
}

// events returns the events of f.
func events(ctx context.Context, rd Reader, f journal.Filter) ([]journal.Event, error) {
	var out []journal.Event
	err := rd.Each(ctx, f, func(ev journal.Event) error { out = append(out, ev); return nil })
	return out, err
}

// Interruption is a module a learner left before its end.
type Interruption struct {
	Module string
	// Step is where to resume: the step after the furthest one done.
	Step int
}

// Interrupted returns the module the learner last started and did not
// complete, if any, and the step to resume it at. A kiosk killed, or a
// visit ended by the idle timeout, leaves such a module.
func Interrupted(ctx context.Context, rd Reader, learnerID string) (Interruption, bool, error) {
	evs, err := events(ctx, rd, journal.Filter{LearnerID: learnerID})
	if err != nil {
		return Interruption{}, false, fmt.Errorf("find interrupted module of %s: %w", learnerID, err)
	}
	var cur Interruption
	open := false
	for _, ev := range evs {
		switch ev.Type {
		case TypeModuleStarted:
			var p ModuleStarted
			if json.Unmarshal(ev.Payload, &p) != nil {
				continue
			}
			if !open || p.Module != cur.Module {
				cur = Interruption{Module: p.Module, Step: p.Step}
			}
			cur.Step = max(cur.Step, p.Step)
			open = true
		case TypeStepDone:
			var p StepDone
			if json.Unmarshal(ev.Payload, &p) == nil && open && p.Module == cur.Module {
				cur.Step = max(cur.Step, p.Step+1)
			}
		case TypeModuleCompleted:
			var p ModuleCompleted
			if json.Unmarshal(ev.Payload, &p) == nil && p.Module == cur.Module {
				open = false
			}
		}
	}
	return cur, open, nil
}

// KnownFrom returns, per skill, the probability of being known after the
// learner's last practice answer that moved it (practice.answered, first
// attempts): priors for the learner's next Run.
func KnownFrom(ctx context.Context, rd Reader, learnerID string) (map[string]float64, error) {
	evs, err := events(ctx, rd, journal.Filter{LearnerID: learnerID, Type: TypePracticeAnswered})
	if err != nil {
		return nil, fmt.Errorf("read practice of %s: %w", learnerID, err)
	}
	out := map[string]float64{}
	for _, ev := range evs {
		var p PracticeAnswered
		if json.Unmarshal(ev.Payload, &p) == nil && p.Attempt == 1 && p.Skill != "" && p.Known >= 0 && p.Known <= 1 {
			out[p.Skill] = p.Known
		}
	}
	return out, nil
}
