package assessment

import (
	"fmt"
	"math"
)

// Mixture is a population prior over the vector of domain abilities: a
// mixture of multivariate normals, learnt from earlier visitors' results
// by Population.Mixture (Config.Mixture). One component per kind of
// visitor (a main group, people weak everywhere, strong everywhere…), each
// with its own correlation between domains, so that a prior fitted to a
// mixed population does not pull both ends toward the middle.
type Mixture struct {
	// Domains names the dimensions, in order.
	Domains []string `json:"domains"`
	// Components are the mixture's normals; their weights sum to 1.
	Components []Component `json:"components"`
	// Departure, when above 0, is the learnt probability that one domain
	// of a visitor departs from the joint model (strong in one domain,
	// weak in the others), and Depart, one per domain, the ability
	// distribution of departing domains; they replace Config.Departure and
	// DepartureSD.
	Departure float64  `json:"departure,omitempty"`
	Depart    []Normal `json:"depart,omitempty"`
}

// Component is one multivariate normal of a Mixture.
type Component struct {
	Weight float64 `json:"weight"`
	// Mean has one entry per Mixture.Domains; Cov is the covariance
	// matrix, row by row (len(Domains)² entries).
	Mean []float64 `json:"mean"`
	Cov  []float64 `json:"cov"`
}

// validate checks shapes and that every covariance is positive definite.
func (m *Mixture) validate() error {
	n := len(m.Domains)
	if n == 0 || len(m.Components) == 0 {
		return fmt.Errorf("mixture has %d domains and %d components", n, len(m.Components))
	}
	seen := map[string]bool{}
	for _, d := range m.Domains {
		if seen[d] {
			return fmt.Errorf("mixture names domain %q twice", d)
		}
		seen[d] = true
	}
	var sw float64
	for k, c := range m.Components {
		if len(c.Mean) != n || len(c.Cov) != n*n {
			return fmt.Errorf("mixture component %d has %d means and %d covariances for %d domains", k, len(c.Mean), len(c.Cov), n)
		}
		if !(c.Weight > 0) || math.IsInf(c.Weight, 0) {
			return fmt.Errorf("mixture component %d has weight %v", k, c.Weight)
		}
		for _, v := range append(append([]float64(nil), c.Mean...), c.Cov...) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("mixture component %d is not finite", k)
			}
		}
		if _, ok := cholesky(c.Cov, n); !ok {
			return fmt.Errorf("mixture component %d: covariance is not positive definite", k)
		}
		sw += c.Weight
	}
	if math.Abs(sw-1) > 1e-6 {
		return fmt.Errorf("mixture weights sum to %v, not 1", sw)
	}
	if !(m.Departure >= 0 && m.Departure < 1) || (m.Departure > 0 && len(m.Depart) != n) {
		return fmt.Errorf("mixture departure %v with %d departing priors for %d domains", m.Departure, len(m.Depart), n)
	}
	for _, dn := range m.Depart {
		if !dn.proper() {
			return fmt.Errorf("mixture departing prior %+v is not a proper normal", dn)
		}
	}
	return nil
}

// marginal returns the normal with the mixture's mean and variance in
// dimension p.
func (m *Mixture) marginal(p int) Normal {
	n := len(m.Domains)
	var mean, second float64
	for _, c := range m.Components {
		mean += c.Weight * c.Mean[p]
		second += c.Weight * (c.Cov[p*n+p] + c.Mean[p]*c.Mean[p])
	}
	return Normal{Mean: mean, SD: math.Sqrt(max(second-mean*mean, 1e-6))}
}

// equicorrelated returns a one-component mixture: the domains' plain
// priors with a common correlation rho (the prior before anything is
// learnt).
func equicorrelated(domains []string, priors []Normal, rho float64) *Mixture {
	n := len(domains)
	c := Component{Weight: 1, Mean: make([]float64, n), Cov: make([]float64, n*n)}
	for i := range n {
		c.Mean[i] = priors[i].Mean
		for j := range n {
			r := rho
			if i == j {
				r = 1
			}
			c.Cov[i*n+j] = r * priors[i].SD * priors[j].SD
		}
	}
	return &Mixture{Domains: append([]string(nil), domains...), Components: []Component{c}}
}

// evidence is one domain's answers summarised as a normal likelihood:
// centre x, precision l, in mixture dimension dim.
type evidence struct {
	dim  int
	x, l float64
}

// conditional returns, for dimension p, each component's weight, mean and
// SD given the other domains' evidence ev (the normal likelihoods of
// their answers): Gaussian conditioning of θ_p on x_O = θ_O + e, e ~
// N(0, diag(1/l)), with each component reweighted by how well it explains
// the evidence. ws, mus, sds are filled (len(Components) each); the
// result is the log marginal density of the evidence under the mixture.
func (m *Mixture) conditional(p int, ev []evidence, ws, mus, sds []float64) float64 {
	n := len(m.Domains)
	o := len(ev)
	var buf [3 * 64]float64 // C, r, vo without allocating for up to 8 evidences
	var C, r, vo []float64
	if o <= 8 {
		C, r, vo = buf[:o*o], buf[64:64+o], buf[128:128+o]
	} else {
		C, r, vo = make([]float64, o*o), make([]float64, o), make([]float64, o)
	}
	maxLog := math.Inf(-1)
	for k, c := range m.Components {
		for a, ea := range ev {
			for b, eb := range ev {
				C[a*o+b] = c.Cov[ea.dim*n+eb.dim]
			}
			C[a*o+a] += 1 / ea.l
			r[a] = ea.x - c.Mean[ea.dim]
			vo[a] = c.Cov[p*n+ea.dim]
		}
		mu, v, logw := c.Mean[p], c.Cov[p*n+p], math.Log(c.Weight)
		if o > 0 {
			L, ok := choleskyInPlace(C, o)
			if !ok { // cannot happen with a positive definite Cov; keep the prior
				ws[k], mus[k], sds[k] = logw, mu, math.Sqrt(v)
				maxLog = max(maxLog, logw)
				continue
			}
			cholSolveInPlace(L, o, r)
			cholSolveInPlace(L, o, vo)
			s, t := r, vo
			var rs, logdet float64
			for a, ea := range ev {
				va := c.Cov[p*n+ea.dim]
				mu += va * s[a]
				v -= va * t[a]
				rs += (ea.x - c.Mean[ea.dim]) * s[a]
				logdet += 2 * math.Log(L[a*o+a])
			}
			logw += -0.5*rs - 0.5*logdet - 0.5*float64(o)*math.Log(2*math.Pi)
		}
		ws[k], mus[k], sds[k] = logw, mu, math.Sqrt(max(v, 1e-6))
		maxLog = max(maxLog, logw)
	}
	var sum float64
	for k := range ws {
		ws[k] = math.Exp(ws[k] - maxLog)
		sum += ws[k]
	}
	for k := range ws {
		ws[k] /= sum
	}
	return maxLog + math.Log(sum)
}

// choleskyInPlace is cholesky overwriting a's lower triangle (the upper
// one is left as it was and must be ignored).
func choleskyInPlace(a []float64, n int) ([]float64, bool) {
	for i := range n {
		for j := 0; j <= i; j++ {
			s := a[i*n+j]
			for k := range j {
				s -= a[i*n+k] * a[j*n+k]
			}
			if i == j {
				if !(s > 1e-12) {
					return nil, false
				}
				a[i*n+i] = math.Sqrt(s)
			} else {
				a[i*n+j] = s / a[j*n+j]
			}
		}
	}
	return a, true
}

// cholSolveInPlace solves L·Lᵀ·x = b into b (L from choleskyInPlace).
func cholSolveInPlace(L []float64, n int, b []float64) {
	for i := range n {
		s := b[i]
		for k := range i {
			s -= L[i*n+k] * b[k]
		}
		b[i] = s / L[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < n; k++ {
			s -= L[k*n+i] * b[k]
		}
		b[i] = s / L[i*n+i]
	}
}

// cholesky returns the lower-triangular L with L·Lᵀ = a (n×n, row by row),
// or ok = false when a is not positive definite.
func cholesky(a []float64, n int) ([]float64, bool) {
	L := make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			s := a[i*n+j]
			for k := range j {
				s -= L[i*n+k] * L[j*n+k]
			}
			if i == j {
				if !(s > 1e-12) {
					return nil, false
				}
				L[i*n+i] = math.Sqrt(s)
			} else {
				L[i*n+j] = s / L[j*n+j]
			}
		}
	}
	return L, true
}

// cholSolve solves L·Lᵀ·x = b.
func cholSolve(L []float64, n int, b []float64) []float64 {
	y := make([]float64, n)
	for i := range n {
		s := b[i]
		for k := range i {
			s -= L[i*n+k] * y[k]
		}
		y[i] = s / L[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		s := y[i]
		for k := i + 1; k < n; k++ {
			s -= L[k*n+i] * y[k]
		}
		y[i] = s / L[i*n+i]
	}
	return y
}

// setupJoint resolves the joint prior (Config.Mixture, or the
// equicorrelated one when Departure is set) and each domain's dimension
// and plain prior in it.
func (d *Diagnostic) setupJoint() error {
	for _, ds := range d.domains {
		ds.dim = -1
	}
	switch {
	case d.cfg.Mixture != nil:
		m := d.cfg.Mixture
		d.joint = m
		dims := map[string]int{}
		for i, name := range m.Domains {
			dims[name] = i
		}
		for _, ds := range d.domains {
			p, ok := dims[ds.name]
			if !ok {
				continue
			}
			ds.dim = p
			if _, set := d.cfg.DomainPriors[ds.name]; !set {
				ds.base = m.marginal(p)
			}
		}
	case d.cfg.Departure > 0:
		names := make([]string, len(d.domains))
		priors := make([]Normal, len(d.domains))
		for i, ds := range d.domains {
			names[i], priors[i], ds.dim = ds.name, ds.base, i
		}
		d.joint = equicorrelated(names, priors, d.cfg.CrossDomain)
	default:
		return nil
	}
	for _, ds := range d.domains {
		ds.theta, ds.se, ds.own, ds.ownSE = ds.base.Mean, ds.base.SD, ds.base.Mean, ds.base.SD
		ds.priorMean, ds.priorSD = ds.base.Mean, ds.base.SD
		ds.logPrior = make([]float64, len(d.grid.theta))
	}
	return nil
}

// jointPrior sets ds's prior on the grid from the joint prior given the
// other domains' answers (Config.Mixture, Config.Departure), and pDep.
func (d *Diagnostic) jointPrior(ds *domainState) {
	eps, dep := d.departure(ds)
	lp := ds.logPrior
	if ds.dim < 0 {
		for g, t := range d.grid.theta {
			lp[g] = normLogPDF(t, ds.base)
		}
		ds.pDep = 0
		return
	}
	var ev []evidence
	var logDep []float64 // log density of each evidence if its domain departs
	for _, x := range d.domains {
		if x == ds || x.n == 0 || x.dim < 0 {
			continue
		}
		pv := 1 / (x.base.SD * x.base.SD)
		l := 1/(x.ownSE*x.ownSE+1e-12) - pv
		if !(l > 1e-6) {
			continue
		}
		e := evidence{dim: x.dim, x: (x.own/(x.ownSE*x.ownSE) - x.base.Mean*pv) / l, l: l}
		ev = append(ev, e)
		xeps, xdep := d.departure(x)
		logDep = append(logDep, math.Log(xeps)+math.Log(normPDF(e.x, xdep.Mean, math.Sqrt(xdep.SD*xdep.SD+1/l))))
	}
	// Every pattern of which other domains depart (they then say nothing
	// about this one), weighted by its posterior probability: the prior
	// is the mixture of the joint prior's conditionals on the domains that
	// do not depart.
	k := len(d.joint.Components)
	var ws, mus, sds, pats []float64
	sub := make([]evidence, 0, len(ev))
	cw, cm, cs := make([]float64, k), make([]float64, k), make([]float64, k)
	maxPat := math.Inf(-1)
	for mask := 0; mask < 1<<len(ev); mask++ {
		sub = sub[:0]
		var lp float64
		for j, e := range ev {
			if mask&(1<<j) != 0 {
				lp += logDep[j]
			} else {
				sub = append(sub, e)
				lp += math.Log(1 - d.domainEps(e.dim))
			}
		}
		lp += d.joint.conditional(ds.dim, sub, cw, cm, cs)
		maxPat = max(maxPat, lp)
		for c := range k {
			pats = append(pats, lp)
			ws, mus, sds = append(ws, cw[c]), append(mus, cm[c]), append(sds, cs[c])
		}
	}
	var sw float64
	for c := range ws {
		ws[c] *= math.Exp(pats[c] - maxPat)
		sw += ws[c]
	}
	// Drop the normals of negligible weight (most patterns): the grid
	// work below is per normal.
	kept := 0
	for c := range ws {
		if w := ws[c] / sw; w > 1e-5 {
			ws[kept], mus[kept], sds[kept] = w, mus[c], sds[c]
			kept++
		}
	}
	ws, mus, sds = ws[:kept], mus[:kept], sds[:kept]
	// Mixed prior density, and each part's evidence from the domain's own
	// answers (for pDep), on the grid.
	maxLL := math.Inf(-1)
	for _, v := range ds.ll {
		maxLL = max(maxLL, v)
	}
	var zMix, zDep float64
	for g, t := range d.grid.theta {
		var pm float64
		for c := range ws {
			z := (t - mus[c]) / sds[c]
			if z > -9 && z < 9 {
				pm += ws[c] * math.Exp(-0.5*z*z) / sds[c]
			}
		}
		zd := (t - dep.Mean) / dep.SD
		pd := math.Exp(-0.5*zd*zd) / dep.SD
		lik := math.Exp(ds.ll[g] - maxLL)
		zMix += (1 - eps) * pm * lik
		zDep += eps * pd * lik
		lp[g] = math.Log((1-eps)*pm + eps*pd + 1e-300)
	}
	ds.pDep = 0
	if zMix+zDep > 0 {
		ds.pDep = zDep / (zMix + zDep)
	}
	// Moments of the prior itself (informational).
	var m1, m2 float64
	for c := range ws {
		m1 += (1 - eps) * ws[c] * mus[c]
		m2 += (1 - eps) * ws[c] * (sds[c]*sds[c] + mus[c]*mus[c])
	}
	m1 += eps * dep.Mean
	m2 += eps * (dep.SD*dep.SD + dep.Mean*dep.Mean)
	ds.priorMean, ds.priorSD = m1, math.Sqrt(max(m2-m1*m1, 1e-12))
}

// departure returns the probability that ds departs from the joint model
// and its ability distribution if it does: the joint prior's learnt ones,
// or Config.Departure with the domain's plain prior widened to
// DepartureSD.
func (d *Diagnostic) departure(ds *domainState) (float64, Normal) {
	if ds == nil {
		return 0, Normal{}
	}
	if m := d.joint; m.Departure > 0 && ds.dim >= 0 {
		dep := m.Depart[ds.dim]
		dep.SD = max(dep.SD, d.cfg.DepartSDMin)
		return max(m.Departure, d.cfg.Departure), dep
	}
	return d.cfg.Departure, Normal{Mean: ds.base.Mean, SD: max(ds.base.SD, d.cfg.DepartureSD)}
}

// domainEps is the departure probability of the domain at dimension dim.
func (d *Diagnostic) domainEps(int) float64 {
	if d.joint.Departure > 0 {
		return max(d.joint.Departure, d.cfg.Departure)
	}
	return d.cfg.Departure
}

func normLogPDF(t float64, n Normal) float64 {
	z := (t - n.Mean) / n.SD
	return -0.5*z*z - math.Log(n.SD)
}
