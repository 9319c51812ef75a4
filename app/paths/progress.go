package paths

import (
	"context"
	"fmt"
	"slices"

	"github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Done returns the modules the learner ids (a learner and those linked to
// them) went through to the end (module.completed), as a set.
func Done(ctx context.Context, r Reader, ids ...string) (map[string]bool, error) {
	done := map[string]bool{}
	for _, id := range ids {
		if id == "" {
			continue
		}
		err := r.Each(ctx, journal.Filter{Type: progress.TypeModuleCompleted, LearnerID: id}, func(ev journal.Event) error {
			var c progress.ModuleCompleted
			if event.DecodeInto(ev.Payload, &c) == nil && c.Module != "" {
				done[c.Module] = true
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read modules done: %w", err)
		}
	}
	return done, nil
}

// Next returns the index in modules of the first module not done, or -1
// when every one is.
func Next(modules []string, done map[string]bool) int {
	return slices.IndexFunc(modules, func(m string) bool { return !done[m] })
}

// Window returns the first index of the at most n modules to show of a
// path of total modules whose next one is at next: the start, unless the
// next one would fall off the end, then it is shown second (the one
// before it, done, stays in view).
func Window(total, next, n int) int {
	if next < 0 || total <= n || next < n {
		return 0
	}
	return min(next-1, total-n)
}
