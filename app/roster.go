package app

import (
	"context"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/readmodel"
	"github.com/tremplin-numerique/tremplin/app/skills"
)

// Roster is what the mediator workspace reads of the learners: the list,
// a learner's whole history and the skills' evidence. readmodel.Model
// answers from tables kept up to date as events are written (fast on a
// large site); without one the kiosk folds the whole journal each time
// (readmodel.Replay).
type Roster interface {
	// Summaries lists the learners not erased, the most recently seen
	// first.
	Summaries(ctx context.Context) ([]learners.Summary, error)
	// Learner returns a learner by id or by the id of a learner linked
	// into them; an erased or unknown learner is not found.
	Learner(ctx context.Context, id string) (learners.Learner, bool, error)
	// Skills returns the latest evidence per skill of the learners ids
	// (of everyone when ids is empty).
	Skills(ctx context.Context, ids ...string) (*skills.Table, error)
}

// roster returns Config.Roster, or the whole-journal fold without one.
func (k *Kiosk) roster() Roster {
	if k.cfg.Roster != nil {
		return k.cfg.Roster
	}
	return readmodel.Replay{R: k.cfg.Journal, Device: k.cfg.Journal.DeviceID}
}
