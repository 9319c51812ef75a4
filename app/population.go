package app

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// eventReader is the part of *journal.Journal that reads events back.
type eventReader interface {
	Each(ctx context.Context, f journal.Filter, fn func(journal.Event) error) error
}

// learntPriors returns each domain's prior learnt from the diagnostics
// this journal has seen finish (this device's and, after a sync, its
// site's), so that a space whose visitors are mostly beginners does not
// pull their estimates toward an average visitor. The journal is read once,
// on the first visitor; later results are added as they finish. A journal
// that cannot be read leaves the default prior.
func (k *Kiosk) learntPriors() map[string]assessment.Normal {
	if k.population == nil {
		pop := assessment.NewPopulation(assessment.DefaultConfig())
		r, ok := k.cfg.Journal.(eventReader)
		if !ok {
			k.population = pop // a journal that cannot be read: learn from now on
			return pop.Priors()
		}
		n := 0
		err := r.Each(context.Background(), journal.Filter{Type: journal.TypeDiagnosticFinished}, func(ev journal.Event) error {
			var p struct {
				Results []assessment.DomainResult `json:"results"`
			}
			if err := json.Unmarshal(ev.Payload, &p); err != nil {
				slog.Warn("skip unreadable diagnostic result", "event", ev.ID, "err", err)
				return nil
			}
			pop.Add(p.Results)
			n++
			return nil
		})
		if err != nil {
			slog.Warn("read earlier results for the population prior; using the default prior", "err", err)
			return nil
		}
		k.population = pop
		slog.Info("population prior learnt from earlier diagnostics", "diagnostics", n)
	}
	return k.population.Priors()
}
