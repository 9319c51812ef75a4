package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/tremplin-numerique/tremplin/assessment"
)

// catOptions are the flags of the cat command.
type catOptions struct {
	learners    int
	seed        int64
	json        bool
	population  string
	out         string
	fixedLength int
	learnPrior  bool
	cfg         assessment.Config
	// exposureFile and exposureTarget give the bank Sympson–Hetter
	// parameters: read from a file, or computed before the run.
	exposureFile   string
	exposureTarget float64
	bank           bankFlags
	// mixed draws that many people of the mixed population (drawMixed)
	// instead of N(0, 1) learners.
	mixed int
	// baseline names the baseline run on the same learners and draws
	// ("flash" or ""); compareFixed runs the no-stopping-rule and fixed
	// forms (the slow part).
	baseline     string
	compareFixed bool
	// jointPrior learns the joint mixture prior (Population.Mixture) as
	// well as each domain's normal.
	jointPrior bool
	// warmup is the number of earlier visitors the prior is learnt from
	// before the counted learners.
	warmup int
	// interval names how the 95 % interval is read: "posterior" (the
	// central posterior interval, Diagnostic.Interval) or "normal" (EAP ±
	// 1.96·SE).
	interval string
	// oracle gives every learner the true population's joint prior
	// (oraclePrior) instead of a learnt one: what the engine does when
	// its prior is exactly right.
	oracle bool
}

// registerConfig registers the flags that tune the adaptive test.
func registerConfig(fs *flag.FlagSet, cfg *assessment.Config) {
	fs.Float64Var(&cfg.SEThreshold, "se", cfg.SEThreshold, "stopping rule: standard error threshold per domain")
	fs.IntVar(&cfg.MinPerDomain, "min-per-domain", cfg.MinPerDomain, "items per domain before the SE may stop it")
	fs.IntVar(&cfg.MaxPerDomain, "max-per-domain", cfg.MaxPerDomain, "item cap per domain")
	fs.IntVar(&cfg.MaxItems, "max-items", cfg.MaxItems, "global maximum length")
	fs.IntVar(&cfg.Randomesque, "randomesque", cfg.Randomesque, "exposure control: draw among the N most informative items")
	fs.Float64Var(&cfg.SkillRepeat, "skill-repeat", cfg.SkillRepeat, "skill balancing: information factor per answer already given on the skill (1 = off)")
	fs.Float64Var(&cfg.BandConfidence, "band-confidence", cfg.BandConfidence, "stopping rule: also stop a domain once its band's posterior probability reaches this (0 = off)")
	fs.Float64Var(&cfg.Progressive, "progressive", cfg.Progressive, "exposure control: weight of the random selection component at a domain's first item, shrinking to 0 at its cap (0 = off)")
	fs.Float64Var(&cfg.CrossDomain, "cross-domain", cfg.CrossDomain, "collateral information: weight ρ of the other domains' estimates in each domain's prior, N(ρ·m, √(1−ρ²)) (0 = independent domains)")
	fs.Float64Var(&cfg.FirstTheta, "first-theta", cfg.FirstTheta, "ability the first item of each domain is chosen for")
	fs.Float64Var(&cfg.Departure, "departure", cfg.Departure, "prior probability that a domain departs from what the other domains predict (0 = the cross-domain prior alone)")
	fs.Float64Var(&cfg.DepartureSD, "departure-sd", cfg.DepartureSD, "least SD of a departing domain's prior when no departing normal is learnt")
	fs.Float64Var(&cfg.DepartSDMin, "depart-sd-min", cfg.DepartSDMin, "least SD of a learnt departing normal (Mixture.Depart)")
	fs.Float64Var(&cfg.ConflictStop, "conflict-stop", cfg.ConflictStop, "stopping rule: no band-confidence stop while the domain's departure probability is at least this (0 = off)")
	fs.Float64Var(&assessment.MixtureSDMin, "mixture-sd-min", assessment.MixtureSDMin, "least SD of a learnt joint-prior component in each domain")
	fs.IntVar(&cfg.ConflictMaxPerDomain, "conflict-max-per-domain", cfg.ConflictMaxPerDomain, "item cap of a domain whose answers contradict its prior (departure probability at least --conflict-stop; 0 = --max-per-domain)")
	fs.String("rule", "robust", "the rule the other flags start from: robust (assessment.RobustConfig, what the kiosk runs) or v1 (assessment.DefaultConfig, the first version's)")
}

// flagSet reports whether the flag name was given.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// baseRule returns the config named by --rule in args (read before the
// flags are registered, since their defaults come from it).
func baseRule(args []string) assessment.Config {
	for i, a := range args {
		if a == "--rule=v1" || a == "-rule=v1" || ((a == "--rule" || a == "-rule") && i+1 < len(args) && args[i+1] == "v1") {
			return assessment.DefaultConfig()
		}
	}
	return assessment.RobustConfig()
}

// useExposureRule sets cfg to the selection rule the kiosk runs with
// Sympson–Hetter parameters (assessment.ConfigForBank: no per-visitor
// random draws), except where fs's flags set it.
func useExposureRule(fs *flag.FlagSet, cfg *assessment.Config) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	sh := assessment.ConfigForBank([]assessment.Item{{Exposure: 0.5}})
	if !set["randomesque"] {
		cfg.Randomesque = sh.Randomesque
	}
	if !set["progressive"] {
		cfg.Progressive = sh.Progressive
	}
}

func cmdCAT(args []string) error {
	o := catOptions{cfg: baseRule(args)}
	fs := newFlags("cat")
	fs.IntVar(&o.learners, "learners", 5000, "number of simulated learners (ignored with --population)")
	fs.Int64Var(&o.seed, "seed", 1, "random seed")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON")
	fs.StringVar(&o.population, "population", "", "CSV of true abilities: id,DOMAIN,... (one column per bank domain)")
	fs.StringVar(&o.out, "out", "", "write the adaptive test's estimates per learner and domain to this CSV")
	fs.IntVar(&o.fixedLength, "fixed-length", 40, "length of the fixed form (spread evenly over the domains)")
	registerConfig(fs, &o.cfg)
	fs.BoolVar(&o.learnPrior, "learn-prior", true, "learn each domain's prior from the earlier simulated learners' results, as the kiosk learns it from its journal (false = every learner gets the plain prior)")
	fs.StringVar(&o.exposureFile, "exposure", "", "CSV id,exposure of Sympson–Hetter parameters to apply to the bank (from tremplin-sim exposure --out)")
	fs.Float64Var(&o.exposureTarget, "exposure-target", 0, "compute Sympson–Hetter parameters for this highest exposure rate first, on other simulated learners (0 = none)")
	fs.IntVar(&o.mixed, "mixed", 0, "draw N people of the mixed population (main, weak, strong, jagged groups; see tremplin-sim population) instead of N(0, 1) learners")
	fs.StringVar(&o.baseline, "baseline", "", "also run this baseline on the same learners and draws: flash (one θ, EAP, top-5 Fisher with 51 % first pick, one item per skill, 32 items)")
	fs.BoolVar(&o.jointPrior, "joint-prior", true, "with --learn-prior, also learn the joint prior over all domains (a mixture of normals, Population.Mixture) as the kiosk does")
	fs.IntVar(&o.warmup, "warmup", 0, "with --learn-prior, first test and learn from N earlier visitors (the population's people again, other luck), not counted: the figures of a kiosk that has seen N visitors")
	fs.StringVar(&o.interval, "interval", "posterior", "how the 95 % interval is read: posterior (central posterior interval, what the kiosk reports) or normal (EAP ± 1.96·SE)")
	fs.BoolVar(&o.oracle, "oracle-prior", false, "give every learner the true mixed population's joint prior (with --population of groups or --mixed; no prior learnt): the figures of a perfect prior")
	fs.BoolVar(&o.compareFixed, "compare-fixed", true, "also run the adaptive test without stopping rule and the fixed forms (slow)")
	o.bank.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if baseRule(args).Departure == 0 && !flagSet(fs, "joint-prior") {
		o.jointPrior = false // the first version had no joint prior
	}
	if o.baseline != "" && o.baseline != "flash" {
		return fmt.Errorf("%w: unknown baseline %q (flash)", errUsage, o.baseline)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	o.bank.seed = uint64(o.seed)
	bank, desc, err := o.bank.load()
	if err != nil {
		return err
	}
	var shNote string
	if o.exposureFile != "" || o.exposureTarget > 0 || assessment.HasExposureParams(bank) {
		useExposureRule(fs, &o.cfg)
	}
	if assessment.HasExposureParams(bank) {
		shNote = "Sympson–Hetter parameters carried by the pack (irt.csv or irt.exposure)"
	}
	switch {
	case o.exposureFile != "" && o.exposureTarget > 0:
		return fmt.Errorf("%w: --exposure and --exposure-target exclude each other", errUsage)
	case o.exposureFile != "":
		if bank, err = applyExposureFile(bank, o.exposureFile); err != nil {
			return err
		}
		shNote = "Sympson–Hetter parameters from " + o.exposureFile
	case o.exposureTarget > 0:
		eo := exposureOptions{target: o.exposureTarget, learners: exposureLearners, rounds: exposureRounds, seed: o.seed, cfg: o.cfg}
		res, err := computeExposure(bank, eo)
		if err != nil {
			return err
		}
		bank = res.Bank
		shNote = fmt.Sprintf("Sympson–Hetter parameters for a highest exposure of %.2f, computed on %d other simulated learners in %d rounds; %d items below 1",
			o.exposureTarget, eo.learners, eo.rounds, res.Limited)
	}
	rep, ests, err := simulateCAT(bank, o)
	if err != nil {
		return err
	}
	rep.Bank = desc
	rep.ExposureControl = shNote
	if o.out != "" {
		if err := writeEstimates(o.out, ests); err != nil {
			return err
		}
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printCAT(stdout, rep)
	return nil
}

// learner is a simulated learner: an id and a true ability per domain (in
// the bank's domain order).
type learner struct {
	id    string
	theta []float64
	// group is the kind of person (population file's group column, or
	// drawMixed's), "" when unknown.
	group string
}

// DomainFigures are the accuracy figures of one test form in one domain (or
// "all" domains).
type DomainFigures struct {
	Domain    string  `json:"domain"`
	MeanItems float64 `json:"mean_items"`
	RMSE      float64 `json:"rmse"`
	Bias      float64 `json:"bias"`
	BandAcc   float64 `json:"band_accuracy"`
	MeanSE    float64 `json:"mean_se"`
}

// FormReport is the result of one test form.
type FormReport struct {
	Form        string          `json:"form"`
	MeanItems   float64         `json:"mean_items"`
	MaxItems    int             `json:"max_items_used"`
	MaxExposure float64         `json:"max_exposure"`
	MaxExpItem  string          `json:"max_exposure_item"`
	Domains     []DomainFigures `json:"domains"`
	All         DomainFigures   `json:"all"`
}

// LengthRow is accuracy after a given number of items.
type LengthRow struct {
	Length          int     `json:"length"`
	AdaptiveRMSE    float64 `json:"adaptive_rmse"`
	AdaptiveBandAcc float64 `json:"adaptive_band_accuracy"`
	FixedRMSE       float64 `json:"fixed_rmse"`
	FixedBandAcc    float64 `json:"fixed_band_accuracy"`
}

// CATReport is everything cmd cat prints.
type CATReport struct {
	Bank        string            `json:"bank"`
	BankItems   int               `json:"bank_items"`
	Learners    int               `json:"learners"`
	Seed        int64             `json:"seed"`
	Config      assessment.Config `json:"config"`
	FixedLength int               `json:"fixed_length"`
	Adaptive    FormReport        `json:"adaptive"`
	Fixed       FormReport        `json:"fixed"`
	// MatchLength is the shortest adaptive length (no stopping rule) whose
	// RMSE is at most the full-length fixed form's; MatchShare is it over
	// FixedLength. Zero when never reached.
	MatchLength int         `json:"match_length"`
	MatchShare  float64     `json:"match_share"`
	ItemsShare  float64     `json:"default_rule_items_share"`
	ByLength    []LengthRow `json:"by_length"`
	// WholeBank is the whole bank given as one fixed form.
	WholeBank WholeBankFigures `json:"whole_bank"`
	// SureShare is the share of the adaptive test's domain results whose
	// band probability is at least SureProb, and SureAcc their accuracy.
	SureProb  float64 `json:"sure_prob"`
	SureShare float64 `json:"sure_share"`
	SureAcc   float64 `json:"sure_accuracy"`
	// Bound is the best band accuracy possible at the per-domain cap.
	Bound BandBound `json:"band_bound"`
	// LearntPriors is the population prior learnt from all the learners'
	// results (with --learn-prior): what the next visitor would get.
	LearntPriors map[string]assessment.Normal `json:"learnt_priors,omitempty"`
	// LearntMixture is the joint prior learnt from all the learners'
	// results (with --joint-prior).
	LearntMixture *assessment.Mixture `json:"learnt_mixture,omitempty"`
	// ExposureControl describes the Sympson–Hetter parameters used, if any.
	ExposureControl string `json:"exposure_control,omitempty"`
	// Groups are the adaptive test's figures per kind of result (see
	// groupOrder; "all" last), with the 95 % interval's coverage.
	Groups []GroupFigures `json:"groups"`
	// Baseline and BaselineGroups are the baseline's (--baseline), on the
	// same learners and draws.
	Baseline *FormReport `json:"baseline,omitempty"`
	// NoFixed reports that the fixed forms and the run without stopping
	// rule were skipped (--compare-fixed=false).
	NoFixed        bool           `json:"no_fixed,omitempty"`
	BaselineGroups []GroupFigures `json:"baseline_groups,omitempty"`
}

type estimateRow struct {
	id, domain string
	theta, se  float64
	band       int
	items      int
}

// uniform returns the learner's fixed random draw for an item, so that the
// same simulated person meets every form with the same luck.
func uniform(seed int64, l, item int) float64 {
	x := uint64(seed)*0x9e3779b97f4a7c15 ^ uint64(l)*0xbf58476d1ce4e5b9 ^ uint64(item)*0x94d049bb133111eb
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// acc accumulates estimation errors.
type acc struct {
	n, bandOK         int
	sum, sumSq, items float64
	se                float64
}

func (a *acc) add(err float64, bandOK bool, items int, se float64) {
	a.n++
	a.sum += err
	a.sumSq += err * err
	a.items += float64(items)
	a.se += se
	if bandOK {
		a.bandOK++
	}
}

func (a *acc) figures(domain string) DomainFigures {
	n := float64(max(a.n, 1))
	return DomainFigures{Domain: domain, MeanItems: a.items / n, RMSE: math.Sqrt(a.sumSq / n),
		Bias: a.sum / n, BandAcc: float64(a.bandOK) / n, MeanSE: a.se / n}
}

func simulateCAT(bank []assessment.Item, o catOptions) (*CATReport, []estimateRow, error) {
	probe, err := assessment.NewDiagnostic(bank, o.cfg, o.seed)
	if err != nil {
		return nil, nil, err
	}
	bank = probe.Bank() // with seeded parameters
	domains := probe.Domains()
	nd := len(domains)
	domIdx := map[string]int{}
	for i, d := range domains {
		domIdx[d] = i
	}
	itemIdx := map[string]int{}
	for i, it := range bank {
		itemIdx[it.ID] = i
	}
	var people []learner
	if o.population != "" {
		people, err = readPopulation(o.population, domains)
		if err != nil {
			return nil, nil, err
		}
	} else if o.mixed > 0 {
		people = drawMixed(o.mixed, nd, uint64(o.seed), mixedShares)
	} else {
		if o.learners < 1 {
			return nil, nil, fmt.Errorf("%w: --learners must be at least 1", errUsage)
		}
		people = drawLearners(o.learners, nd, o.seed)
	}
	if o.oracle {
		cfg, err := oracleConfig(o.cfg, domains, people)
		if err != nil {
			return nil, nil, err
		}
		o.cfg, o.learnPrior = cfg, false
	}
	fixedLen := o.fixedLength
	if fixedLen <= 0 {
		fixedLen = o.cfg.MaxItems
	}
	perDomain := max(fixedLen/nd, 1)
	fixed := fixedForm(bank, domains, perDomain)
	fixedLen = len(fixed)
	cfg := o.cfg
	band := cfg.Band

	// The adaptive test with no stopping rule, for the accuracy-vs-length
	// table: run until the bank is exhausted (domains take turns, so its
	// first fixedLen items have the fixed form's per-domain counts), which
	// at its end is the whole bank given as one fixed form.
	long := cfg
	long.SEThreshold = 0
	long.BandConfidence = 0
	long.MaxItems = len(bank)
	long.MaxPerDomain = len(bank)
	if long.ProgressiveItems == 0 {
		long.ProgressiveItems = cfg.MaxPerDomain
	}
	fixedCfg := long
	fixedCfg.MaxItems = fixedLen
	fixedCfg.MaxPerDomain = perDomain

	adDom := make([]acc, nd)
	fxDom := make([]acc, nd)
	var adAll, fxAll acc
	adLen := make([]acc, len(bank)+1)
	fxLen := make([]acc, fixedLen+1)
	exposure := make([]int, len(bank))
	maxUsed := 0
	sure, sureOK := 0, 0
	adGroups, flGroups := newGroupAcc(), newGroupAcc()
	var flAll acc
	flDom := make([]acc, nd)
	sureProb := sureProbDefault
	if cfg.BandConfidence > 0 {
		sureProb = cfg.BandConfidence
	}

	// The kiosk learns its population prior from its earlier visitors'
	// results; the simulated learners come in a random order (visitors do
	// not arrive sorted, a population file may be), each tested with the
	// prior learnt from those before. Learner l keeps its own luck
	// whatever its turn, and --out lists learners in the file's order.
	pop := assessment.NewPopulation(cfg)
	order := rand.New(rand.NewPCG(uint64(o.seed), 0x0de7)).Perm(len(people))
	rowsOf := make([][]estimateRow, len(people))
	priorsOf := make([]map[string]assessment.Normal, len(people))
	mixOf := make([]*assessment.Mixture, len(people))
	respond := func(l int) func(id string) assessment.Outcome {
		p := people[l]
		return func(id string) assessment.Outcome {
			i := itemIdx[id]
			it := bank[i]
			if uniform(o.seed, l, i) < assessment.Prob(it.A, it.B, p.theta[domIdx[it.Domain]]) {
				return assessment.Correct
			}
			return assessment.Incorrect
		}
	}
	// 0. Warm-up: earlier visitors, tested and learnt from, not counted
	// (the figures of a kiosk that has seen --warmup visitors): the
	// population's people again, drawn at random, with other luck.
	if o.learnPrior && o.warmup > 0 {
		wr := rand.New(rand.NewPCG(uint64(o.seed), 0x3a4))
		for w := 0; w < o.warmup; w++ {
			p := people[wr.IntN(len(people))]
			luck := 1_000_000 + w
			cfg.DomainPriors = pop.Priors()
			if o.jointPrior {
				cfg.Mixture = pop.Mixture()
			}
			d, err := assessment.NewDiagnostic(bank, cfg, o.seed*1_000_003+int64(luck))
			if err != nil {
				return nil, nil, err
			}
			for id, ok := d.Next(); ok; id, ok = d.Next() {
				i := itemIdx[id]
				it := bank[i]
				out := assessment.Incorrect
				if uniform(o.seed, luck, i) < assessment.Prob(it.A, it.B, p.theta[domIdx[it.Domain]]) {
					out = assessment.Correct
				}
				if err := d.Record(id, out); err != nil {
					return nil, nil, err
				}
			}
			pop.Add(d.Results())
		}
	}
	// 1. The adaptive test with the stopping rule, learner after learner
	// (each one's prior depends on those before).
	for _, l := range order {
		p := people[l]
		if o.learnPrior {
			priorsOf[l] = pop.Priors()
			cfg.DomainPriors = priorsOf[l]
			if o.jointPrior {
				mixOf[l] = pop.Mixture()
				cfg.Mixture = mixOf[l]
			}
		}
		answer := respond(l)
		d, err := assessment.NewDiagnostic(bank, cfg, o.seed*1_000_003+int64(l))
		if err != nil {
			return nil, nil, err
		}
		for id, ok := d.Next(); ok; id, ok = d.Next() {
			exposure[itemIdx[id]]++
			if err := d.Record(id, answer(id)); err != nil {
				return nil, nil, err
			}
		}
		maxUsed = max(maxUsed, d.Len())
		if o.learnPrior {
			pop.Add(d.Results())
		}
		if o.baseline == "flash" {
			fr := runFlash(bank, domIdx, nd, cfg.Cuts, uint64(o.seed)*1_000_003+uint64(l), func(i int) bool {
				it := bank[i]
				return uniform(o.seed, l, i) < assessment.Prob(it.A, it.B, p.theta[domIdx[it.Domain]])
			})
			for k := range domains {
				ok := fr.band == band(p.theta[k])
				flDom[k].add(fr.theta-p.theta[k], ok, fr.items[k], fr.se)
				flAll.add(fr.theta-p.theta[k], ok, fr.items[k], fr.se)
				flGroups.add(resultGroup(p, k), fr.theta-p.theta[k], fr.lo <= p.theta[k] && p.theta[k] <= fr.hi, ok, fr.items[k])
			}
		}
		for k, dom := range domains {
			th, se, n, _ := d.Estimate(dom)
			b, prob, _ := d.BandEstimate(dom)
			ok := b == band(p.theta[k])
			lo, hi, _ := d.Interval(dom, 0.95)
			if o.interval == "normal" {
				lo, hi = th-1.96*se, th+1.96*se
			}
			adGroups.add(resultGroup(p, k), th-p.theta[k], lo <= p.theta[k] && p.theta[k] <= hi, ok, n)
			adDom[k].add(th-p.theta[k], ok, n, se)
			adAll.add(th-p.theta[k], ok, n, se)
			if prob >= sureProb {
				sure++
				if ok {
					sureOK++
				}
			}
			if o.out != "" {
				rowsOf[l] = append(rowsOf[l], estimateRow{p.id, dom, th, se, b, n})
			}
		}
	}
	// 2. The adaptive test run to the bank's end and 3. the fixed form, with
	// each learner's prior: independent of one another, so run in parallel
	// over chunks of learners, then added up in the same order as one by
	// one (the figures do not depend on the number of cores).
	type obs struct {
		err, se float64
		ok      bool
	}
	type longFixed struct {
		adLen, fxLen, fxDom []obs // [length*nd + k], [k]
		fxItems             []int
	}
	run := func(l int) (*longFixed, error) {
		p := people[l]
		answer := respond(l)
		lc, fc := long, fixedCfg
		lc.DomainPriors, fc.DomainPriors = priorsOf[l], priorsOf[l]
		lc.Mixture, fc.Mixture = mixOf[l], mixOf[l]
		r := &longFixed{adLen: make([]obs, 0, (len(bank)+1)*nd), fxLen: make([]obs, 0, (fixedLen+1)*nd)}
		snap := func(d *assessment.Diagnostic, into *[]obs) {
			for k, dom := range domains {
				th, se, _, _ := d.Estimate(dom)
				b, _, _ := d.BandEstimate(dom)
				*into = append(*into, obs{th - p.theta[k], se, b == band(p.theta[k])})
			}
		}
		dl, err := assessment.NewDiagnostic(bank, lc, o.seed*1_000_003+int64(l))
		if err != nil {
			return nil, err
		}
		snap(dl, &r.adLen)
		for id, ok := dl.Next(); ok; id, ok = dl.Next() {
			if err := dl.Record(id, answer(id)); err != nil {
				return nil, err
			}
			snap(dl, &r.adLen)
		}
		for n := dl.Len() + 1; n <= len(bank); n++ { // bank exhausted: estimates stay
			snap(dl, &r.adLen)
		}
		df, err := assessment.NewDiagnostic(bank, fc, 0)
		if err != nil {
			return nil, err
		}
		snap(df, &r.fxLen)
		for _, id := range fixed {
			if err := df.Record(id, answer(id)); err != nil {
				return nil, err
			}
			snap(df, &r.fxLen)
		}
		snap(df, &r.fxDom)
		for _, dom := range domains {
			_, _, n, _ := df.Estimate(dom)
			r.fxItems = append(r.fxItems, n)
		}
		return r, nil
	}
	const chunk = 64
	workers := max(1, runtime.GOMAXPROCS(0))
	recs := make([]*longFixed, chunk)
	errs := make([]error, chunk)
	for c := 0; o.compareFixed && c < len(order); c += chunk {
		part := order[c:min(c+chunk, len(order))]
		var wg sync.WaitGroup
		next := make(chan int)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range next {
					recs[j], errs[j] = run(part[j])
				}
			}()
		}
		for j := range part {
			next <- j
		}
		close(next)
		wg.Wait()
		for j := range part {
			if errs[j] != nil {
				return nil, nil, errs[j]
			}
			r := recs[j]
			for i, x := range r.adLen {
				adLen[i/nd].add(x.err, x.ok, i/nd, x.se)
			}
			for i, x := range r.fxLen {
				fxLen[i/nd].add(x.err, x.ok, i/nd, x.se)
			}
			for k, x := range r.fxDom {
				fxDom[k].add(x.err, x.ok, r.fxItems[k], x.se)
				fxAll.add(x.err, x.ok, r.fxItems[k], x.se)
			}
		}
	}
	var rows []estimateRow
	for _, r := range rowsOf {
		rows = append(rows, r...)
	}

	rep := &CATReport{BankItems: len(bank), Learners: len(people), Seed: o.seed, Config: o.cfg, FixedLength: fixedLen, NoFixed: !o.compareFixed}
	if o.learnPrior {
		rep.LearntPriors = pop.Priors()
		if o.jointPrior {
			rep.LearntMixture = pop.Mixture()
		}
	}
	n := float64(len(people))
	rep.Adaptive = FormReport{Form: "adaptive", MaxItems: maxUsed}
	rep.Fixed = FormReport{Form: "fixed", MaxItems: fixedLen, MaxExposure: 1}
	if len(fixed) > 0 {
		rep.Fixed.MaxExpItem = fixed[0]
	}
	for i, c := range exposure {
		if r := float64(c) / n; r > rep.Adaptive.MaxExposure {
			rep.Adaptive.MaxExposure, rep.Adaptive.MaxExpItem = r, bank[i].ID
		}
	}
	for k, dom := range domains {
		rep.Adaptive.Domains = append(rep.Adaptive.Domains, adDom[k].figures(dom))
		rep.Fixed.Domains = append(rep.Fixed.Domains, fxDom[k].figures(dom))
	}
	rep.Adaptive.All = adAll.figures("all")
	rep.Fixed.All = fxAll.figures("all")
	rep.Adaptive.MeanItems = rep.Adaptive.All.MeanItems * float64(nd)
	rep.Fixed.MeanItems = rep.Fixed.All.MeanItems * float64(nd)
	rep.Adaptive.All.MeanItems, rep.Fixed.All.MeanItems = rep.Adaptive.MeanItems, rep.Fixed.MeanItems
	rep.ItemsShare = rep.Adaptive.MeanItems / float64(fixedLen)
	target := fxLen[fixedLen].figures("").RMSE
	whole := adLen[len(bank)].figures("")
	rep.WholeBank = WholeBankFigures{Items: len(bank), RMSE: whole.RMSE, BandAcc: whole.BandAcc}
	for length := 1; length <= len(bank); length++ {
		a := adLen[length].figures("")
		if rep.MatchLength == 0 && a.RMSE <= target {
			rep.MatchLength = length
			rep.MatchShare = float64(length) / float64(fixedLen)
		}
		if rep.WholeBank.MatchLength == 0 && a.RMSE <= whole.RMSE*(1+1e-9) {
			rep.WholeBank.MatchLength = length
			rep.WholeBank.MatchShare = float64(length) / float64(len(bank))
		}
		if length <= fixedLen && (length%5 == 0 || length == fixedLen) {
			f := fxLen[length].figures("")
			rep.ByLength = append(rep.ByLength, LengthRow{Length: length, AdaptiveRMSE: a.RMSE,
				AdaptiveBandAcc: a.BandAcc, FixedRMSE: f.RMSE, FixedBandAcc: f.BandAcc})
		}
	}
	rep.SureProb = sureProb
	if nr := len(people) * nd; nr > 0 {
		rep.SureShare = float64(sure) / float64(nr)
	}
	if sure > 0 {
		rep.SureAcc = float64(sureOK) / float64(sure)
	}
	var thetas []float64
	for _, p := range people {
		thetas = append(thetas, p.theta...)
	}
	rep.Bound = bandBound(bank, cfg, thetas)
	rep.Groups = adGroups.figures()
	if o.baseline == "flash" {
		rep.Baseline = &FormReport{Form: "flash", MaxItems: flashLength}
		for k, dom := range domains {
			rep.Baseline.Domains = append(rep.Baseline.Domains, flDom[k].figures(dom))
		}
		rep.Baseline.All = flAll.figures("all")
		rep.Baseline.MeanItems = rep.Baseline.All.MeanItems * float64(nd)
		rep.Baseline.All.MeanItems = rep.Baseline.MeanItems
		rep.BaselineGroups = flGroups.figures()
	}
	return rep, rows, nil
}

// sureProbDefault is the band probability from which the report counts a
// result as sure (SureShare, SureAcc) when the stopping rule has none.
const sureProbDefault = 0.85

// WholeBankFigures describe the whole bank given to every learner as one
// fixed form, and the shortest adaptive test (no stopping rule) as accurate.
type WholeBankFigures struct {
	Items       int     `json:"items"`
	RMSE        float64 `json:"rmse"`
	BandAcc     float64 `json:"band_accuracy"`
	MatchLength int     `json:"match_length"`
	MatchShare  float64 `json:"match_share"`
}

// BandBound is the best band accuracy any test of at most PerDomain items
// per domain could reach on this bank: every item at the bank's highest
// discrimination and exactly at the learner's ability (information a²/4),
// the band chosen by the Bayes rule, in the normal approximation. Needed is
// the number of such items per domain the target accuracy would take.
type BandBound struct {
	A         float64 `json:"a_max"`
	PerDomain int     `json:"per_domain"`
	Accuracy  float64 `json:"accuracy"`
	Target    float64 `json:"target"`
	Needed    int     `json:"needed_per_domain"`
	// Population is the number of true abilities the bound was computed
	// over (the simulated learners'); 0: θ ~ N(PriorMean, PriorSD²).
	Population int `json:"population"`
}

// bandBound computes the bound for the simulated population: the true
// abilities thetas (every learner's, every domain's) are both who is
// tested and the prior the Bayes band is taken under; with no thetas, θ ~
// N(PriorMean, PriorSD²).
func bandBound(bank []assessment.Item, cfg assessment.Config, thetas []float64) BandBound {
	amax := 0.0
	for _, it := range bank {
		amax = max(amax, it.A)
	}
	b := BandBound{A: amax, PerDomain: cfg.MaxPerDomain, Target: 0.85, Population: len(thetas)}
	info := amax * amax / 4
	accuracy := func(info float64) float64 { return idealBandAccuracy(info, cfg) }
	if len(thetas) > 0 {
		pb := newPopulationBound(thetas, cfg)
		accuracy = pb.accuracy
	}
	b.Accuracy = accuracy(float64(cfg.MaxPerDomain) * info)
	lo, hi := 1, 1000 // accuracy grows with information: bisect
	if accuracy(float64(hi)*info) >= b.Target {
		for lo < hi {
			mid := (lo + hi) / 2
			if accuracy(float64(mid)*info) >= b.Target {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		b.Needed = lo
	}
	return b
}

// populationBound computes the ideal band accuracy when the abilities are
// the empirical distribution of a population (binned at 0.02).
type populationBound struct {
	thetas     []float64
	bins, mass []float64
	cfg        assessment.Config
}

func newPopulationBound(thetas []float64, cfg assessment.Config) *populationBound {
	const w = 0.02
	count := map[int]int{}
	for _, t := range thetas {
		count[int(math.Floor(t/w))]++
	}
	pb := &populationBound{thetas: thetas, cfg: cfg}
	keys := make([]int, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		pb.bins = append(pb.bins, (float64(k)+0.5)*w)
		pb.mass = append(pb.mass, float64(count[k])/float64(len(thetas)))
	}
	return pb
}

// accuracy is the probability that the Bayes band, under the population
// as prior, of an estimate x ~ N(θ, 1/info) is θ's band, over the
// population's θ.
func (pb *populationBound) accuracy(info float64) float64 {
	esd := 1 / math.Sqrt(info)
	lo, hi := pb.bins[0]-6*esd, pb.bins[len(pb.bins)-1]+6*esd
	step := min(esd/10, 0.02)
	nb := len(pb.cfg.Cuts) + 1
	band := make([]int, len(pb.bins))
	for j, t := range pb.bins {
		band[j] = pb.cfg.Band(t)
	}
	// Runs of x with the same Bayes band: [edge_r, edge_{r+1}) → runBand_r.
	var edges []float64
	var runBand []int
	post := make([]float64, nb)
	for x := lo; x <= hi+step; x += step {
		clear(post)
		for j, t := range pb.bins {
			z := (x - t) / esd
			if z > -9 && z < 9 {
				post[band[j]] += pb.mass[j] * math.Exp(-0.5*z*z)
			}
		}
		best := 0
		for k := range post {
			if post[k] > post[best] {
				best = k
			}
		}
		if len(runBand) == 0 || runBand[len(runBand)-1] != best {
			edges = append(edges, x-step/2)
			runBand = append(runBand, best)
		}
	}
	edges[0] = math.Inf(-1)
	edges = append(edges, math.Inf(1))
	var total float64
	for j, t := range pb.bins {
		var p float64
		for r, b := range runBand {
			if b == band[j] {
				p += normCDF((edges[r+1]-t)/esd) - normCDF((edges[r]-t)/esd)
			}
		}
		total += pb.mass[j] * p
	}
	return total
}

// idealBandAccuracy is the probability that the Bayes band (the band of
// highest posterior mass) equals the true band when θ ~ N(PriorMean,
// PriorSD²) and the test gives a normal estimate x ~ N(θ, 1/info): the
// posterior is then normal with precision 1/PriorSD² + info.
func idealBandAccuracy(info float64, cfg assessment.Config) float64 {
	mu0, sd0 := cfg.PriorMean, cfg.PriorSD
	prec0 := 1 / (sd0 * sd0)
	post := prec0 + info
	psd := 1 / math.Sqrt(post)
	edges := append(append([]float64{math.Inf(-1)}, cfg.Cuts...), math.Inf(1))
	bayes := func(m float64) int { // band of highest normal mass around m
		best, bestMass := 0, -1.0
		for k := 0; k+1 < len(edges); k++ {
			if mass := normCDF((edges[k+1]-m)/psd) - normCDF((edges[k]-m)/psd); mass > bestMass {
				best, bestMass = k, mass
			}
		}
		return best
	}
	// The Bayes band is a non-decreasing step function of the posterior
	// mean m: find where it switches to band ≥ k by bisection.
	sw := make([]float64, len(edges)) // sw[k]: m from which bayes(m) ≥ k
	sw[0] = math.Inf(-1)
	for k := 1; k < len(edges)-1; k++ {
		lo, hi := -50.0, 50.0
		for range 100 {
			mid := (lo + hi) / 2
			if bayes(mid) >= k {
				hi = mid
			} else {
				lo = mid
			}
		}
		sw[k] = hi
	}
	sw[len(edges)-1] = math.Inf(1)
	esd := 1 / math.Sqrt(info)
	xAt := func(m float64) float64 { return (m*post - prec0*mu0) / info } // x giving posterior mean m
	const steps = 4000
	var total float64
	for i := 0; i < steps; i++ {
		z := -8 + 16*(float64(i)+0.5)/steps
		th := mu0 + sd0*z
		w := math.Exp(-0.5*z*z) / math.Sqrt(2*math.Pi) * 16 / steps
		k := cfg.Band(th)
		total += w * (normCDF((xAt(sw[k+1])-th)/esd) - normCDF((xAt(sw[k])-th)/esd))
	}
	return total
}

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// fixedForm returns a fixed form of perDomain items per domain spanning the
// domain's difficulties (items at evenly spaced quantiles of b, the most
// discriminating first among ties), easiest first within a domain, the
// domains taking turns.
func fixedForm(bank []assessment.Item, domains []string, perDomain int) []string {
	byDomain := map[string][]assessment.Item{}
	for _, it := range bank {
		byDomain[it.Domain] = append(byDomain[it.Domain], it)
	}
	picked := make([][]string, len(domains))
	for k, d := range domains {
		items := byDomain[d]
		sort.SliceStable(items, func(i, j int) bool {
			if items[i].B != items[j].B {
				return items[i].B < items[j].B
			}
			return items[i].A > items[j].A
		})
		m := min(perDomain, len(items))
		for q := 0; q < m; q++ {
			picked[k] = append(picked[k], items[(2*q+1)*len(items)/(2*m)].ID)
		}
	}
	var form []string
	for q := 0; q < perDomain; q++ {
		for k := range domains {
			if q < len(picked[k]) {
				form = append(form, picked[k][q])
			}
		}
	}
	return form
}

func readPopulation(path string, domains []string) ([]learner, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("population: %w", err)
	}
	defer f.Close()
	people, err := parsePopulation(f, domains)
	if err != nil {
		return nil, fmt.Errorf("population %s: %w", path, err)
	}
	return people, nil
}

func parsePopulation(r io.Reader, domains []string) ([]learner, error) {
	// Spreadsheets in a French locale write "id;equipement;…" with decimal
	// commas, often behind a byte-order mark; both forms are read.
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	firstLine, _, _ := bytes.Cut(data, []byte("\n"))
	semicolon := bytes.Count(firstLine, []byte(";")) > bytes.Count(firstLine, []byte(","))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.TrimLeadingSpace = true
	if semicolon {
		cr.Comma = ';'
	}
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	// Column names are matched without case or accents ("Démarches").
	col := map[string]int{}
	for i, h := range head {
		col[assessment.Normalize(h)] = i
	}
	idCol, hasID := col["id"]
	groupCol, hasGroup := col["group"]
	cols := make([]int, len(domains))
	for k, d := range domains {
		c, ok := col[assessment.Normalize(d)]
		if !ok {
			return nil, fmt.Errorf("header %v has no column for domain %q (columns: id,%s)", head, d, strings.Join(domains, ","))
		}
		cols[k] = c
	}
	var people []learner
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		id := strconv.Itoa(line - 1)
		if hasID {
			id = rec[idCol]
		}
		p := learner{id: id, theta: make([]float64, len(domains))}
		if hasGroup {
			p.group = rec[groupCol]
		}
		for k, c := range cols {
			text := strings.TrimSpace(rec[c])
			if semicolon {
				text = strings.Replace(text, ",", ".", 1)
			}
			v, err := strconv.ParseFloat(text, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("line %d: %s = %q is not a number", line, domains[k], rec[c])
			}
			p.theta[k] = v
		}
		people = append(people, p)
	}
	if len(people) == 0 {
		return nil, fmt.Errorf("no learner")
	}
	return people, nil
}

func writeEstimates(path string, rows []estimateRow) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("estimates: %w", err)
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"id", "domain", "theta", "se", "band", "items"})
	for _, r := range rows {
		_ = w.Write([]string{r.id, r.domain, strconv.FormatFloat(r.theta, 'f', 4, 64),
			strconv.FormatFloat(r.se, 'f', 4, 64), strconv.Itoa(r.band), strconv.Itoa(r.items)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("estimates %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("estimates %s: %w", path, err)
	}
	return nil
}

func printCAT(w io.Writer, r *CATReport) {
	c := r.Config
	fmt.Fprintf(w, "bank: %s, %d items; %d learners, seed %d\n", r.Bank, r.BankItems, r.Learners, r.Seed)
	band := ""
	if c.BandConfidence > 0 {
		band = fmt.Sprintf(" or band probability ≥ %.2f", c.BandConfidence)
	}
	prog := ""
	if c.Progressive > 0 {
		prog = fmt.Sprintf(", progressive %.2f", c.Progressive)
	}
	fmt.Fprintf(w, "adaptive: stop a domain at SE < %.2f%s (after %d items) or %d items; at most %d items; randomesque %d%s\n",
		c.SEThreshold, band, c.MinPerDomain, c.MaxPerDomain, c.MaxItems, c.Randomesque, prog)
	if len(r.LearntPriors) > 0 {
		var parts []string
		for _, f := range r.Adaptive.Domains {
			if n, ok := r.LearntPriors[f.Domain]; ok {
				parts = append(parts, fmt.Sprintf("%s N(%+.2f, %.2f)", f.Domain, n.Mean, n.SD))
			}
		}
		fmt.Fprintf(w, "prior: learnt from the earlier learners' results, as the kiosk learns it from its journal (weight of N(%g, %g): %d learners); after the last: %s\n",
			c.PriorMean, c.PriorSD, assessment.PopulationPseudo, strings.Join(parts, ", "))
	}
	if m := r.LearntMixture; m != nil {
		var parts []string
		n := len(m.Domains)
		for _, c := range m.Components {
			var mean, sd, corr float64
			for i := range n {
				mean += c.Mean[i] / float64(n)
				sd += math.Sqrt(c.Cov[i*n+i]) / float64(n)
				for j := range n {
					if j != i {
						corr += c.Cov[i*n+j] / math.Sqrt(c.Cov[i*n+i]*c.Cov[j*n+j]) / float64(n*(n-1))
					}
				}
			}
			parts = append(parts, fmt.Sprintf("%.0f %% around %+.2f (SD %.2f, correlation %.2f)", 100*c.Weight, mean, sd, corr))
		}
		if m.Departure > 0 && len(m.Depart) > 0 {
			var dm, ds float64
			for _, d := range m.Depart {
				dm += d.Mean / float64(len(m.Depart))
				ds += d.SD / float64(len(m.Depart))
			}
			parts = append(parts, fmt.Sprintf("departing domains %.1f %% around %+.2f (SD %.2f)", 100*m.Departure, dm, ds))
		}
		fmt.Fprintf(w, "joint prior learnt after the last (domains averaged): %s\n", strings.Join(parts, "; "))
	}
	if r.ExposureControl != "" {
		fmt.Fprintf(w, "exposure control: %s\n", r.ExposureControl)
	}
	fmt.Fprintf(w, "fixed form: %d items spanning each domain's difficulties, same for everyone; whole bank: all %d items\n\n", r.FixedLength, r.WholeBank.Items)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "form\tdomain\titems\tRMSE\tbias\tband acc\tmean SE\t")
	forms := []FormReport{r.Adaptive, r.Fixed}
	if r.NoFixed {
		forms = forms[:1]
	}
	if r.Baseline != nil {
		forms = append(forms, *r.Baseline)
	}
	for _, f := range forms {
		for _, d := range append(f.Domains, f.All) {
			fmt.Fprintf(tw, "%s\t%s\t%.2f\t%.3f\t%+.3f\t%.1f %%\t%.3f\t\n", f.Form, d.Domain, d.MeanItems, d.RMSE, d.Bias, 100*d.BandAcc, d.MeanSE)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\nadaptive: mean %.1f items (max %d) = %.0f %% of the fixed form's %d; highest item exposure %.1f %% (%s)\n",
		r.Adaptive.MeanItems, r.Adaptive.MaxItems, 100*r.ItemsShare, r.FixedLength, 100*r.Adaptive.MaxExposure, r.Adaptive.MaxExpItem)
	switch {
	case r.NoFixed:
	case r.MatchLength > 0:
		fmt.Fprintf(w, "adaptive (no stopping rule) reaches the full fixed form's RMSE %.3f after %d items = %.0f %% of its length\n",
			r.Fixed.All.RMSE, r.MatchLength, 100*r.MatchShare)
	default:
		fmt.Fprintf(w, "adaptive (no stopping rule) never reaches the full fixed form's RMSE %.3f within %d items\n", r.Fixed.All.RMSE, r.FixedLength)
	}
	wb := r.WholeBank
	if !r.NoFixed {
		fmt.Fprintf(w, "whole bank as a fixed form (%d items): RMSE %.3f, band accuracy %.1f %%; adaptive (no stopping rule) reaches its RMSE after %d items = %.0f %% of it\n",
			wb.Items, wb.RMSE, 100*wb.BandAcc, wb.MatchLength, 100*wb.MatchShare)
	}
	fmt.Fprintf(w, "adaptive results with band probability ≥ %.2f: %.1f %% of them, %.1f %% right\n", r.SureProb, 100*r.SureShare, 100*r.SureAcc)
	b := r.Bound
	who := fmt.Sprintf("θ ~ N(%g, %g)", c.PriorMean, c.PriorSD)
	if b.Population > 0 {
		who = fmt.Sprintf("the simulated population's %d abilities, also as the prior", b.Population)
	}
	fmt.Fprintf(w, "band accuracy bound (%s; one domain's own answers): %d items per domain, each at a = %.2f and exactly at the learner's ability, give at most %.1f %%; %.0f %% needs %d such items per domain\n",
		who, b.PerDomain, b.A, 100*b.Accuracy, 100*b.Target, b.Needed)
	printGroups(w, r)
	if r.NoFixed {
		return
	}
	fmt.Fprintln(w, "\naccuracy against test length (all domains):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "items\tadaptive RMSE\tadaptive band acc\tfixed RMSE\tfixed band acc\t")
	for _, row := range r.ByLength {
		fmt.Fprintf(tw, "%d\t%.3f\t%.1f %%\t%.3f\t%.1f %%\t\n", row.Length, row.AdaptiveRMSE, 100*row.AdaptiveBandAcc, row.FixedRMSE, 100*row.FixedBandAcc)
	}
	tw.Flush()
}
