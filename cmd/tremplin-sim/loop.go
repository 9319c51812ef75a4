package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/tremplin-numerique/tremplin/assessment"
)

func init() { commands["loop"] = cmdLoop }

// LoopRow is one run of the field calibration loop.
type LoopRow struct {
	Visitors     int `json:"visitors"`
	Recalibrated int `json:"recalibrated"`
	// RMSE of the calibrated a and b against the true ones, over the
	// recalibrated items.
	RMSEA float64 `json:"rmse_a"`
	RMSEB float64 `json:"rmse_b"`
	// Band accuracy and RMSE of θ̂ of fresh visitors tested with the
	// seeded, calibrated and true parameters (answers always from the
	// true ones).
	SeededAcc, CalibratedAcc, TrueAcc    float64
	SeededRMSE, CalibratedRMSE, TrueRMSE float64
}

// cmdLoop simulates the field calibration loop:
//
//	tremplin-sim loop [--visitors 300,1000,3000] [--fresh 2000] [--items 200] [--min-answers 30] [--seed 1] [--json]
//
// A bank whose true a are uniform on [0.5, 2.5] and true b on [−3, 3]
// (level 1, 2, 3 by thirds of b) is given to N visitors (abilities
// correlated 0.6 across domains, N(0, 1) in each) through the adaptive
// diagnostic that knows only the seeded parameters (a = 1.2, b by level):
// their answers are what kiosks would sync. The server's calibration
// (assessment.Calibrate with --min-answers, items below it keep the seeded
// values) then gives new parameters, and fresh visitors take the
// diagnostic with the seeded, the calibrated and the true parameters,
// answering from the true ones with the same luck in all three.
func cmdLoop(args []string) error {
	fs := newFlags("loop")
	visitorsFlag := fs.String("visitors", "300,1000,3000", "visitors whose answers are calibrated from, comma-separated runs")
	fresh := fs.Int("fresh", 2000, "fresh visitors the parameters are evaluated on")
	items := fs.Int("items", 200, "items in the bank (over five domains)")
	minAnswers := fs.Int("min-answers", 30, "answers an item needs to be recalibrated")
	seed := fs.Uint64("seed", 1, "random seed")
	asJSON := fs.Bool("json", false, "print the rows as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var runs []int
	for _, s := range strings.Split(*visitorsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("%w: --visitors %q is not a list of counts", errUsage, *visitorsFlag)
		}
		runs = append(runs, n)
	}
	if *fresh < 1 || *items < 10 || fs.NArg() > 0 {
		return fmt.Errorf("%w: loop [--visitors N,N…] [--fresh N] [--items N]", errUsage)
	}
	truth, seeded := loopBank(*items, *seed)
	cfg := assessment.RobustConfig()
	var rows []LoopRow
	for _, n := range runs {
		row, err := runLoop(truth, seeded, cfg, n, *fresh, *minAnswers, *seed)
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	fmt.Fprintf(stdout, "bank: %d items, true a uniform on [0.5, 2.5], b on [−3, 3]; the engine starts from the seeded a = 1.2, b = −1.5/0/+1.5 by level\n", *items)
	fmt.Fprintf(stdout, "calibration: items with fewer than %d answers keep the seeded values; %d fresh visitors per evaluation, same luck for all three parameter sets\n\n", *minAnswers, *fresh)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "visitors\trecalibrated\tRMSE a\tRMSE b\tband acc seeded\tcalibrated\ttrue\tθ RMSE seeded\tcalibrated\ttrue\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%d\t%.3f\t%.3f\t%.1f %%\t%.1f %%\t%.1f %%\t%.3f\t%.3f\t%.3f\t\n", r.Visitors, r.Recalibrated, r.RMSEA, r.RMSEB,
			100*r.SeededAcc, 100*r.CalibratedAcc, 100*r.TrueAcc, r.SeededRMSE, r.CalibratedRMSE, r.TrueRMSE)
	}
	return tw.Flush()
}

// loopBank returns the true bank and the one the engine starts from.
func loopBank(n int, seed uint64) (truth, seeded []assessment.Item) {
	r := rand.New(rand.NewPCG(seed, 0x100b))
	for i := range n {
		d := syntheticDomains[i%len(syntheticDomains)]
		k := i / len(syntheticDomains)
		a, b := 0.5+2*r.Float64(), -3+6*r.Float64()
		level := 1
		switch {
		case b >= 1:
			level = 3
		case b >= -1:
			level = 2
		}
		it := assessment.Item{ID: fmt.Sprintf("%s-%04d", d, k), Domain: d, Skill: fmt.Sprintf("%s-s%03d", d, k/4), Level: level, A: a, B: b}
		truth = append(truth, it)
		sa, sb, _ := assessment.SeedParams(level)
		it.A, it.B = sa, sb
		seeded = append(seeded, it)
	}
	return truth, seeded
}

// loopPeople draws n people with N(0, 1) abilities correlated 0.6 across
// nd domains.
func loopPeople(n, nd int, seed uint64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 0x9e0))
	out := make([][]float64, n)
	for i := range out {
		g := r.NormFloat64()
		out[i] = make([]float64, nd)
		for d := range out[i] {
			out[i][d] = math.Sqrt(0.6)*g + math.Sqrt(0.4)*r.NormFloat64()
		}
	}
	return out
}

// testPeople runs the diagnostic over engine for people answering from
// truth (luck from seed), and returns the answers (if obs is not nil),
// band accuracy and θ RMSE.
func testPeople(engine, truth []assessment.Item, cfg assessment.Config, people [][]float64, seed int64, prefix string, obs *[]assessment.Observation) (float64, float64, error) {
	domIdx := map[string]int{}
	for i, d := range syntheticDomains {
		domIdx[d] = i
	}
	idx := map[string]int{}
	for i, it := range truth {
		idx[it.ID] = i
	}
	var ok, n int
	var sq float64
	for l, th := range people {
		d, err := assessment.NewDiagnostic(engine, cfg, seed*7919+int64(l))
		if err != nil {
			return 0, 0, err
		}
		for id, more := d.Next(); more; id, more = d.Next() {
			i := idx[id]
			t := truth[i]
			right := uniform(seed, l, i) < assessment.Prob(t.A, t.B, th[domIdx[t.Domain]])
			out := assessment.Incorrect
			if right {
				out = assessment.Correct
			}
			if err := d.Record(id, out); err != nil {
				return 0, 0, err
			}
			if obs != nil {
				*obs = append(*obs, assessment.Observation{Learner: prefix + strconv.Itoa(l), Item: id, Domain: t.Domain, Correct: right})
			}
		}
		for k, dom := range syntheticDomains {
			est, _, _, _ := d.Estimate(dom)
			b, _, _ := d.BandEstimate(dom)
			if b == cfg.Band(th[k]) {
				ok++
			}
			sq += (est - th[k]) * (est - th[k])
			n++
		}
	}
	return float64(ok) / float64(n), math.Sqrt(sq / float64(n)), nil
}

func runLoop(truth, seeded []assessment.Item, cfg assessment.Config, n, fresh, minAnswers int, seed uint64) (LoopRow, error) {
	row := LoopRow{Visitors: n}
	field := loopPeople(n, len(syntheticDomains), seed*31+uint64(n))
	var obs []assessment.Observation
	if _, _, err := testPeople(seeded, truth, cfg, field, int64(seed)*13+int64(n), "v", &obs); err != nil {
		return row, err
	}
	prev := map[string]assessment.ItemParams{}
	for _, it := range seeded {
		prev[it.ID] = assessment.ItemParams{A: it.A, B: it.B}
	}
	est, err := assessment.Calibrate(obs, assessment.CalibrateOptions{MinAnswers: minAnswers, Previous: prev})
	if err != nil {
		return row, err
	}
	byID := map[string]assessment.ItemEstimate{}
	for _, e := range est {
		byID[e.ID] = e
	}
	calibrated := make([]assessment.Item, len(seeded))
	copy(calibrated, seeded)
	var sa, sb float64
	for i, it := range calibrated {
		e, ok := byID[it.ID]
		if !ok || e.Kept {
			continue
		}
		calibrated[i].A = min(max(e.A, 0.05), 4)
		calibrated[i].B = min(max(e.B, -4), 4)
		row.Recalibrated++
		sa += (calibrated[i].A - truth[i].A) * (calibrated[i].A - truth[i].A)
		sb += (calibrated[i].B - truth[i].B) * (calibrated[i].B - truth[i].B)
	}
	if row.Recalibrated > 0 {
		row.RMSEA = math.Sqrt(sa / float64(row.Recalibrated))
		row.RMSEB = math.Sqrt(sb / float64(row.Recalibrated))
	}
	people := loopPeople(fresh, len(syntheticDomains), seed*31+7)
	evalSeed := int64(seed)*17 + 5
	for _, run := range []struct {
		bank      []assessment.Item
		acc, rmse *float64
	}{{seeded, &row.SeededAcc, &row.SeededRMSE}, {calibrated, &row.CalibratedAcc, &row.CalibratedRMSE}, {truth, &row.TrueAcc, &row.TrueRMSE}} {
		if *run.acc, *run.rmse, err = testPeople(run.bank, truth, cfg, people, evalSeed, "", nil); err != nil {
			return row, err
		}
	}
	return row, nil
}
