package assessment

import (
	"math"
	"sort"
)

// Learning the joint prior (Population.Mixture).
const (
	// MixtureComponents is the most components Population.Mixture fits:
	// enough for a main group and the two ends.
	MixtureComponents = 3
	// mixturePerComponent is the number of visitors each component needs:
	// fewer visitors, fewer components (a single normal below 100).
	mixturePerComponent = 100
	// mixtureRefit: the fit is redone once the visitors have grown by this
	// share since the last one (a kiosk refits at most every few visitors).
	mixtureRefit = 0.02
	// mixtureVarPrior is a weak inverse-Wishart prior on each component's
	// covariance (mixtureVarPseudo visitors of variance mixtureVarPrior
	// per domain), so that a tight group of visitors does not give a
	// component a degenerate covariance.
	mixtureVarPrior  = 0.1
	mixtureVarPseudo = 5
)

// MixtureMaxVisitors is how many of the latest visitors the joint prior
// is fitted to: enough for three components and a departure share, and it
// bounds the refit's time on a kiosk that has seen many visitors (it
// follows a changing public too).
const MixtureMaxVisitors = 3000

// MixtureSDMin is the least SD of a learnt component in each domain. The
// results are summarised by normal likelihoods, which understate how
// spread a group at the bank's ends is (an all-wrong visitor's likelihood
// is one-sided): without a floor, the weak and strong groups' components
// come out too narrow and their visitors' intervals too short; at 0.5
// the strong group's intervals were too wide (98.4 % coverage; 0.4 is
// what docs/assessment.md measures).
var MixtureSDMin = 0.4

// mixtureFit caches the last fit of Population.Mixture.
type mixtureFit struct {
	visitors int
	domains  []string
	m        *Mixture
}

// Mixture returns the population's joint prior over the domains'
// abilities, for Config.Mixture: a mixture of up to MixtureComponents
// multivariate normals fitted by EM to the visitors' results, each result
// taken as a noisy observation of the visitor's ability vector (the
// normal approximation of each domain's likelihood, as in Priors; domains
// not answered are missing): Bovy, Hogg & Roweis's "extreme
// deconvolution". Below 2·mixturePerComponent visitors it has fewer
// components; with no visitor it returns nil. The fit is cached and
// redone when the visitors have grown by 2 %.
func (p *Population) Mixture() *Mixture {
	n := len(p.visitors)
	if n == 0 {
		return nil
	}
	if p.mix != nil && len(p.mix.domains) == len(p.order) && float64(n) < float64(p.mix.visitors)*(1+mixtureRefit) {
		return p.mix.m
	}
	k := min(MixtureComponents, max(1, n/mixturePerComponent))
	var start *Mixture
	if p.mix != nil && len(p.mix.domains) == len(p.order) && len(p.mix.m.Components) == k {
		start = p.mix.m
	}
	recent := p.visitors[max(0, n-MixtureMaxVisitors):]
	m := fitMixture(p.order, recent, k, start, p.Base, n >= mixturePerComponent && len(p.order) >= 2)
	p.mix = &mixtureFit{visitors: n, domains: append([]string(nil), p.order...), m: m}
	return m
}

// fitMixture runs the deconvolution EM; start, when not nil, is the
// previous fit (fewer steps needed).
//
// With learnDep it also learns how often one domain departs from the
// joint model and the ability distribution of departing domains
// (Mixture.Departure, Depart): each (visitor, domain) gets the posterior
// probability that it departs, from how well the mixture conditioned on
// the visitor's other domains predicts it against the departing normal;
// departing domains then count in the components only for the rest of
// their probability (so a jagged visitor's strong domain does not bend
// the main group's correlation), and the departing normals and their
// share are fitted from them.
func fitMixture(domains []string, visitors []map[string]normalLik, k int, start *Mixture, base Normal, learnDep bool) *Mixture {
	D := len(domains)
	N := len(visitors)
	xs := make([][]float64, N)
	ls := make([][]float64, N)
	for i, v := range visitors {
		xs[i], ls[i] = make([]float64, D), make([]float64, D)
		for p, dom := range domains {
			if lk, ok := v[dom]; ok {
				xs[i][p], ls[i][p] = lk.x, lk.l
			}
		}
	}
	m := start
	steps := 10
	if m == nil {
		m = initMixture(xs, ls, D, k, base)
		steps = 50
	}
	// Departure: per-domain normal, share, and each observation's
	// probability of departing.
	eps := 0.1
	dep := make([]Normal, D)
	for p := range D {
		var s, w float64
		for i := range N {
			if ls[i][p] > 1e-6 {
				s += xs[i][p]
				w++
			}
		}
		dep[p] = Normal{Mean: s / max(w, 1), SD: 1.5}
	}
	if start != nil && start.Departure > 0 {
		eps = start.Departure
		copy(dep, start.Depart)
	}
	pd := make([][]float64, N)
	for i := range pd {
		pd[i] = make([]float64, D)
	}
	lw := make([]float64, D)
	ws, mus, sds := make([]float64, k), make([]float64, k), make([]float64, k)
	comps := make([]Component, k)
	for c := range comps {
		comps[c] = Component{Weight: m.Components[c].Weight, Mean: append([]float64(nil), m.Components[c].Mean...), Cov: append([]float64(nil), m.Components[c].Cov...)}
	}
	resp := make([]float64, k)
	bs := make([][]float64, k)    // posterior means per component
	Bs := make([][]float64, k)    // posterior covariances
	sumR := make([]float64, k)    // Σ r
	sumB := make([][]float64, k)  // Σ r·b
	sumBB := make([][]float64, k) // Σ r·(b bᵀ + B)
	for c := range k {
		bs[c], Bs[c] = make([]float64, D), make([]float64, D*D)
		sumB[c], sumBB[c] = make([]float64, D), make([]float64, D*D)
	}
	prevLL := math.Inf(-1)
	for step := 0; step < steps; step++ {
		if learnDep && (start != nil || step >= 5) {
			cur := &Mixture{Domains: domains, Components: comps}
			for i := range N {
				for p := range D {
					if !(ls[i][p] > 1e-6) {
						pd[i][p] = 0
						continue
					}
					var ev []evidence
					for q := range D {
						if q != p && ls[i][q] > 1e-6 {
							if l := ls[i][q] * (1 - pd[i][q]); l > 1e-6 {
								ev = append(ev, evidence{dim: q, x: xs[i][q], l: l})
							}
						}
					}
					cur.conditional(p, ev, ws, mus, sds)
					var predMix float64
					for c := range ws {
						predMix += ws[c] * normPDF(xs[i][p], mus[c], math.Sqrt(sds[c]*sds[c]+1/ls[i][p]))
					}
					predDep := normPDF(xs[i][p], dep[p].Mean, math.Sqrt(dep[p].SD*dep[p].SD+1/ls[i][p]))
					pd[i][p] = eps * predDep / (eps*predDep + (1-eps)*predMix + 1e-300)
				}
			}
			// Departing normals and share (with measurement error: each
			// observation's posterior under the departing normal).
			var sp, so float64
			for p := range D {
				var w, s1, s2 float64
				for i := range N {
					if !(ls[i][p] > 1e-6) {
						continue
					}
					so++
					sp += pd[i][p]
					prec := 1/(dep[p].SD*dep[p].SD) + ls[i][p]
					mp := (dep[p].Mean/(dep[p].SD*dep[p].SD) + ls[i][p]*xs[i][p]) / prec
					w += pd[i][p]
					s1 += pd[i][p] * mp
					s2 += pd[i][p] * (mp*mp + 1/prec)
				}
				// A weak prior: mixtureVarPseudo observations at the
				// domain's current departing mean with variance 1.
				mean := (s1 + mixtureVarPseudo*dep[p].Mean) / (w + mixtureVarPseudo)
				v := (s2 + mixtureVarPseudo*(1+dep[p].Mean*dep[p].Mean)) / (w + mixtureVarPseudo)
				v -= mean * mean
				dep[p] = Normal{Mean: mean, SD: min(max(math.Sqrt(max(v, 0)), 0.3), 2)}
			}
			eps = min(max(sp/max(so, 1), 0.01), 0.3)
		}
		clear(sumR)
		for c := range k {
			clear(sumB[c])
			clear(sumBB[c])
		}
		var total float64
		for i := range N {
			var obs []int
			for p := range D {
				lw[p] = ls[i][p] * (1 - pd[i][p])
				if lw[p] > 1e-6 {
					obs = append(obs, p)
				}
			}
			maxLog := math.Inf(-1)
			for c, comp := range comps {
				resp[c] = posteriorGivenObs(comp, D, obs, xs[i], lw, bs[c], Bs[c]) + math.Log(comp.Weight)
				maxLog = max(maxLog, resp[c])
			}
			var sum float64
			for c := range resp {
				resp[c] = math.Exp(resp[c] - maxLog)
				sum += resp[c]
			}
			total += maxLog + math.Log(sum)
			for c := range k {
				r := resp[c] / sum
				sumR[c] += r
				for a := range D {
					sumB[c][a] += r * bs[c][a]
					for b := range D {
						sumBB[c][a*D+b] += r * (bs[c][a]*bs[c][b] + Bs[c][a*D+b])
					}
				}
			}
		}
		for c := range k {
			nc := sumR[c]
			comps[c].Weight = (nc + 1) / (float64(N) + float64(k))
			if nc < 1e-9 {
				continue
			}
			for a := range D {
				comps[c].Mean[a] = sumB[c][a] / nc
			}
			for a := range D {
				for b := range D {
					v := sumBB[c][a*D+b] - nc*comps[c].Mean[a]*comps[c].Mean[b]
					if a == b {
						v += mixtureVarPseudo * mixtureVarPrior
					}
					comps[c].Cov[a*D+b] = v / (nc + mixtureVarPseudo)
				}
			}
			// Floor each domain's SD (see MixtureSDMin).
			for a := range D {
				if v := comps[c].Cov[a*D+a]; v < MixtureSDMin*MixtureSDMin {
					comps[c].Cov[a*D+a] = MixtureSDMin * MixtureSDMin
				}
			}
		}
		// Converged when the log-likelihood gains less than 10⁻⁴ per
		// visitor.
		if math.Abs(total-prevLL) < 1e-4*float64(N) {
			break
		}
		prevLL = total
	}
	// Keep weights summing to 1 exactly and components in a stable order
	// (by mean ability).
	var sw float64
	for _, c := range comps {
		sw += c.Weight
	}
	for c := range comps {
		comps[c].Weight /= sw
	}
	sort.SliceStable(comps, func(a, b int) bool { return meanOf(comps[a].Mean) < meanOf(comps[b].Mean) })
	out := &Mixture{Domains: append([]string(nil), domains...), Components: comps}
	if learnDep {
		out.Departure, out.Depart = eps, dep
	}
	return out
}

func normPDF(x, mean, sd float64) float64 {
	z := (x - mean) / sd
	return math.Exp(-0.5*z*z) / (sd * math.Sqrt(2*math.Pi))
}

func meanOf(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(max(len(v), 1))
}

// posteriorGivenObs returns log N(x_O; m_O, V_OO + diag(1/l_O)) for
// component comp and fills b, B with the posterior mean and covariance of
// the full ability vector given the observed dimensions obs.
func posteriorGivenObs(comp Component, D int, obs []int, x, l, b, B []float64) float64 {
	o := len(obs)
	copy(b, comp.Mean)
	copy(B, comp.Cov)
	if o == 0 {
		return 0
	}
	C := make([]float64, o*o)
	r := make([]float64, o)
	for a, pa := range obs {
		for c, pc := range obs {
			C[a*o+c] = comp.Cov[pa*D+pc]
		}
		C[a*o+a] += 1 / l[pa]
		r[a] = x[pa] - comp.Mean[pa]
	}
	L, ok := cholesky(C, o)
	if !ok {
		return math.Inf(-1)
	}
	s := cholSolve(L, o, r)
	var rs, logdet float64
	for a := range o {
		rs += r[a] * s[a]
		logdet += 2 * math.Log(L[a*o+a])
	}
	// b = m + V_{:,O} s; B = V − V_{:,O} C⁻¹ V_{O,:}.
	col := make([]float64, o)
	for p := range D {
		for a, pa := range obs {
			b[p] += comp.Cov[p*D+pa] * s[a]
			col[a] = comp.Cov[pa*D+p]
		}
		t := cholSolve(L, o, col)
		for q := range D {
			var v float64
			for a, pa := range obs {
				v += comp.Cov[q*D+pa] * t[a]
			}
			B[q*D+p] -= v
		}
	}
	return -0.5*rs - 0.5*logdet - 0.5*float64(o)*math.Log(2*math.Pi)
}

// initMixture starts EM from k groups of visitors by their mean observed
// ability (quantiles), each with a diagonal covariance.
func initMixture(xs, ls [][]float64, D, k int, base Normal) *Mixture {
	type vis struct {
		i int
		m float64
	}
	vs := make([]vis, len(xs))
	for i := range xs {
		var s, w float64
		for p := range D {
			if ls[i][p] > 1e-6 {
				s += xs[i][p]
				w++
			}
		}
		m := base.Mean
		if w > 0 {
			m = s / w
		}
		vs[i] = vis{i, m}
	}
	sort.SliceStable(vs, func(a, b int) bool { return vs[a].m < vs[b].m })
	m := &Mixture{}
	for c := range k {
		part := vs[c*len(vs)/k : (c+1)*len(vs)/k]
		comp := Component{Weight: 1 / float64(k), Mean: make([]float64, D), Cov: make([]float64, D*D)}
		for p := range D {
			var s, w float64
			for _, v := range part {
				if ls[v.i][p] > 1e-6 {
					s += xs[v.i][p]
					w++
				}
			}
			comp.Mean[p] = base.Mean
			if w > 0 {
				comp.Mean[p] = s / w
			}
			comp.Cov[p*D+p] = base.SD * base.SD / float64(k)
		}
		m.Components = append(m.Components, comp)
	}
	return m
}
