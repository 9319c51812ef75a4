// Package paths is the read model and the maker of learning paths
// (parcours): skills a mediator picked from the framework, in order, and
// the pack's modules that teach them, given to one learner or to everyone
// on the device. A path is a path.assigned event, written by the mediator
// workspace or pushed by the web dashboard; both write the same payload
// (event.PathAssigned with its name and skills).
//
// Package paths imports no Fyne: the kiosk's screens show what it returns.
package paths

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Reader is what reading paths needs of the journal.
type Reader interface {
	Each(ctx context.Context, f journal.Filter, fn func(journal.Event) error) error
}

// Path is one learning path as the journal holds it.
type Path struct {
	ID   string
	Name string
	// Skills are the skills picked, in the mediator's order.
	Skills []string
	// Modules teach those skills, in the skills' order.
	Modules []string
	// LearnerID is the learner the path is for; "" is everyone on the
	// device (or the site, for a path the dashboard pushed).
	LearnerID string
	At        time.Time
}

// Make builds the payload of a path over the chosen skills, in the order
// given: skills the pack lacks are dropped, and each remaining skill brings
// the modules that teach it (easiest first), each module once. It fails
// when no skill is left or the name is empty.
func Make(p *content.Pack, name string, skills []string, mediatorSession string) (event.PathAssigned, error) {
	out := event.PathAssigned{Name: name, Modules: []string{}, MediatorSession: mediatorSession}
	if name == "" {
		return out, fmt.Errorf("make path: no name")
	}
	for _, s := range skills {
		if _, ok := p.Skill(s); !ok || slices.Contains(out.Skills, s) {
			continue
		}
		out.Skills = append(out.Skills, s)
		for _, m := range p.ModulesFor(s) {
			if !slices.Contains(out.Modules, m.ID) {
				out.Modules = append(out.Modules, m.ID)
			}
		}
	}
	if len(out.Skills) == 0 {
		return out, fmt.Errorf("make path %q: no skill of the framework", name)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return out, fmt.Errorf("make path %q: %w", name, err)
	}
	out.PathID = id.String()
	return out, nil
}

// For returns the path of a learner: the latest path.assigned for one of
// ids (the learner and those linked to them) or for everyone. A learner
// with no path gets ok false.
func For(ctx context.Context, r Reader, ids ...string) (p Path, ok bool, err error) {
	err = r.Each(ctx, journal.Filter{Type: event.TypePathAssigned}, func(ev journal.Event) error {
		if ev.LearnerID != "" && !slices.Contains(ids, ev.LearnerID) {
			return nil
		}
		var a event.PathAssigned
		if event.DecodeInto(ev.Payload, &a) != nil || a.PathID == "" {
			return nil // a bad event never hides the others
		}
		p = Path{ID: a.PathID, Name: a.Name, Skills: a.Skills, Modules: a.Modules, LearnerID: ev.LearnerID, At: ev.WallTime}
		ok = true
		return nil
	})
	if err != nil {
		return Path{}, false, fmt.Errorf("read paths: %w", err)
	}
	return p, ok, nil
}
