package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tremplin-numerique/tremplin/assessment"
)

func init() { commands["population"] = cmdPopulation }

// Kinds of simulated people in a mixed population (the group column of a
// population file). A jagged person's figures are split between the
// domain where they are strong and the others.
const (
	groupMain   = "main"
	groupWeak   = "weak"
	groupStrong = "strong"
	groupJagged = "jagged"
	// Labels of a jagged person's results.
	groupJaggedStrong = "jagged-strong"
	groupJaggedOther  = "jagged-other"
)

// mixedShares are the default shares of the mixed population: a main group
// of correlated abilities around −0.6, people very weak everywhere, strong
// everywhere, and jagged ones (strong in one domain, weak in the others).
var mixedShares = map[string]float64{groupMain: 0.60, groupWeak: 0.15, groupStrong: 0.10, groupJagged: 0.15}

// groupOrder is the order of group labels in reports.
var groupOrder = []string{groupMain, groupWeak, groupStrong, groupJaggedStrong, groupJaggedOther}

// drawMixed returns n people of the mixed population over nd domains:
//
//	main    θ_d = −0.6 + 0.9·(√0.7·g + √0.3·e_d): SD 0.9, correlation 0.7
//	weak    θ_d = −2.3 + 0.35·e_d
//	strong  θ_d = +1.9 + 0.35·e_d
//	jagged  one domain (uniform) +1.4 + 0.4·e, the others −1.3 + 0.4·e_d
//
// with g, e standard normal; the group is drawn with shares.
func drawMixed(n, nd int, seed uint64, shares map[string]float64) []learner {
	r := rand.New(rand.NewPCG(seed, 0x3a9e))
	var total float64
	for _, g := range []string{groupMain, groupWeak, groupStrong, groupJagged} {
		total += shares[g]
	}
	people := make([]learner, 0, n)
	for l := 0; l < n; l++ {
		u := r.Float64() * total
		group := groupJagged
		for _, g := range []string{groupMain, groupWeak, groupStrong} {
			if u < shares[g] {
				group = g
				break
			}
			u -= shares[g]
		}
		th := make([]float64, nd)
		switch group {
		case groupMain:
			g := r.NormFloat64()
			for d := range th {
				th[d] = -0.6 + 0.9*(math.Sqrt(0.7)*g+math.Sqrt(0.3)*r.NormFloat64())
			}
		case groupWeak:
			for d := range th {
				th[d] = -2.3 + 0.35*r.NormFloat64()
			}
		case groupStrong:
			for d := range th {
				th[d] = 1.9 + 0.35*r.NormFloat64()
			}
		case groupJagged:
			top := r.IntN(nd)
			for d := range th {
				if d == top {
					th[d] = 1.4 + 0.4*r.NormFloat64()
				} else {
					th[d] = -1.3 + 0.4*r.NormFloat64()
				}
			}
		}
		people = append(people, learner{id: strconv.Itoa(l + 1), theta: th, group: group})
	}
	return people
}

// resultGroup is the report label of learner p's result in domain k.
func resultGroup(p learner, k int) string {
	if p.group != groupJagged {
		return p.group
	}
	top := 0
	for d, t := range p.theta {
		if t > p.theta[top] {
			top = d
		}
	}
	if k == top {
		return groupJaggedStrong
	}
	return groupJaggedOther
}

// parseShares reads "main=0.6,weak=0.15,…".
func parseShares(s string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, part := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		v, err := strconv.ParseFloat(val, 64)
		if _, known := mixedShares[name]; !ok || !known || err != nil || v < 0 {
			return nil, fmt.Errorf("%w: share %q is not GROUP=SHARE with GROUP one of main, weak, strong, jagged", errUsage, part)
		}
		out[name] = v
	}
	return out, nil
}

// cmdPopulation writes a mixed population file for cat --population:
//
//	tremplin-sim population --learners 3000 --seed 1 --out FILE [--shares main=0.6,weak=0.15,strong=0.1,jagged=0.15]
func cmdPopulation(args []string) error {
	fs := newFlags("population")
	n := fs.Int("learners", 3000, "number of people")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "CSV file to write (id,group,DOMAIN…)")
	sharesFlag := fs.String("shares", "main=0.6,weak=0.15,strong=0.1,jagged=0.15", "share of each kind of people")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *n < 1 || fs.NArg() > 0 {
		return fmt.Errorf("%w: population --learners N --out FILE", errUsage)
	}
	shares, err := parseShares(*sharesFlag)
	if err != nil {
		return err
	}
	people := drawMixed(*n, len(syntheticDomains), *seed, shares)
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("population: %w", err)
	}
	w := csv.NewWriter(f)
	_ = w.Write(append([]string{"id", "group"}, syntheticDomains...))
	for _, p := range people {
		rec := []string{p.id, p.group}
		for _, t := range p.theta {
			rec = append(rec, strconv.FormatFloat(t, 'f', 4, 64))
		}
		_ = w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("population %s: %w", *out, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("population %s: %w", *out, err)
	}
	count := map[string]int{}
	for _, p := range people {
		count[p.group]++
	}
	fmt.Fprintf(stdout, "wrote %d people to %s: main %d, weak %d, strong %d, jagged %d\n", len(people), *out,
		count[groupMain], count[groupWeak], count[groupStrong], count[groupJagged])
	return nil
}

// GroupFigures are one form's figures on one kind of result.
type GroupFigures struct {
	Group    string  `json:"group"`
	Results  int     `json:"results"`
	Items    float64 `json:"mean_items"` // per domain result
	Bias     float64 `json:"bias"`
	RMSE     float64 `json:"rmse"`
	Coverage float64 `json:"coverage_95"`
	BandAcc  float64 `json:"band_accuracy"`
}

// groupAcc accumulates a form's figures per group label.
type groupAcc struct {
	n, covered, bandOK map[string]int
	sum, sumSq, items  map[string]float64
}

func newGroupAcc() *groupAcc {
	return &groupAcc{n: map[string]int{}, covered: map[string]int{}, bandOK: map[string]int{},
		sum: map[string]float64{}, sumSq: map[string]float64{}, items: map[string]float64{}}
}

func (g *groupAcc) add(group string, err float64, covered, bandOK bool, items int) {
	for _, k := range []string{group, "all"} {
		g.n[k]++
		g.sum[k] += err
		g.sumSq[k] += err * err
		g.items[k] += float64(items)
		if covered {
			g.covered[k]++
		}
		if bandOK {
			g.bandOK[k]++
		}
	}
}

func (g *groupAcc) figures() []GroupFigures {
	var out []GroupFigures
	for _, k := range append(append([]string(nil), groupOrder...), "all") {
		n := g.n[k]
		if n == 0 {
			continue
		}
		fn := float64(n)
		out = append(out, GroupFigures{Group: k, Results: n, Items: g.items[k] / fn, Bias: g.sum[k] / fn,
			RMSE: math.Sqrt(g.sumSq[k] / fn), Coverage: float64(g.covered[k]) / fn, BandAcc: float64(g.bandOK[k]) / fn})
	}
	return out
}

// printGroups prints the per-group figures of the adaptive test and of the
// baseline side by side.
func printGroups(w io.Writer, r *CATReport) {
	if len(r.Groups) <= 1 && r.Baseline == nil {
		return
	}
	if r.Baseline != nil {
		a, f := r.Adaptive.All, r.Baseline.All
		fmt.Fprintf(w, "\nadaptive vs %s baseline, same learners and draws: items %.1f vs %.1f, band accuracy %.1f %% vs %.1f %%, RMSE %.3f vs %.3f, bias %+.3f vs %+.3f\n",
			r.Baseline.Form, r.Adaptive.MeanItems, r.Baseline.MeanItems, 100*a.BandAcc, 100*f.BandAcc, a.RMSE, f.RMSE, a.Bias, f.Bias)
	}
	fmt.Fprintln(w, "\nper kind of result (a jagged person's strong domain and other domains apart); 95 % interval = central posterior interval:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "group\tresults\titems/domain\tbias\tRMSE\tcover 95\tband acc\t"
	if r.Baseline != nil {
		head += "|\tflash bias\tRMSE\tcover 95\tband acc\t"
	}
	fmt.Fprintln(tw, head)
	base := map[string]GroupFigures{}
	for _, g := range r.BaselineGroups {
		base[g.Group] = g
	}
	for _, g := range r.Groups {
		line := fmt.Sprintf("%s\t%d\t%.2f\t%+.3f\t%.3f\t%.1f %%\t%.1f %%\t", g.Group, g.Results, g.Items, g.Bias, g.RMSE, 100*g.Coverage, 100*g.BandAcc)
		if b, ok := base[g.Group]; ok {
			line += fmt.Sprintf("|\t%+.3f\t%.3f\t%.1f %%\t%.1f %%\t", b.Bias, b.RMSE, 100*b.Coverage, 100*b.BandAcc)
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}

// oracleConfig returns cfg with the true joint prior of the mixed
// population people were drawn from (drawMixed), each group's share
// counted in people: main, weak and strong as drawn, jagged people as a
// component at their weak domains' −1.3 whose one strong domain departs
// (Departure = jagged share / domains, departing normal N(1.4, 0.4)); the
// plain per-domain priors are the population's mean and SD.
func oracleConfig(cfg assessment.Config, domains []string, people []learner) (assessment.Config, error) {
	nd := len(domains)
	count := map[string]float64{}
	for _, p := range people {
		count[p.group]++
	}
	if count[groupMain]+count[groupWeak]+count[groupStrong]+count[groupJagged] != float64(len(people)) || len(people) == 0 {
		return cfg, fmt.Errorf("%w: --oracle-prior needs a mixed population (--mixed or a population file with a group column)", errUsage)
	}
	comp := func(w, mean, sd, rho float64) assessment.Component {
		c := assessment.Component{Weight: w, Mean: make([]float64, nd), Cov: make([]float64, nd*nd)}
		for i := range nd {
			c.Mean[i] = mean
			for j := range nd {
				c.Cov[i*nd+j] = sd * sd * rho
				if i == j {
					c.Cov[i*nd+j] = sd * sd
				}
			}
		}
		return c
	}
	n := float64(len(people))
	m := &assessment.Mixture{Domains: append([]string(nil), domains...)}
	for _, c := range []struct {
		group         string
		mean, sd, rho float64
	}{{groupMain, -0.6, 0.9, 0.7}, {groupWeak, -2.3, 0.35, 0}, {groupStrong, 1.9, 0.35, 0}, {groupJagged, -1.3, 0.4, 0}} {
		if count[c.group] > 0 {
			m.Components = append(m.Components, comp(count[c.group]/n, c.mean, c.sd, c.rho))
		}
	}
	var all []float64
	for _, p := range people {
		all = append(all, p.theta...)
	}
	var mean, sq float64
	for _, t := range all {
		mean += t / float64(len(all))
	}
	for _, t := range all {
		sq += (t - mean) * (t - mean) / float64(len(all))
	}
	cfg.DomainPriors = map[string]assessment.Normal{}
	for _, d := range domains {
		cfg.DomainPriors[d] = assessment.Normal{Mean: mean, SD: math.Sqrt(sq)}
	}
	if dep := count[groupJagged] / n / float64(nd); dep > 0 {
		m.Departure = dep
		for range domains {
			m.Depart = append(m.Depart, assessment.Normal{Mean: 1.4, SD: 0.4})
		}
		cfg.Departure = dep
	}
	cfg.Mixture = m
	return cfg, nil
}
