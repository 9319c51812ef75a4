package readmodel

import (
	"context"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/skills"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func journalHLC(v int64) journal.HLC { return journal.HLC(v) }

// Replay answers what Model answers by folding the whole journal each
// time (learners.Load, skills.Load): the reference the read model is
// checked against, and what a kiosk without the read model uses.
type Replay struct {
	R learners.Reader
	// Device returns the id this device writes under (whose picture codes
	// the learners show).
	Device func() string
}

// Summaries folds the journal and returns every learner's summary.
func (r Replay) Summaries(ctx context.Context) ([]learners.Summary, error) {
	b, err := learners.Load(ctx, r.R, r.Device())
	if err != nil {
		return nil, err
	}
	return b.Summaries(), nil
}

// Learner folds the journal and returns one learner.
func (r Replay) Learner(ctx context.Context, id string) (learners.Learner, bool, error) {
	b, err := learners.Load(ctx, r.R, r.Device())
	if err != nil {
		return learners.Learner{}, false, err
	}
	l, ok := b.Learner(id)
	return l, ok, nil
}

// Skills folds every learner's evidence (the table answers for any ids).
func (r Replay) Skills(ctx context.Context, _ ...string) (*skills.Table, error) {
	return skills.Load(ctx, r.R, "")
}
