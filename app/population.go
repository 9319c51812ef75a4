package app

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// learntPriors returns each domain's prior learnt from the diagnostics
// this journal has seen finish (this device's and, after a sync, its
// site's), so that a space whose visitors are mostly beginners does not
// pull their estimates toward an average visitor. The journal is read once
// (in the background from Show, or here if that has not finished); later
// results are added as they finish. A journal that cannot be read leaves
// the default prior.
//
// It also returns the joint prior over all domains (a mixture learnt from
// the same results, assessment.Population.Mixture; nil until a visitor
// has finished), which keeps visitors at the ends and those strong in one
// domain only from being pulled to the middle.
func (k *Kiosk) learntPriors() (map[string]assessment.Normal, *assessment.Mixture) {
	k.popMu.Lock()
	defer k.popMu.Unlock()
	k.loadPopulationLocked()
	if k.population == nil {
		return nil, nil
	}
	return k.population.Priors(), k.population.Mixture()
}

// loadPopulation reads the journal's results into the population prior,
// unless done already: Show calls it in the background so that the first
// visitor does not wait for the journal to be read (80 ms for 4 500
// diagnostics in a 150 000-event journal, BenchmarkLearntPriors).
func (k *Kiosk) loadPopulation() {
	k.popMu.Lock()
	defer k.popMu.Unlock()
	k.loadPopulationLocked()
}

// addResults adds a finished visitor's results to the population prior.
func (k *Kiosk) addResults(results []assessment.DomainResult) {
	k.popMu.Lock()
	defer k.popMu.Unlock()
	if k.population != nil {
		k.population.Add(results)
	}
}

func (k *Kiosk) loadPopulationLocked() {
	if k.population != nil {
		return
	}
	pop := assessment.NewPopulation(assessment.DefaultConfig())
	n := 0
	err := k.cfg.Journal.Each(context.Background(), journal.Filter{Type: journal.TypeDiagnosticFinished}, func(ev journal.Event) error {
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
		return
	}
	k.population = pop
	pop.Mixture() // fit the joint prior now (in the background), not when the first visitor starts
	slog.Info("population prior learnt from earlier diagnostics", "diagnostics", n)
}
