package assessment

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"sort"
)

// Config tunes the adaptive diagnostic. DefaultConfig gives the values the
// simulator was tuned with (docs/assessment.md quotes its figures).
type Config struct {
	// SEThreshold stops a domain once its standard error is below it
	// (after MinPerDomain items).
	SEThreshold float64 `json:"se_threshold"`
	// MinPerDomain is the number of items a domain gets before its SE may
	// stop it.
	MinPerDomain int `json:"min_per_domain"`
	// MaxPerDomain is the item cap per domain.
	MaxPerDomain int `json:"max_per_domain"`
	// MaxItems is the global maximum length of the diagnostic.
	MaxItems int `json:"max_items"`
	// Randomesque is the exposure control: the next item is drawn at random
	// among the Randomesque most informative ones (and any tied with them).
	Randomesque int `json:"randomesque"`
	// FirstTheta is the ability the first item of each domain is chosen for:
	// low, so that the first question of a domain is an easy one.
	FirstTheta float64 `json:"first_theta"`
	// SkillRepeat multiplies an item's information once per item of the
	// same skill already given, to spread the test over a domain's skills
	// (1 disables skill balancing).
	SkillRepeat float64 `json:"skill_repeat"`
	// PriorMean and PriorSD are the normal prior of every domain's ability.
	PriorMean float64 `json:"prior_mean"`
	PriorSD   float64 `json:"prior_sd"`
	// DomainPriors, when set, replace PriorMean and PriorSD for the domains
	// they name: the population's ability distribution learnt from earlier
	// visitors' results (see Population). Domains not named keep the
	// plain prior.
	DomainPriors map[string]Normal `json:"domain_priors,omitempty"`
	// GridPoints, GridMin and GridMax define the quadrature grid of the EAP
	// estimates.
	GridPoints int     `json:"grid_points"`
	GridMin    float64 `json:"grid_min"`
	GridMax    float64 `json:"grid_max"`
	// Cuts are the ability cut points between bands 0|1, 1|2 and 2|3.
	// The defaults are the seeded difficulties of levels 1, 2 and 3: band k
	// means an even chance or better of succeeding at level-k items.
	Cuts []float64 `json:"cuts"`
	// RecommendBelow recommends a skill when the expected probability of
	// succeeding at its items, over the domain's posterior, is below it.
	RecommendBelow float64 `json:"recommend_below"`
	// BandConfidence, when above 0, also stops a domain (after MinPerDomain
	// items) once the posterior probability of its most probable band
	// (DomainResult.BandProb) reaches it: a classification stopping rule,
	// so that visitors far from a cut point stop early and those near one
	// get more items, up to MaxPerDomain. 0 disables it.
	BandConfidence float64 `json:"band_confidence,omitempty"`
	// Progressive, when above 0, is the weight of a random component in
	// the selection score, from Progressive at a domain's first item
	// (which itself stays the easy one chosen at FirstTheta) shrinking
	// linearly to 0 at its MaxPerDomain-th item: score = (1−w)·info + w·U·max info with
	// U uniform on [0, 1) per item (Revuelta & Ponsoda's progressive
	// method). Early items, chosen when the estimate is still rough, are
	// spread over the bank; late ones are the most informative. The
	// Randomesque draw then applies to that score. 0 disables it.
	Progressive float64 `json:"progressive,omitempty"`
	// ProgressiveItems is the domain item count at which the progressive
	// weight reaches 0 (MaxPerDomain when 0).
	ProgressiveItems int `json:"progressive_items,omitempty"`
	// CrossDomain, when above 0, is the correlation ρ assumed between the
	// domains' abilities, to use collateral information across domains
	// (digital skills are strongly correlated): each domain's prior becomes
	// the conditional normal of its ability given the other domains'
	// answers, under a joint normal prior with mean PriorMean, SD PriorSD
	// and common correlation ρ (see crossPrior). The other domains'
	// evidence is taken from their own estimates (EAP and SE under the
	// plain prior, answers of the domain itself excluded), so there is no
	// circularity and every estimate stays a pure function of the recorded
	// answers. With one other domain known exactly, the prior is
	// N(PriorMean + ρ·(θ' − PriorMean), PriorSD·√(1−ρ²)); with no other
	// domain answered it is the plain prior. Estimates, SE, bands, stopping
	// and recommendations all use it. 0 disables it (independent domains).
	CrossDomain float64 `json:"cross_domain,omitempty"`
	// Mixture, when set, is the population prior over the vector of
	// domain abilities, learnt from earlier visitors (Population.Mixture):
	// each domain's prior is the mixture conditioned on the other domains'
	// answers (each component reweighted by how well it explains them),
	// which replaces CrossDomain's single equicorrelated normal. Domains
	// it does not name keep their plain prior and lend nothing to others.
	Mixture *Mixture `json:"mixture,omitempty"`
	// Departure, when above 0, is the prior probability that a domain
	// departs from what the other domains predict (a visitor strong in one
	// domain and weak in the others): each domain's prior becomes
	// (1 − Departure)·[the joint prior conditioned on the other domains'
	// answers] + Departure·N(μ_d, max(σ_d, DepartureSD)), μ_d and σ_d the
	// domain's plain prior. The posterior weighs the two by how well they
	// explain the domain's own answers, so the weight of the other domains
	// falls when the domain's answers disagree with them. With Departure
	// above 0 and no Mixture, the joint prior is the plain priors with
	// correlation CrossDomain. 0 with no Mixture: the CrossDomain prior
	// alone.
	Departure   float64 `json:"departure,omitempty"`
	DepartureSD float64 `json:"departure_sd,omitempty"`
	// DepartSDMin is the least SD of a learnt departing normal
	// (Mixture.Depart): the learnt one is fitted to few visitors (a few
	// percent of domains depart) and sits between a strong domain and
	// the main group, so a visitor's strong domain, once recognised as
	// departing, was still pulled toward its mean; a wider departing
	// prior leaves it to the domain's own answers.
	DepartSDMin float64 `json:"depart_sd_min,omitempty"`
	// ConflictStop, when above 0 (with Departure), keeps a domain from
	// stopping on BandConfidence while the posterior probability that it
	// departs from the others is at least ConflictStop: a domain whose
	// answers contradict its prior is asked more (up to MaxPerDomain or
	// SEThreshold) instead of being classified by the prior.
	ConflictStop float64 `json:"conflict_stop,omitempty"`
	// ConflictMaxPerDomain, when above MaxPerDomain (with ConflictStop),
	// lets a domain whose answers still contradict its prior (departure
	// probability at least ConflictStop) go on past MaxPerDomain, up to
	// this many items: a visitor's one strong domain is measured by its
	// own answers rather than left between the two modes of its
	// posterior. MaxItems still bounds the whole diagnostic.
	ConflictMaxPerDomain int `json:"conflict_max_per_domain,omitempty"`
}

// DefaultConfig returns the first version's stopping rule, exposure
// control and estimation settings (one normal prior per domain, tied by
// the equicorrelated CrossDomain prior). The kiosk runs RobustConfig
// (through ConfigForBank).
func DefaultConfig() Config {
	return Config{
		SEThreshold:    0.5,
		BandConfidence: 0.7,
		Progressive:    1,
		CrossDomain:    0.3,
		MinPerDomain:   2,
		MaxPerDomain:   8,
		MaxItems:       40,
		Randomesque:    10,
		FirstTheta:     -1.5,
		SkillRepeat:    0.7,
		PriorMean:      0,
		PriorSD:        1,
		GridPoints:     81,
		GridMin:        -4,
		GridMax:        4,
		Cuts:           []float64{-SeedLevelStep, 0, SeedLevelStep},
		RecommendBelow: 0.5,
	}
}

// RobustConfig returns the rule of the second version of the engine,
// which the kiosk runs (ConfigForBank): DefaultConfig with a joint prior
// that lets a domain depart from the others (Departure 0.2: the least
// departure share, a learnt Config.Mixture's own being used when higher;
// before one is learnt a departing domain gets its plain prior, so a
// domain with no answer keeps exactly its plain prior), no band-confidence stop while a domain's answers
// contradict the others (ConflictStop 0.3), such a domain asked up to 12
// items (ConflictMaxPerDomain) and a learnt departing normal at least 1
// wide (DepartSDMin), a stricter band-confidence stop (0.8, after 3 items
// per domain), at most 32 items, and items chosen by their information
// from a domain's second item on (Progressive 0: the random part spread
// exposure but gave a visitor far below the bank items far above them;
// Randomesque still draws among the 10 most informative).
// docs/assessment.md measures it against DefaultConfig and a Pix-flash-like
// baseline on populations with very weak, strong and jagged visitors.
func RobustConfig() Config {
	c := DefaultConfig()
	c.Departure, c.ConflictStop, c.ConflictMaxPerDomain, c.DepartSDMin = 0.2, 0.3, 12, 1
	c.BandConfidence, c.MinPerDomain, c.MaxItems = 0.8, 3, 32
	c.Progressive = 0
	return c
}

// ConfigForBank returns RobustConfig for bank, with the per-visitor
// exposure controls (Randomesque, Progressive) turned off when any item
// carries a Sympson–Hetter parameter (Item.Exposure): those parameters
// already hold every item's exposure at the population level, and random
// draws on top would only cost precision (docs/assessment.md measures
// both).
func ConfigForBank(bank []Item) Config {
	c := RobustConfig()
	if HasExposureParams(bank) {
		c.Randomesque, c.Progressive = 1, 0
	}
	return c
}

// HasExposureParams reports whether any item of bank carries a
// Sympson–Hetter parameter below 1.
func HasExposureParams(bank []Item) bool {
	for _, it := range bank {
		if it.Exposure > 0 && it.Exposure < 1 {
			return true
		}
	}
	return false
}

func (c Config) validate() error {
	switch {
	case !(c.SEThreshold >= 0):
		return fmt.Errorf("se_threshold %v is negative", c.SEThreshold)
	case c.MinPerDomain < 0:
		return fmt.Errorf("min_per_domain %d is negative", c.MinPerDomain)
	case c.MaxPerDomain < 1:
		return fmt.Errorf("max_per_domain %d is below 1", c.MaxPerDomain)
	case c.MaxItems < 1:
		return fmt.Errorf("max_items %d is below 1", c.MaxItems)
	case c.Randomesque < 1:
		return fmt.Errorf("randomesque %d is below 1", c.Randomesque)
	case !(c.SkillRepeat > 0 && c.SkillRepeat <= 1):
		return fmt.Errorf("skill_repeat %v is not in (0, 1]", c.SkillRepeat)
	case !(c.PriorSD > 0) || math.IsInf(c.PriorSD, 0) || math.IsNaN(c.PriorMean) || math.IsInf(c.PriorMean, 0):
		return fmt.Errorf("prior N(%v, %v) is not a proper normal", c.PriorMean, c.PriorSD)
	case c.GridPoints < 3 || c.GridPoints > 10000 || !(c.GridMin < c.GridMax) || math.IsInf(c.GridMin, 0) || math.IsInf(c.GridMax, 0):
		return fmt.Errorf("grid of %d points on [%v, %v] is unusable", c.GridPoints, c.GridMin, c.GridMax)
	case math.IsNaN(c.FirstTheta) || math.IsInf(c.FirstTheta, 0):
		return fmt.Errorf("first_theta %v is not finite", c.FirstTheta)
	case !(c.BandConfidence >= 0 && c.BandConfidence <= 1):
		return fmt.Errorf("band_confidence %v is not in [0, 1]", c.BandConfidence)
	case !(c.Progressive >= 0 && c.Progressive <= 1) || c.ProgressiveItems < 0:
		return fmt.Errorf("progressive %v over %d items is not a weight in [0, 1]", c.Progressive, c.ProgressiveItems)
	case !(c.CrossDomain >= 0 && c.CrossDomain < 1):
		return fmt.Errorf("cross_domain %v is not in [0, 1)", c.CrossDomain)
	case !(c.Departure >= 0 && c.Departure < 1) || !(c.DepartureSD >= 0) || math.IsInf(c.DepartureSD, 0) || !(c.ConflictStop >= 0):
		return fmt.Errorf("departure %v (SD %v, conflict stop %v) is not a probability in [0, 1)", c.Departure, c.DepartureSD, c.ConflictStop)
	case c.badDomainPrior() != "":
		return fmt.Errorf("prior of domain %q is not a proper normal", c.badDomainPrior())
	case !sort.Float64sAreSorted(c.Cuts):
		return fmt.Errorf("cuts %v are not increasing", c.Cuts)
	}
	if c.Mixture != nil {
		if err := c.Mixture.validate(); err != nil {
			return err
		}
	}
	return nil
}

func (c Config) badDomainPrior() string {
	for dom, n := range c.DomainPriors {
		if !n.proper() {
			return dom
		}
	}
	return ""
}

// prior returns the plain prior of domain: its DomainPriors entry, or
// N(PriorMean, PriorSD).
func (c Config) prior(domain string) Normal {
	if n, ok := c.DomainPriors[domain]; ok {
		return n
	}
	return Normal{Mean: c.PriorMean, SD: c.PriorSD}
}

// Errors of the diagnostic, for errors.Is.
var (
	ErrUnknownItem = errors.New("item not in the bank")
	ErrRepeated    = errors.New("item already answered")
	ErrBadState    = errors.New("unusable diagnostic state")
)

// DomainResult is a domain's outcome of the diagnostic.
type DomainResult struct {
	// Domain is the domain id, as in the bank.
	Domain string `json:"domain"`
	// Band is the level band 0..3 (0 below the first cut point, k between
	// cut k and k+1): the band holding the most posterior probability.
	Band int `json:"band"`
	// BandProb is the posterior probability that the true ability is in Band:
	// how sure the diagnostic is of it.
	BandProb float64 `json:"band_prob"`
	// Theta is the ability estimate (EAP) and SE its standard error
	// (posterior standard deviation; the prior's with no answer).
	Theta float64 `json:"theta"`
	SE    float64 `json:"se"`
	// PlainTheta and PlainSE are the estimate from the domain's own
	// answers under its plain prior, without the other domains' evidence
	// (equal to Theta and SE when CrossDomain is off): what Population
	// learns from.
	PlainTheta float64 `json:"plain_theta"`
	PlainSE    float64 `json:"plain_se"`
	// Prior is the domain's plain prior PlainTheta was estimated under.
	Prior Normal `json:"prior"`
	// Items is the number of answers in the domain, of which Correct were
	// right and DontKnow were "Je ne sais pas".
	Items    int `json:"items"`
	Correct  int `json:"correct"`
	DontKnow int `json:"dont_know"`
	// Done reports whether the domain's stopping rule was met.
	Done bool `json:"done"`
	// Departs is the posterior probability that the domain departs from
	// what the other domains predict (Config.Departure, Mixture): high for
	// a visitor's one strong (or weak) domain. 0 without a joint prior.
	Departs float64 `json:"departs,omitempty"`
	// Low95 and High95 bound the central 95 % posterior interval of the
	// ability (Interval).
	Low95  float64 `json:"low95"`
	High95 float64 `json:"high95"`
	// Recommended lists the domain's skills likely not mastered, easiest
	// first: the modules to suggest.
	Recommended []string `json:"recommended"`
}

// Answer is one recorded answer of a diagnostic.
type Answer struct {
	Item    string  `json:"item"`
	Outcome Outcome `json:"outcome"`
}

type domainState struct {
	name    string
	items   []int // bank indices
	ll      []float64
	n       int
	correct int
	dk      int
	theta   float64
	se      float64
	skills  map[string]int // answers per skill
	done    bool
	// bandProb is the posterior probability of the most probable band,
	// kept up to date only when BandConfidence is on.
	bandProb float64
	// own and ownSE are the estimate under the plain prior (used as the
	// other domains' collateral information when CrossDomain is on);
	// priorMean and priorSD are the domain's current prior and base its
	// plain prior.
	own, ownSE         float64
	priorMean, priorSD float64
	base               Normal
	// dim is the domain's dimension in the joint prior (-1: none), logPrior
	// its current prior on the grid and pDep the posterior probability
	// that it departs from the other domains (with a joint prior).
	dim      int
	logPrior []float64
	pDep     float64
}

// Diagnostic is one visitor's adaptive diagnostic: it picks the next item,
// takes the outcomes and estimates one ability per domain. It is not safe
// for concurrent use.
type Diagnostic struct {
	cfg     Config
	bank    []Item
	index   map[string]int
	grid    grid
	domains []*domainState
	domOf   []int // bank index -> domain index
	used    []bool
	// passed marks items set aside by their Exposure parameter: never
	// proposed again in this diagnostic (Sympson–Hetter).
	passed  []bool
	npassed int
	answers []Answer
	pending string
	stopped bool
	pcg     *rand.PCG
	rng     *rand.Rand
	// joint is the prior over all domains (Config.Mixture, or the
	// equicorrelated one Departure builds), nil without one.
	joint *Mixture
	post  []float64 // scratch
	cand  []int     // scratch
	best  []float64 // scratch
	score []float64 // scratch
	mass  []float64 // scratch
}

// NewDiagnostic starts a diagnostic over bank with cfg; seed drives the
// randomesque draws. Items with A = 0 are seeded from their level (see
// SeedParams). Domains are those of the bank, in order of first appearance.
// A malformed bank or config returns an error.
func NewDiagnostic(bank []Item, cfg Config, seed int64) (*Diagnostic, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("new diagnostic: config: %w", err)
	}
	seeded, err := SeedBank(bank)
	if err != nil {
		return nil, fmt.Errorf("new diagnostic: %w", err)
	}
	if len(seeded) == 0 {
		return nil, errors.New("new diagnostic: empty item bank")
	}
	d := &Diagnostic{
		cfg:    cfg,
		bank:   seeded,
		index:  make(map[string]int, len(seeded)),
		grid:   newGrid(cfg.GridPoints, cfg.GridMin, cfg.GridMax, cfg.PriorMean, cfg.PriorSD),
		domOf:  make([]int, len(seeded)),
		used:   make([]bool, len(seeded)),
		passed: make([]bool, len(seeded)),
		post:   make([]float64, cfg.GridPoints),
		best:   make([]float64, 0, cfg.Randomesque),
	}
	d.cfg.Cuts = append([]float64(nil), cfg.Cuts...)
	d.cfg.DomainPriors = maps.Clone(cfg.DomainPriors)
	u := uint64(seed)
	d.pcg = rand.NewPCG(u, u^0x9e3779b97f4a7c15)
	d.rng = rand.New(d.pcg)
	domIdx := map[string]int{}
	for i, it := range seeded {
		switch {
		case it.ID == "":
			return nil, fmt.Errorf("new diagnostic: item %d has no id", i)
		case it.Domain == "":
			return nil, fmt.Errorf("new diagnostic: item %q has no domain", it.ID)
		case !(it.A > 0) || math.IsInf(it.A, 0) || math.IsNaN(it.B) || math.IsInf(it.B, 0):
			return nil, fmt.Errorf("new diagnostic: item %q has unusable parameters a=%v b=%v", it.ID, it.A, it.B)
		case !(it.Exposure >= 0) || math.IsInf(it.Exposure, 0):
			return nil, fmt.Errorf("new diagnostic: item %q has unusable exposure parameter %v", it.ID, it.Exposure)
		}
		if _, dup := d.index[it.ID]; dup {
			return nil, fmt.Errorf("new diagnostic: item id %q appears twice", it.ID)
		}
		d.index[it.ID] = i
		k, ok := domIdx[it.Domain]
		if !ok {
			k = len(d.domains)
			domIdx[it.Domain] = k
			base := cfg.prior(it.Domain)
			d.domains = append(d.domains, &domainState{
				name: it.Domain, ll: make([]float64, cfg.GridPoints),
				theta: base.Mean, se: base.SD, skills: map[string]int{},
				own: base.Mean, ownSE: base.SD,
				priorMean: base.Mean, priorSD: base.SD, base: base,
			})
		}
		d.domOf[i] = k
		d.domains[k].items = append(d.domains[k].items, i)
	}
	if err := d.setupJoint(); err != nil {
		return nil, fmt.Errorf("new diagnostic: %w", err)
	}
	for _, ds := range d.domains {
		d.estimate(ds)
	}
	return d, nil
}

// Bank returns the diagnostic's items, with seeded parameters filled in.
// The caller must not modify it.
func (d *Diagnostic) Bank() []Item { return d.bank }

// Domains returns the domain ids, in order of first appearance in the bank.
func (d *Diagnostic) Domains() []string {
	out := make([]string, len(d.domains))
	for i, ds := range d.domains {
		out[i] = ds.name
	}
	return out
}

// Answers returns the recorded answers, in order.
func (d *Diagnostic) Answers() []Answer { return append([]Answer(nil), d.answers...) }

// Len returns the number of recorded answers.
func (d *Diagnostic) Len() int { return len(d.answers) }

// Stop ends the diagnostic now: Next returns false from then on, and
// Results gives the estimates so far with their uncertainty.
func (d *Diagnostic) Stop() {
	d.stopped = true
	d.pending = ""
}

// Done reports whether the diagnostic is over: stopped, at its maximum
// length, or every domain's stopping rule met.
func (d *Diagnostic) Done() bool {
	_, ok := d.Next()
	return !ok
}

// Next returns the item to show next, or ok = false when the diagnostic is
// over. Calling Next again before Record returns the same item.
//
// Domains take turns (the one with fewest answers first, ties in bank
// order) until each meets its stopping rule. Within the domain, the item is
// drawn at random among the Randomesque most informative unused items at
// the current estimate (at FirstTheta for the domain's first item), their
// information discounted by SkillRepeat for each answer already given on
// the same skill.
func (d *Diagnostic) Next() (itemID string, ok bool) {
	if d.pending != "" {
		return d.pending, true
	}
	if d.stopped || len(d.answers) >= d.cfg.MaxItems {
		return "", false
	}
	var dom *domainState
	for _, ds := range d.domains {
		if ds.done || !d.hasUnused(ds) {
			continue
		}
		if dom == nil || ds.n < dom.n {
			dom = ds
		}
	}
	if dom == nil {
		return "", false
	}
	i := d.choose(dom)
	if i < 0 {
		return "", false
	}
	d.pending = d.bank[i].ID
	return d.pending, true
}

func (d *Diagnostic) hasUnused(ds *domainState) bool {
	return ds.n < len(ds.items)
}

// choose returns the bank index of the next item in ds, or -1. An item
// drawn by pick is given with probability Exposure (Sympson–Hetter);
// otherwise it is passed for the rest of the diagnostic and the draw starts
// again. When every unused item of the domain has been passed, the passes
// are ignored rather than ending the domain early.
func (d *Diagnostic) choose(ds *domainState) int {
	for {
		i := d.pick(ds, true)
		if i < 0 {
			return d.pick(ds, false)
		}
		k := d.bank[i].Exposure
		if k <= 0 || k >= 1 || d.rng.Float64() < k {
			return i
		}
		d.passed[i] = true
		d.npassed++
	}
}

// Passed returns the items the exposure parameters set aside in this
// diagnostic: selected once, never given. With Answers they are every
// selection the diagnostic made (the simulator's exposure rates).
func (d *Diagnostic) Passed() []string {
	out := make([]string, 0, d.npassed)
	for i, p := range d.passed {
		if p {
			out = append(out, d.bank[i].ID)
		}
	}
	return out
}

// pick draws the next item of ds by the selection rule, among the unused
// items (and not passed ones, with skipPassed), or returns -1.
func (d *Diagnostic) pick(ds *domainState, skipPassed bool) int {
	theta := ds.theta
	if ds.n == 0 {
		theta = d.cfg.FirstTheta
	}
	if cap(d.score) < len(ds.items) {
		d.score = make([]float64, len(ds.items))
	}
	score := d.score[:len(ds.items)]
	maxInfo := 0.0
	// With a joint prior the posterior may have two modes (the domain
	// follows the others, or departs from them): the information is then
	// averaged over the posterior rather than taken at its mean, which
	// may lie between the modes.
	var post []float64
	if d.joint != nil && ds.n > 0 {
		post = d.post
		d.posterior(ds, post)
	}
	for j, i := range ds.items {
		if d.used[i] || (skipPassed && d.passed[i]) {
			score[j] = math.Inf(-1)
			continue
		}
		it := &d.bank[i]
		var s float64
		if post != nil {
			for g, t := range d.grid.theta {
				if post[g] > 1e-4 {
					s += post[g] * Info(it.A, it.B, t)
				}
			}
		} else {
			s = Info(it.A, it.B, theta)
		}
		if c := ds.skills[it.Skill]; c > 0 && d.cfg.SkillRepeat < 1 {
			s *= math.Pow(d.cfg.SkillRepeat, float64(c))
		}
		score[j] = s
		maxInfo = max(maxInfo, s)
	}
	if w := d.progressiveWeight(ds); w > 0 {
		for j, i := range ds.items {
			if !d.used[i] && !(skipPassed && d.passed[i]) {
				score[j] = (1-w)*score[j] + w*d.rng.Float64()*maxInfo
			}
		}
	}
	k := d.cfg.Randomesque
	best := d.best[:0] // the k highest scores, descending
	for j, i := range ds.items {
		if d.used[i] || (skipPassed && d.passed[i]) {
			continue
		}
		s := score[j]
		if len(best) == k && s <= best[k-1] {
			continue
		}
		if len(best) < k {
			best = append(best, s)
		} else {
			best[k-1] = s
		}
		for j := len(best) - 1; j > 0 && best[j] > best[j-1]; j-- {
			best[j], best[j-1] = best[j-1], best[j]
		}
	}
	if len(best) == 0 {
		return -1
	}
	floor := best[len(best)-1] * (1 - 1e-9)
	cand := d.cand[:0]
	for j, i := range ds.items {
		if !d.used[i] && !(skipPassed && d.passed[i]) && score[j] >= floor {
			cand = append(cand, i)
		}
	}
	d.cand = cand
	return cand[d.rng.IntN(len(cand))]
}

// progressiveWeight is the random component's weight for ds's next item.
func (d *Diagnostic) progressiveWeight(ds *domainState) float64 {
	if d.cfg.Progressive <= 0 || ds.n == 0 {
		return 0 // the first item stays the gentle easy one
	}
	h := d.cfg.ProgressiveItems
	if h <= 0 {
		h = d.cfg.MaxPerDomain
	}
	return d.cfg.Progressive * max(0, 1-float64(ds.n)/float64(h))
}

// Record takes the outcome of an item. DontKnow counts as incorrect for the
// estimate and is kept as such in the answers. The item need not be the one
// Next proposed, but it must be in the bank and not already answered.
func (d *Diagnostic) Record(itemID string, o Outcome) error {
	if o != Correct && o != Incorrect && o != DontKnow {
		return fmt.Errorf("record %q: unknown outcome %d", itemID, int(o))
	}
	i, ok := d.index[itemID]
	if !ok {
		return fmt.Errorf("record %q: %w", itemID, ErrUnknownItem)
	}
	if d.used[i] {
		return fmt.Errorf("record %q: %w", itemID, ErrRepeated)
	}
	d.apply(i, o)
	d.answers = append(d.answers, Answer{Item: itemID, Outcome: o})
	d.pending = ""
	return nil
}

func (d *Diagnostic) apply(i int, o Outcome) {
	d.used[i] = true
	it := &d.bank[i]
	ds := d.domains[d.domOf[i]]
	for g, t := range d.grid.theta {
		p := Prob(it.A, it.B, t)
		if o == Correct {
			ds.ll[g] += math.Log(p)
		} else {
			ds.ll[g] += math.Log1p(-p)
		}
	}
	ds.n++
	switch o {
	case Correct:
		ds.correct++
	case DontKnow:
		ds.dk++
	}
	ds.skills[it.Skill]++
	if d.cfg.CrossDomain > 0 || d.joint != nil {
		// The answer changes this domain's own estimate, hence every
		// other domain's prior.
		ds.own, ds.ownSE = d.grid.eapNormal(ds.ll, nil, ds.base.Mean, ds.base.SD)
		for _, x := range d.domains {
			d.estimate(x)
		}
		return
	}
	d.estimate(ds)
	ds.own, ds.ownSE = ds.theta, ds.se
}

// crossPrior returns ds's prior under CrossDomain (see Config.CrossDomain):
// the conditional distribution of ds's ability given the other domains'
// evidence, when the abilities are jointly normal with mean PriorMean, SD
// PriorSD and a common correlation ρ. Each other domain j's answers are
// summarised by the normal approximation of its likelihood: precision
// L_j = 1/ownSE_j² − 1/σ² and L_j·(x_j − μ) = (own_j − μ)/ownSE_j². With
// e_j = σ²(1−ρ) + 1/L_j, S = Σ 1/e_j and T = Σ (x_j − μ)/e_j
// (Sherman–Morrison on the equicorrelated covariance), the prior is
// N(μ + σ²ρ·T/(1+σ²ρS), σ² − (σ²ρ)²·S/(1+σ²ρS)). With one other domain
// known exactly it is N(μ + ρ(x − μ), σ²(1−ρ²)); with no evidence it is
// the plain prior; noisy evidence moves it less.
func (d *Diagnostic) crossPrior(ds *domainState) (mean, sd float64) {
	// Computed on each domain's standard scale z = (θ − μ_d)/σ_d, where
	// the joint prior is equicorrelated with unit variances (μ_d, σ_d: the
	// domain's plain prior, PriorMean and PriorSD unless DomainPriors
	// says otherwise).
	rho := d.cfg.CrossDomain
	var S, T float64
	for _, x := range d.domains {
		if x == ds || x.n == 0 {
			continue
		}
		se := x.ownSE / x.base.SD
		p := 1 / (se*se + 1e-12) // posterior precision under the plain prior
		l := p - 1               // the likelihood's
		if !(l > 0) {
			continue
		}
		den := l*(1-rho) + 1
		S += l / den
		T += p * (x.own - x.base.Mean) / x.base.SD / den
	}
	k := rho / (1 + rho*S)
	return ds.base.Mean + ds.base.SD*k*T, ds.base.SD * math.Sqrt(max(1-k*rho*S, 1e-12))
}

// posterior returns ds's EAP and SE under its current prior and fills post
// (if not nil) with the normalised posterior weights.
func (d *Diagnostic) posterior(ds *domainState, post []float64) (mean, sd float64) {
	if d.joint != nil {
		return d.grid.moments(ds.ll, post, func(i int) float64 { return ds.logPrior[i] })
	}
	if d.cfg.CrossDomain <= 0 && len(d.cfg.DomainPriors) == 0 {
		return d.grid.eap(ds.ll, post)
	}
	return d.grid.eapNormal(ds.ll, post, ds.priorMean, ds.priorSD)
}

func (d *Diagnostic) estimate(ds *domainState) {
	switch {
	case d.joint != nil:
		d.jointPrior(ds)
	case d.cfg.CrossDomain > 0:
		ds.priorMean, ds.priorSD = d.crossPrior(ds)
	}
	if d.cfg.BandConfidence <= 0 {
		ds.theta, ds.se = d.posterior(ds, nil)
	} else {
		ds.theta, ds.se = d.posterior(ds, d.post)
		_, ds.bandProb = d.bandPosterior(d.post)
	}
	ds.done = ds.n >= d.maxPerDomain(ds) ||
		(ds.n >= d.cfg.MinPerDomain && ds.n > 0 &&
			(ds.se < d.cfg.SEThreshold || (d.cfg.BandConfidence > 0 && ds.bandProb >= d.cfg.BandConfidence && !d.conflict(ds))))
}

// maxPerDomain is ds's item cap: MaxPerDomain, or ConflictMaxPerDomain
// while its answers contradict its prior.
func (d *Diagnostic) maxPerDomain(ds *domainState) int {
	if d.cfg.ConflictMaxPerDomain > d.cfg.MaxPerDomain && d.conflict(ds) {
		return d.cfg.ConflictMaxPerDomain
	}
	return d.cfg.MaxPerDomain
}

// conflict reports whether ds's answers contradict its prior enough to
// keep asking (Config.ConflictStop).
func (d *Diagnostic) conflict(ds *domainState) bool {
	return d.joint != nil && d.cfg.ConflictStop > 0 && ds.pDep >= d.cfg.ConflictStop
}

// Band returns the level band of theta: the number of Cuts at or below it.
func (c Config) Band(theta float64) int {
	b := 0
	for _, cut := range c.Cuts {
		if theta >= cut {
			b++
		}
	}
	return b
}

// Estimate returns a domain's current ability estimate, its standard error
// and the number of answers in it, without the work Results does for bands
// and recommendations; ok is false for a domain not in the bank.
func (d *Diagnostic) Estimate(domain string) (theta, se float64, items int, ok bool) {
	for _, ds := range d.domains {
		if ds.name == domain {
			return ds.theta, ds.se, ds.n, true
		}
	}
	return 0, 0, 0, false
}

// Config returns the diagnostic's configuration.
func (d *Diagnostic) Config() Config {
	c := d.cfg
	c.Cuts = append([]float64(nil), d.cfg.Cuts...)
	c.DomainPriors = maps.Clone(d.cfg.DomainPriors)
	return c
}

// BandEstimate returns a domain's most probable band and its posterior
// probability, as Results does, without the rest of Results' work; ok is
// false for a domain not in the bank.
func (d *Diagnostic) BandEstimate(domain string) (band int, prob float64, ok bool) {
	for _, ds := range d.domains {
		if ds.name == domain {
			d.posterior(ds, d.post)
			band, prob = d.bandPosterior(d.post)
			return band, prob, true
		}
	}
	return 0, 0, false
}

// bandPosterior returns the band with the highest posterior mass and that
// mass: the Bayes classification, more often right than the band of the
// EAP estimate when the posterior is skewed.
func (d *Diagnostic) bandPosterior(post []float64) (int, float64) {
	if len(d.mass) != len(d.cfg.Cuts)+1 {
		d.mass = make([]float64, len(d.cfg.Cuts)+1)
	}
	mass := d.mass
	clear(mass)
	for g, t := range d.grid.theta {
		mass[d.band(t)] += post[g]
	}
	best := 0
	for b := range mass {
		if mass[b] > mass[best] {
			best = b
		}
	}
	return best, mass[best]
}

// band returns the band of theta under the diagnostic's cuts.
func (d *Diagnostic) band(theta float64) int {
	b := 0
	for _, c := range d.cfg.Cuts {
		if theta >= c {
			b++
		}
	}
	return b
}

// Results returns one result per domain, in bank order. It may be called
// at any time: a domain with no answer has the prior's estimate and SE.
func (d *Diagnostic) Results() []DomainResult {
	out := make([]DomainResult, 0, len(d.domains))
	for _, ds := range d.domains {
		out = append(out, d.result(ds))
	}
	return out
}

func (d *Diagnostic) result(ds *domainState) DomainResult {
	post := d.post
	d.posterior(ds, post)
	r := DomainResult{
		Domain: ds.name, Theta: ds.theta, SE: ds.se, Items: ds.n,
		PlainTheta: ds.own, PlainSE: ds.ownSE, Prior: ds.base,
		Correct: ds.correct, DontKnow: ds.dk, Done: ds.done,
		Recommended: []string{},
	}
	r.Band, r.BandProb = d.bandPosterior(post)
	r.Departs = ds.pDep
	r.Low95, r.High95 = GridInterval(d.grid.theta, post, 0.95)
	// Skills: mean parameters and direct evidence.
	type skillAgg struct {
		name        string
		a, b        float64
		n           int
		right, miss int
	}
	var skills []*skillAgg
	byName := map[string]*skillAgg{}
	for _, i := range ds.items {
		it := &d.bank[i]
		if it.Skill == "" {
			continue
		}
		s := byName[it.Skill]
		if s == nil {
			s = &skillAgg{name: it.Skill}
			byName[it.Skill] = s
			skills = append(skills, s)
		}
		s.a += it.A
		s.b += it.B
		s.n++
	}
	self := d.domainIndex(ds)
	for _, ans := range d.answers {
		i := d.index[ans.Item]
		if d.domOf[i] != self || d.bank[i].Skill == "" {
			continue
		}
		if s := byName[d.bank[i].Skill]; s != nil {
			if ans.Outcome == Correct {
				s.right++
			} else {
				s.miss++
			}
		}
	}
	type rec struct {
		name string
		b    float64
	}
	var recs []rec
	for _, s := range skills {
		a, b := s.a/float64(s.n), s.b/float64(s.n)
		var ep float64
		for g, t := range d.grid.theta {
			ep += post[g] * Prob(a, b, t)
		}
		// Missed and never right in this diagnostic: recommended too.
		if ep < d.cfg.RecommendBelow || (s.miss > 0 && s.right == 0) {
			recs = append(recs, rec{s.name, b})
		}
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].b < recs[j].b })
	for _, rc := range recs {
		r.Recommended = append(r.Recommended, rc.name)
	}
	return r
}

func (d *Diagnostic) domainIndex(ds *domainState) int {
	for i, x := range d.domains {
		if x == ds {
			return i
		}
	}
	return -1
}

// state is the serialised form of a diagnostic.
type state struct {
	Version int      `json:"version"`
	Config  Config   `json:"config"`
	RNG     []byte   `json:"rng"`
	Answers []Answer `json:"answers"`
	Pending string   `json:"pending,omitempty"`
	Stopped bool     `json:"stopped,omitempty"`
	Passed  []string `json:"passed,omitempty"`
}

const stateVersion = 1

// MarshalState serialises the diagnostic (config, answers, random state and
// the proposed item) as JSON, so RestoreDiagnostic resumes it exactly.
func (d *Diagnostic) MarshalState() ([]byte, error) {
	rng, err := d.pcg.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("marshal diagnostic state: %w", err)
	}
	b, err := json.Marshal(state{Version: stateVersion, Config: d.cfg, RNG: rng,
		Answers: d.answers, Pending: d.pending, Stopped: d.stopped, Passed: d.Passed()})
	if err != nil {
		return nil, fmt.Errorf("marshal diagnostic state: %w", err)
	}
	return b, nil
}

// RestoreDiagnostic resumes a diagnostic serialised by MarshalState over the
// same bank: the same answers, estimates and next item. A state that does
// not fit the bank returns an error wrapping ErrBadState.
func RestoreDiagnostic(bank []Item, data []byte) (*Diagnostic, error) {
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("restore diagnostic: %w: %w", ErrBadState, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("restore diagnostic: %w: version %d, want %d", ErrBadState, st.Version, stateVersion)
	}
	d, err := NewDiagnostic(bank, st.Config, 0)
	if err != nil {
		return nil, fmt.Errorf("restore diagnostic: %w: %w", ErrBadState, err)
	}
	if err := d.pcg.UnmarshalBinary(st.RNG); err != nil {
		return nil, fmt.Errorf("restore diagnostic: %w: random state: %w", ErrBadState, err)
	}
	for _, a := range st.Answers {
		if err := d.Record(a.Item, a.Outcome); err != nil {
			return nil, fmt.Errorf("restore diagnostic: %w: %w", ErrBadState, err)
		}
	}
	if st.Pending != "" {
		i, ok := d.index[st.Pending]
		if !ok || d.used[i] {
			return nil, fmt.Errorf("restore diagnostic: %w: proposed item %q", ErrBadState, st.Pending)
		}
		d.pending = st.Pending
	}
	for _, id := range st.Passed {
		i, ok := d.index[id]
		if !ok || d.passed[i] {
			return nil, fmt.Errorf("restore diagnostic: %w: passed item %q", ErrBadState, id)
		}
		d.passed[i] = true
		d.npassed++
	}
	d.stopped = st.Stopped
	return d, nil
}

// Interval returns the central credible interval of a domain's ability
// holding level of its posterior mass (0.95: the 95 % interval), read from
// the posterior on the quadrature grid, so a skewed posterior (an
// all-wrong visitor's, or one whose domain disagrees with the others)
// gets a skewed interval; ok is false for a domain not in the bank or a
// level outside (0, 1).
func (d *Diagnostic) Interval(domain string, level float64) (lo, hi float64, ok bool) {
	if !(level > 0 && level < 1) {
		return 0, 0, false
	}
	for _, ds := range d.domains {
		if ds.name == domain {
			d.posterior(ds, d.post)
			lo, hi = GridInterval(d.grid.theta, d.post, level)
			return lo, hi, true
		}
	}
	return 0, 0, false
}

// GridInterval returns the central interval holding level of the mass of
// post (normalised weights on the evenly spaced points theta, each standing
// for the cell around it), by linear interpolation of the cumulative mass.
func GridInterval(theta, post []float64, level float64) (lo, hi float64) {
	n := len(theta)
	if n == 0 {
		return 0, 0
	}
	if n == 1 {
		return theta[0], theta[0]
	}
	h := theta[1] - theta[0]
	quantile := func(q float64) float64 {
		var c float64
		for i, w := range post {
			if c+w >= q {
				if w <= 0 {
					return theta[i]
				}
				return theta[i] - h/2 + h*(q-c)/w
			}
			c += w
		}
		return theta[n-1] + h/2
	}
	tail := (1 - level) / 2
	return quantile(tail), quantile(1 - tail)
}
