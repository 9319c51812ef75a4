package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/tremplin-numerique/tremplin/assessment"
)

func init() { commands["evolution"] = cmdEvolution }

// EvolutionReport counts the before/after labels (assessment.Evolve) of
// simulated learners who take the diagnostic twice.
type EvolutionReport struct {
	Learners int     `json:"learners"`
	Gain     float64 `json:"gain"` // true ability change between the two tests
	// Domains is the number of (learner, domain) pairs compared: answered
	// both times.
	Domains int `json:"domains"`
	Up      int `json:"up"`
	Down    int `json:"down"`
	Stable  int `json:"stable"`
}

// UpRate is the share of compared domains labelled "up".
func (r EvolutionReport) UpRate() float64 { return float64(r.Up) / float64(max(1, r.Domains)) }

// DownRate is the share of compared domains labelled "down".
func (r EvolutionReport) DownRate() float64 { return float64(r.Down) / float64(max(1, r.Domains)) }

// simulateEvolution has n learners (θ ~ N(0, 1) per domain) take the
// kiosk's diagnostic twice, the second time with every ability moved by
// gain, each time with their own draws, and counts the labels. Learners
// run in parallel; counts are added in the same order, so the figures do
// not depend on the number of cores.
func simulateEvolution(bank []assessment.Item, n int, gain float64, seed int64) (EvolutionReport, error) {
	cfg := assessment.ConfigForBank(bank)
	var domains []string
	domIdx := map[string]int{}
	itemIdx := map[string]int{}
	for i, it := range bank {
		itemIdx[it.ID] = i
		if _, ok := domIdx[it.Domain]; !ok {
			domIdx[it.Domain] = len(domains)
			domains = append(domains, it.Domain)
		}
	}
	people := drawLearners(n, len(domains), seed)
	run := func(l, round int, shift float64) ([]assessment.DomainResult, error) {
		s := seed*7_000_003 + int64(l)*2 + int64(round)
		d, err := assessment.NewDiagnostic(bank, cfg, s)
		if err != nil {
			return nil, err
		}
		for id, ok := d.Next(); ok; id, ok = d.Next() {
			i := itemIdx[id]
			it := bank[i]
			o := assessment.Incorrect
			if uniform(s, l, i) < assessment.Prob(it.A, it.B, people[l].theta[domIdx[it.Domain]]+shift) {
				o = assessment.Correct
			}
			if err := d.Record(id, o); err != nil {
				return nil, err
			}
		}
		return d.Results(), nil
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	parts := make([]EvolutionReport, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &parts[w]
			for l := w; l < n; l += workers {
				before, err := run(l, 0, 0)
				if err == nil {
					var after []assessment.DomainResult
					after, err = run(l, 1, gain)
					if err == nil {
						for i, a := range after {
							b := before[i]
							if a.Items == 0 || b.Items == 0 {
								continue
							}
							r.Domains++
							switch assessment.Evolve(b.Theta, b.SE, a.Theta, a.SE) {
							case assessment.Up:
								r.Up++
							case assessment.Down:
								r.Down++
							default:
								r.Stable++
							}
						}
					}
				}
				if err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	total := EvolutionReport{Learners: n, Gain: gain}
	for w, p := range parts {
		if errs[w] != nil {
			return total, errs[w]
		}
		total.Domains += p.Domains
		total.Up += p.Up
		total.Down += p.Down
		total.Stable += p.Stable
	}
	return total, nil
}

func cmdEvolution(args []string) error {
	fs := flag.NewFlagSet("evolution", flag.ContinueOnError)
	var bf bankFlags
	bf.register(fs)
	n := fs.Int("learners", 2000, "simulated learners, each taking the diagnostic twice")
	gain := fs.Float64("gain", 1, "true ability gain for the second report (the first is always 0: unchanged learners)")
	seed := fs.Int64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	bf.seed = uint64(*seed)
	bank, desc, err := bf.load()
	if err != nil {
		return err
	}
	return printEvolution(os.Stdout, bank, desc, *n, *gain, *seed)
}

func printEvolution(w io.Writer, bank []assessment.Item, desc string, n int, gain float64, seed int64) error {
	fmt.Fprintf(w, "before/after rule: up or down beyond %.2f standard errors of the difference (assessment.Evolve)\n", assessment.EvolutionZ)
	fmt.Fprintf(w, "%s, %d learners taking the kiosk's diagnostic twice, seed %d\n", desc, n, seed)
	for _, g := range []float64{0, gain} {
		r, err := simulateEvolution(bank, n, g, seed)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "true gain %+.2f: %d domains compared, up %.1f %%, stable %.1f %%, down %.1f %%\n", g, r.Domains,
			100*r.UpRate(), 100*float64(r.Stable)/float64(max(1, r.Domains)), 100*r.DownRate())
	}
	return nil
}
