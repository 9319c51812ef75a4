package assessment

import (
	"math"
)

// Normal is a normal distribution of ability.
type Normal struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
}

func (n Normal) proper() bool {
	return n.SD > 0 && !math.IsInf(n.SD, 0) && !math.IsNaN(n.Mean) && !math.IsInf(n.Mean, 0)
}

// Bounds of a learnt population prior: a site's visitors may be much
// weaker than the default N(0, 1), but a prior outside these would let a
// few unusual results dominate every later visitor's estimate.
const (
	popMeanLimit = 2.5
	popSDMin     = 0.5
	popSDMax     = 1.5
	popEMSteps   = 30
)

// PopulationPseudo is NewPopulation's weight of the default prior, in
// visitors: after 30 visitors the learnt prior is half theirs.
const PopulationPseudo = 30

// Population learns each domain's ability distribution from earlier
// visitors' diagnostic results, to use as the next visitors' prior
// (Config.DomainPriors): empirical Bayes. A rural digital space sees
// visitors far weaker than the N(0, 1) the engine assumes on its own, and
// a prior that is too high pulls every short test's estimate up.
//
// Each result with answers in a domain is reduced to the normal
// approximation of its likelihood, taken from its estimate under its
// plain prior (PlainTheta, PlainSE and Prior: the domain's own answers
// only, since the other domains' evidence rests on an assumed
// correlation); the population's mean and SD are then fitted by EM (Bock
// & Aitkin's, with normal posteriors), with Base counted as Pseudo extra
// visitors so that a handful of results moves it little. Mean is kept
// within ±2.5 and SD within [0.5, 1.5]. Use NewPopulation.
type Population struct {
	// Base is the prior before any result, and the one shrunk toward.
	Base Normal
	// Pseudo is the weight of Base, in visitors.
	Pseudo float64

	lik map[string][]normalLik
	// visitors keeps each visitor's likelihoods together (by domain), for
	// the joint prior (Mixture); order lists the domains as first seen.
	visitors []map[string]normalLik
	order    []string
	mix      *mixtureFit
	// last is the previous fit per domain: EM's starting point, so that
	// refitting after one more visitor takes a step or two.
	last map[string]Normal
}

// normalLik is a likelihood approximated as normal: centre x, precision l.
type normalLik struct{ x, l float64 }

// NewPopulation returns a Population starting from cfg's plain prior with
// the weight of PopulationPseudo visitors.
func NewPopulation(cfg Config) *Population {
	return &Population{
		Base:   Normal{Mean: cfg.PriorMean, SD: cfg.PriorSD},
		Pseudo: PopulationPseudo,
		lik:    map[string][]normalLik{},
		last:   map[string]Normal{},
	}
}

// Add takes one visitor's results. Domains without an answer or without
// information beyond the prior, and results with unusable figures, are
// skipped.
func (p *Population) Add(results []DomainResult) {
	v := map[string]normalLik{}
	defer func() {
		if len(v) > 0 {
			p.visitors = append(p.visitors, v)
		}
	}()
	for _, r := range results {
		prior := r.Prior
		if !prior.proper() {
			prior = p.Base
		}
		th, se := r.PlainTheta, r.PlainSE
		if r.Items == 0 || !(se > 0) || math.IsInf(se, 0) || math.IsNaN(th) || math.IsInf(th, 0) {
			continue
		}
		pv := 1 / (prior.SD * prior.SD)
		l := 1/(se*se) - pv
		if !(l > 1e-6) {
			continue
		}
		x := (th/(se*se) - prior.Mean*pv) / l
		if _, seen := p.lik[r.Domain]; !seen {
			p.order = append(p.order, r.Domain)
		}
		p.lik[r.Domain] = append(p.lik[r.Domain], normalLik{x: x, l: l})
		v[r.Domain] = normalLik{x: x, l: l}
	}
}

// Visitors returns how many results with answers in domain were added.
func (p *Population) Visitors(domain string) int { return len(p.lik[domain]) }

// Priors returns the learnt prior of every domain with at least one
// result, for Config.DomainPriors.
func (p *Population) Priors() map[string]Normal {
	out := make(map[string]Normal, len(p.lik))
	b := p.Base
	for dom, liks := range p.lik {
		mean, v := b.Mean, b.SD*b.SD
		if n, ok := p.last[dom]; ok {
			mean, v = n.Mean, n.SD*n.SD
		}
		w := p.Pseudo + float64(len(liks))
		for step := 0; step < popEMSteps; step++ {
			// E step: each visitor's normal posterior under N(mean, v).
			var s1, s2 float64
			for _, lk := range liks {
				prec := 1/v + lk.l
				m := (mean/v + lk.l*lk.x) / prec
				s1 += m
				s2 += m*m + 1/prec
			}
			// M step, Base counted as Pseudo visitors: they pull the mean
			// toward Base's and the variance toward Base's (around the
			// new mean, so that a shifted population is not widened).
			nm := (s1 + p.Pseudo*b.Mean) / w
			nl := float64(len(liks))
			nv := (s2 - 2*nm*s1 + nl*nm*nm + p.Pseudo*b.SD*b.SD) / w
			nm = min(max(nm, -popMeanLimit), popMeanLimit)
			nv = min(max(nv, popSDMin*popSDMin), popSDMax*popSDMax)
			done := math.Abs(nm-mean) < 1e-4 && math.Abs(nv-v) < 1e-4
			mean, v = nm, nv
			if done {
				break
			}
		}
		out[dom] = Normal{Mean: mean, SD: math.Sqrt(v)}
		p.last[dom] = out[dom]
	}
	return out
}
