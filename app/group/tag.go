package group

import (
	"context"
	"log/slog"

	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Journal is the visit's journal a Tagger wraps (visit.Journal).
type Journal interface {
	Append(ctx context.Context, typ, learnerID string, payload any) (journal.Event, error)
	State(ctx context.Context, key string) (string, error)
	SetState(ctx context.Context, kv ...string) error
	Each(ctx context.Context, f journal.Filter, fn func(journal.Event) error) error
	DeviceID() string
}

// Tagger is one visit's journal: the first time something is journaled
// about the visitor while a group session is open, it also journals that
// they joined it (group.joined), so everything a participant does is the
// group's without any screen having to remember it.
type Tagger struct {
	Journal
	// Open returns the open group session's id, "" when none is.
	Open   func() string
	tagged map[string]bool
}

// Append journals the event, then tags its learner with the open group
// the first time. The event is safe once Append returns nil; a tag that
// could not be written is only logged (it is retried at the next event).
func (t *Tagger) Append(ctx context.Context, typ, learnerID string, payload any) (journal.Event, error) {
	ev, err := t.Journal.Append(ctx, typ, learnerID, payload)
	if err != nil || learnerID == "" || t.Open == nil {
		return ev, err
	}
	g := t.Open()
	if g == "" || t.tagged[g+"\x00"+learnerID] {
		return ev, nil
	}
	if err := Join(ctx, t.Journal, g, learnerID); err != nil {
		slog.Warn("tag participant with group session", "group", g, "err", err)
		return ev, nil
	}
	if t.tagged == nil {
		t.tagged = map[string]bool{}
	}
	t.tagged[g+"\x00"+learnerID] = true
	return ev, nil
}
