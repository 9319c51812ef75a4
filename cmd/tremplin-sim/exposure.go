package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/tremplin-numerique/tremplin/assessment"
)

// Defaults of the Sympson–Hetter computation cat runs for --exposure-target.
const (
	exposureLearners = 2000
	exposureRounds   = 12
)

func init() { commands["exposure"] = cmdExposure }

// exposureOptions are the settings of a Sympson–Hetter computation.
type exposureOptions struct {
	target   float64 // highest exposure rate wanted
	learners int     // simulated learners per round
	rounds   int
	seed     int64
	cfg      assessment.Config
}

// ExposureRound is one round of the Sympson–Hetter iteration: the highest
// rates at which an item was selected and given with the parameters of the
// round.
type ExposureRound struct {
	Round        int     `json:"round"`
	MaxSelection float64 `json:"max_selection"`
	MaxExposure  float64 `json:"max_exposure"`
	MaxItem      string  `json:"max_item"`
	MeanItems    float64 `json:"mean_items"`
}

// ExposureResult is the outcome of computeExposure.
type ExposureResult struct {
	Target   float64         `json:"target"`
	Learners int             `json:"learners"`
	Seed     int64           `json:"seed"`
	Rounds   []ExposureRound `json:"rounds"`
	// Limited is the number of items whose parameter is below 1.
	Limited int `json:"limited_items"`
	// Params maps item id to its exposure parameter (1 = always given).
	Params map[string]float64 `json:"params"`
	// Bank is the bank with the parameters set.
	Bank []assessment.Item `json:"-"`
}

// computeExposure runs the Sympson–Hetter iteration: all parameters start
// at 1; each round simulates o.learners learners (θ ~ N(0, 1) per domain,
// drawn with seed o.seed+1: not the learners cat --seed o.seed evaluates)
// through the adaptive test, measures each item's selection rate P(S), and
// sets its parameter to target/P(S) when P(S) exceeds the target, 1
// otherwise. The parameters of the last round are returned, with each
// round's highest rates so the convergence can be read.
func computeExposure(bank []assessment.Item, o exposureOptions) (*ExposureResult, error) {
	switch {
	case !(o.target > 0 && o.target <= 1):
		return nil, fmt.Errorf("%w: exposure target %v is not in (0, 1]", errUsage, o.target)
	case o.learners < 1 || o.rounds < 1:
		return nil, fmt.Errorf("%w: exposure needs at least 1 learner and 1 round", errUsage)
	}
	probe, err := assessment.NewDiagnostic(bank, o.cfg, o.seed)
	if err != nil {
		return nil, err
	}
	work := append([]assessment.Item(nil), probe.Bank()...)
	for i := range work {
		work[i].Exposure = 1
	}
	domains := probe.Domains()
	seed := o.seed + 1
	people := drawLearners(o.learners, len(domains), seed)
	res := &ExposureResult{Target: o.target, Learners: o.learners, Seed: o.seed}
	// Each round's selection rates come from the previous round's
	// parameters; the last round only measures.
	for round := 1; round <= o.rounds; round++ {
		sel, given, items, err := selectionCounts(work, domains, people, o.cfg, seed)
		if err != nil {
			return nil, err
		}
		n := float64(len(people))
		r := ExposureRound{Round: round, MeanItems: float64(items) / n}
		for i := range work {
			ps, pa := float64(sel[i])/n, float64(given[i])/n
			r.MaxSelection = max(r.MaxSelection, ps)
			if pa > r.MaxExposure {
				r.MaxExposure, r.MaxItem = pa, work[i].ID
			}
		}
		res.Rounds = append(res.Rounds, r)
		if round == o.rounds {
			break
		}
		for i := range work {
			ps := float64(sel[i]) / n
			if ps > o.target {
				work[i].Exposure = o.target / ps
			} else {
				work[i].Exposure = 1
			}
		}
	}
	res.Params = make(map[string]float64, len(work))
	for _, it := range work {
		res.Params[it.ID] = it.Exposure
		if it.Exposure < 1 {
			res.Limited++
		}
	}
	res.Bank = work
	return res, nil
}

// selectionCounts runs every learner through the adaptive test and counts,
// per bank item, how often it was selected (given or passed) and given.
// Learners are independent here (no learnt prior), so they run in parallel;
// counts are integers, so the order they are added in does not matter.
func selectionCounts(bank []assessment.Item, domains []string, people []learner, cfg assessment.Config, seed int64) (sel, given []int, items int, err error) {
	itemIdx := make(map[string]int, len(bank))
	for i, it := range bank {
		itemIdx[it.ID] = i
	}
	domIdx := make(map[string]int, len(domains))
	for i, d := range domains {
		domIdx[d] = i
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	type counts struct {
		sel, given []int
		items      int
		err        error
	}
	parts := make([]counts, workers)
	var wg sync.WaitGroup
	for w := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &parts[w]
			c.sel, c.given = make([]int, len(bank)), make([]int, len(bank))
			for l := w; l < len(people); l += workers {
				p := people[l]
				d, err := assessment.NewDiagnostic(bank, cfg, seed*1_000_003+int64(l))
				if err != nil {
					c.err = err
					return
				}
				for id, ok := d.Next(); ok; id, ok = d.Next() {
					i := itemIdx[id]
					it := bank[i]
					o := assessment.Incorrect
					if uniform(seed, l, i) < assessment.Prob(it.A, it.B, p.theta[domIdx[it.Domain]]) {
						o = assessment.Correct
					}
					if err := d.Record(id, o); err != nil {
						c.err = err
						return
					}
					c.given[i]++
					c.sel[i]++
				}
				for _, id := range d.Passed() {
					c.sel[itemIdx[id]]++
				}
				c.items += d.Len()
			}
		}()
	}
	wg.Wait()
	sel, given = make([]int, len(bank)), make([]int, len(bank))
	for _, c := range parts {
		if c.err != nil {
			return nil, nil, 0, c.err
		}
		for i := range sel {
			sel[i] += c.sel[i]
			given[i] += c.given[i]
		}
		items += c.items
	}
	return sel, given, items, nil
}

// drawLearners returns n learners with independent N(0, 1) abilities in nd
// domains, ids 1..n.
func drawLearners(n, nd int, seed int64) []learner {
	r := rand.New(rand.NewPCG(uint64(seed), 0xca7))
	people := make([]learner, 0, n)
	for l := 0; l < n; l++ {
		th := make([]float64, nd)
		for d := range th {
			th[d] = r.NormFloat64()
		}
		people = append(people, learner{id: strconv.Itoa(l + 1), theta: th})
	}
	return people
}

func cmdExposure(args []string) error {
	o := exposureOptions{cfg: baseRule(args)}
	var bf bankFlags
	var out string
	var asJSON bool
	fs := newFlags("exposure")
	fs.Float64Var(&o.target, "target", 0.25, "highest share of learners any item may be given to")
	fs.IntVar(&o.learners, "learners", exposureLearners, "simulated learners per round")
	fs.IntVar(&o.rounds, "rounds", exposureRounds, "rounds of the iteration")
	fs.Int64Var(&o.seed, "seed", 1, "random seed")
	fs.StringVar(&out, "out", "", "write the parameters to this CSV (id,exposure), for cat --exposure or a pack's irt.exposure")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	registerConfig(fs, &o.cfg)
	bf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	bf.seed = uint64(o.seed)
	bank, desc, err := bf.load()
	if err != nil {
		return err
	}
	// The parameters are for the rule the kiosk will run with them.
	useExposureRule(fs, &o.cfg)
	res, err := computeExposure(bank, o)
	if err != nil {
		return err
	}
	if out != "" {
		if err := writeExposure(out, res.Bank); err != nil {
			return err
		}
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "bank: %s, %d items; target %.2f; %d learners per round, seed %d\n", desc, len(bank), o.target, o.learners, o.seed)
	fmt.Fprintln(stdout, "round  highest selection  highest exposure  item  mean items")
	for _, r := range res.Rounds {
		fmt.Fprintf(stdout, "%5d  %16.1f %%  %15.1f %%  %s  %.1f\n", r.Round, 100*r.MaxSelection, 100*r.MaxExposure, r.MaxItem, r.MeanItems)
	}
	fmt.Fprintf(stdout, "%d of %d items have a parameter below 1\n", res.Limited, len(bank))
	return nil
}

// writeExposure writes id,a,b,exposure for every item of bank: a pack's
// irt.csv as it is (content.IRTFile), or cat --exposure's input.
func writeExposure(path string, bank []assessment.Item) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write exposure parameters: %w", err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"id", "a", "b", "exposure"})
	for _, it := range bank {
		w.Write([]string{it.ID, strconv.FormatFloat(it.A, 'f', 4, 64), strconv.FormatFloat(it.B, 'f', 4, 64),
			strconv.FormatFloat(it.Exposure, 'f', 4, 64)})
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		return fmt.Errorf("write exposure parameters %s: %w", path, err)
	}
	return nil
}

// applyExposureFile returns bank with the Sympson–Hetter parameters of the
// CSV at path: a header naming an id and an exposure column (other columns,
// such as a and b, are ignored; "id,exposure" without a header is read
// too). An id not in the bank or a parameter outside (0, 1] is an error
// naming its line.
func applyExposureFile(bank []assessment.Item, path string) ([]assessment.Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read exposure parameters: %w", err)
	}
	defer f.Close()
	out, err := applyExposure(bank, f)
	if err != nil {
		return nil, fmt.Errorf("read exposure parameters %s: %w", path, err)
	}
	return out, nil
}

func applyExposure(bank []assessment.Item, r io.Reader) ([]assessment.Item, error) {
	out := append([]assessment.Item(nil), bank...)
	idx := make(map[string]int, len(out))
	for i, it := range out {
		idx[it.ID] = i
	}
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	idCol, expCol := 0, 1
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if line == 1 && strings.EqualFold(strings.TrimSpace(rec[0]), "id") {
			expCol = -1
			for c, h := range rec {
				if strings.EqualFold(strings.TrimSpace(h), "exposure") {
					expCol = c
				}
			}
			if expCol < 0 {
				return nil, fmt.Errorf("line 1: header %v has no exposure column", rec)
			}
			continue
		}
		if len(rec) <= max(idCol, expCol) {
			return nil, fmt.Errorf("line %d: %d fields, want an id and an exposure parameter", line, len(rec))
		}
		i, ok := idx[rec[idCol]]
		if !ok {
			return nil, fmt.Errorf("line %d: item %q is not in the bank", line, rec[idCol])
		}
		k, err := strconv.ParseFloat(strings.TrimSpace(rec[expCol]), 64)
		if err != nil || !(k > 0 && k <= 1) {
			return nil, fmt.Errorf("line %d: exposure parameter %q is not a number in (0, 1]", line, rec[expCol])
		}
		out[i].Exposure = k
	}
}
