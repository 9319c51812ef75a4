// Package group keeps the group sessions of outreach work: a mediator
// starts one on a lent laptop ("Atelier du mardi", 6 people), every
// participant's learner is tagged with it (group.joined) while it is open,
// and at the end the group's summary says who did what and which skills
// the group should work on next.
//
// The journal is the only state: group.started, group.joined and
// group.ended events, plus the open group's id in the device state (so a
// restarted kiosk keeps it). Package group imports no Fyne.
package group

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// StateKey is the device state key holding the open group's id.
const StateKey = "kiosk.group"

// MaxPeople bounds the number of people a mediator may announce.
const MaxPeople = 99

// Store is what starting and ending a group needs of the journal.
type Store interface {
	Append(ctx context.Context, typ, learnerID string, payload any) (journal.Event, error)
	State(ctx context.Context, key string) (string, error)
	SetState(ctx context.Context, kv ...string) error
	Reader
}

// Reader is what reading groups needs of the journal.
type Reader interface {
	Each(ctx context.Context, f journal.Filter, fn func(journal.Event) error) error
}

// Group is one group session.
type Group struct {
	ID     string
	Name   string
	People int
	// Started and Ended are the device clock's; Ended is zero while open.
	Started, Ended time.Time
}

// Open reports whether the session is still going.
func (g Group) Open() bool { return g.Ended.IsZero() }

// Bad input a mediator can fix, each with its own message.
var (
	ErrNoName    = errors.New("group session: no name")
	ErrBadPeople = errors.New("group session: number of people not in 1..99")
	ErrAlready   = errors.New("group session: one is already open")
)

// ParsePeople reads the number of people a mediator typed ("" is 0, not
// said).
func ParsePeople(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxPeople {
		return 0, ErrBadPeople
	}
	return n, nil
}

// Start opens a group session named name for people participants.
func Start(ctx context.Context, s Store, name string, people int, mediatorSession string) (Group, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Group{}, ErrNoName
	}
	if people < 0 || people > MaxPeople {
		return Group{}, ErrBadPeople
	}
	if g, ok, err := Current(ctx, s); err != nil {
		return Group{}, err
	} else if ok && g.Open() {
		return Group{}, ErrAlready
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Group{}, fmt.Errorf("start group session: %w", err)
	}
	ev, err := s.Append(ctx, event.TypeGroupStarted, "", event.GroupStarted{GroupID: id.String(), Name: name, People: people, MediatorSession: mediatorSession})
	if err != nil {
		return Group{}, fmt.Errorf("start group session: %w", err)
	}
	if err := s.SetState(ctx, StateKey, id.String()); err != nil {
		return Group{}, fmt.Errorf("start group session: %w", err)
	}
	return Group{ID: id.String(), Name: name, People: people, Started: ev.WallTime}, nil
}

// End closes the group session g.
func End(ctx context.Context, s Store, g Group, mediatorSession string) error {
	if _, err := s.Append(ctx, event.TypeGroupEnded, "", event.GroupEnded{GroupID: g.ID, MediatorSession: mediatorSession}); err != nil {
		return fmt.Errorf("end group session: %w", err)
	}
	if err := s.SetState(ctx, StateKey, ""); err != nil {
		return fmt.Errorf("end group session: %w", err)
	}
	return nil
}

// Current returns the open group session of the device, if any.
func Current(ctx context.Context, s Store) (Group, bool, error) {
	id, err := s.State(ctx, StateKey)
	if err != nil {
		return Group{}, false, fmt.Errorf("read group session: %w", err)
	}
	if id == "" {
		return Group{}, false, nil
	}
	g, ok, err := Find(ctx, s, id)
	if err != nil || !ok || !g.Open() {
		return Group{}, false, err
	}
	return g, true, nil
}

// Find returns the group session id.
func Find(ctx context.Context, r Reader, id string) (Group, bool, error) {
	all, err := List(ctx, r)
	if err != nil {
		return Group{}, false, err
	}
	for _, g := range all {
		if g.ID == id {
			return g, true, nil
		}
	}
	return Group{}, false, nil
}

// List returns the device's group sessions, newest first.
func List(ctx context.Context, r Reader) ([]Group, error) {
	var out []Group
	err := r.Each(ctx, journal.Filter{Type: event.TypeGroupStarted}, func(ev journal.Event) error {
		var p event.GroupStarted
		if event.DecodeInto(ev.Payload, &p) == nil && p.GroupID != "" {
			out = append(out, Group{ID: p.GroupID, Name: p.Name, People: p.People, Started: ev.WallTime})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read group sessions: %w", err)
	}
	err = r.Each(ctx, journal.Filter{Type: event.TypeGroupEnded}, func(ev journal.Event) error {
		var p event.GroupEnded
		if event.DecodeInto(ev.Payload, &p) != nil {
			return nil
		}
		for i := range out {
			if out[i].ID == p.GroupID && out[i].Ended.IsZero() {
				out[i].Ended = ev.WallTime
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read group sessions: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}

// Join tags learnerID as a participant of the group session id.
func Join(ctx context.Context, s interface {
	Append(ctx context.Context, typ, learnerID string, payload any) (journal.Event, error)
}, id, learnerID string) error {
	if _, err := s.Append(ctx, event.TypeGroupJoined, learnerID, event.GroupJoined{GroupID: id}); err != nil {
		return fmt.Errorf("join group session: %w", err)
	}
	return nil
}
