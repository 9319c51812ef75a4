package assessment

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Observation is one recorded answer used for calibration.
type Observation struct {
	Learner string
	Item    string
	// Domain groups items measuring the same ability; items of different
	// domains are calibrated separately. "" is a domain like any other.
	Domain  string
	Correct bool
}

// ItemEstimate is an item's calibrated 2PL parameters.
type ItemEstimate struct {
	ID     string  `json:"id"`
	Domain string  `json:"domain"`
	A      float64 `json:"a"`
	B      float64 `json:"b"`
	// N is the number of answers to the item, PCorrect the share of right ones.
	N        int     `json:"n"`
	PCorrect float64 `json:"p_correct"`
	// SEA and SEB are the standard errors of A and B (from the curvature
	// of the item's marginal log-likelihood plus priors at the estimate);
	// 0 for a kept item.
	SEA float64 `json:"se_a"`
	SEB float64 `json:"se_b"`
	// Kept reports an item answered fewer than MinAnswers times whose
	// previous parameters (CalibrateOptions.Previous) were kept.
	Kept bool `json:"kept,omitempty"`
}

// ItemParams are an item's 2PL parameters.
type ItemParams struct {
	A, B float64
}

// CalibrateOptions tunes Calibrate. The zero value uses the defaults.
type CalibrateOptions struct {
	// Points is the number of quadrature nodes on [-4, 4] (default 41).
	Points int
	// MaxIter bounds the EM cycles (default 500); Tol is the largest change
	// of any parameter at which EM has converged (default 1e-4).
	MaxIter int
	Tol     float64
	// PriorA and PriorASD, PriorBSD are the weak normal priors that keep
	// items answered by few learners, or by all right or all wrong, finite:
	// a ~ N(PriorA, PriorASD²) (defaults 1.2, 0.6) and intercept −a·b ~
	// N(0, PriorBSD²) (default 4).
	PriorA, PriorASD, PriorBSD float64
	// MinAnswers and Previous: an item answered fewer than MinAnswers
	// times that has Previous parameters keeps them (fixed during EM, so
	// that its answers still inform the abilities); an item without
	// Previous parameters is estimated whatever its count.
	MinAnswers int
	Previous   map[string]ItemParams
}

func (o CalibrateOptions) withDefaults() CalibrateOptions {
	if o.Points < 3 {
		o.Points = 41
	}
	if o.MaxIter < 1 {
		o.MaxIter = 500
	}
	if !(o.Tol > 0) {
		o.Tol = 1e-4
	}
	if !(o.PriorA > 0) {
		o.PriorA = SeedA
	}
	if !(o.PriorASD > 0) {
		o.PriorASD = 0.6
	}
	if !(o.PriorBSD > 0) {
		o.PriorBSD = 4
	}
	return o
}

// ErrNoData is returned by Calibrate when there is nothing to calibrate.
var ErrNoData = errors.New("no answers to calibrate from")

// Calibrate estimates the 2PL parameters of every item in obs by marginal
// maximum likelihood (Bock–Aitkin EM on a quadrature grid, abilities
// N(0, 1) in each domain), with weak priors on the parameters (Bayes modal).
// A learner's repeated answers to an item all count. Estimates are returned
// by domain, then item id.
func Calibrate(obs []Observation, opt CalibrateOptions) ([]ItemEstimate, error) {
	if len(obs) == 0 {
		return nil, ErrNoData
	}
	opt = opt.withDefaults()
	byDomain := map[string][]Observation{}
	for _, o := range obs {
		if o.Learner == "" || o.Item == "" {
			return nil, fmt.Errorf("calibrate: answer with no learner or item: %+v", o)
		}
		byDomain[o.Domain] = append(byDomain[o.Domain], o)
	}
	domains := make([]string, 0, len(byDomain))
	for d := range byDomain {
		domains = append(domains, d)
	}
	sort.Strings(domains)
	var out []ItemEstimate
	seen := map[string]string{}
	for _, d := range domains {
		for _, o := range byDomain[d] {
			if prev, ok := seen[o.Item]; ok && prev != d {
				return nil, fmt.Errorf("calibrate: item %q is in domains %q and %q", o.Item, prev, d)
			}
			seen[o.Item] = d
		}
		est, err := calibrateDomain(byDomain[d], opt)
		if err != nil {
			return nil, fmt.Errorf("calibrate domain %q: %w", d, err)
		}
		for i := range est {
			est[i].Domain = d
		}
		out = append(out, est...)
	}
	return out, nil
}

type resp struct {
	item int
	u    bool
}

func calibrateDomain(obs []Observation, opt CalibrateOptions) ([]ItemEstimate, error) {
	itemIdx := map[string]int{}
	var ids []string
	learnerIdx := map[string]int{}
	var learners [][]resp
	for _, o := range obs {
		j, ok := itemIdx[o.Item]
		if !ok {
			j = len(ids)
			itemIdx[o.Item] = j
			ids = append(ids, o.Item)
		}
		l, ok := learnerIdx[o.Learner]
		if !ok {
			l = len(learners)
			learnerIdx[o.Learner] = l
			learners = append(learners, nil)
		}
		learners[l] = append(learners[l], resp{j, o.Correct})
	}
	J, Q := len(ids), opt.Points
	g := newGrid(Q, -4, 4, 0, 1)
	logW := g.logPrior
	a := make([]float64, J)
	c := make([]float64, J) // intercept: P = σ(a·θ + c), b = −c/a
	nAns := make([]int, J)
	nRight := make([]int, J)
	for _, rs := range learners {
		for _, r := range rs {
			nAns[r.item]++
			if r.u {
				nRight[r.item]++
			}
		}
	}
	fixed := make([]bool, J)
	for j := range a {
		p := (float64(nRight[j]) + 0.5) / (float64(nAns[j]) + 1)
		a[j] = opt.PriorA
		c[j] = math.Log(p / (1 - p)) // b ≈ −logit(p)/a
		if prev, ok := opt.Previous[ids[j]]; ok && nAns[j] < opt.MinAnswers && prev.A > 0 {
			fixed[j] = true
			a[j], c[j] = prev.A, -prev.A*prev.B
		}
	}
	logP := make([]float64, J*Q)
	logQ := make([]float64, J*Q)
	nq := make([]float64, J*Q)
	rq := make([]float64, J*Q)
	post := make([]float64, Q)
	for iter := 0; iter < opt.MaxIter; iter++ {
		for j := 0; j < J; j++ {
			for q, t := range g.theta {
				z := a[j]*t + c[j]
				// log σ(z) and log σ(−z), stable for large |z|.
				logP[j*Q+q] = -softplus(-z)
				logQ[j*Q+q] = -softplus(z)
			}
		}
		clear(nq)
		clear(rq)
		// E-step: each learner's posterior over the nodes.
		for _, rs := range learners {
			maxL := math.Inf(-1)
			for q := 0; q < Q; q++ {
				s := logW[q]
				for _, r := range rs {
					if r.u {
						s += logP[r.item*Q+q]
					} else {
						s += logQ[r.item*Q+q]
					}
				}
				post[q] = s
				if s > maxL {
					maxL = s
				}
			}
			var sum float64
			for q := range post {
				post[q] = math.Exp(post[q] - maxL)
				sum += post[q]
			}
			for q := range post {
				post[q] /= sum
			}
			for _, r := range rs {
				base := r.item * Q
				for q := 0; q < Q; q++ {
					nq[base+q] += post[q]
					if r.u {
						rq[base+q] += post[q]
					}
				}
			}
		}
		// M-step: a weighted logistic regression per item, by Newton steps.
		change := 0.0
		for j := 0; j < J; j++ {
			if fixed[j] {
				continue
			}
			na, nc := mStep(a[j], c[j], g.theta, nq[j*Q:(j+1)*Q], rq[j*Q:(j+1)*Q], opt)
			change = math.Max(change, math.Max(math.Abs(na-a[j]), math.Abs(nc-c[j])))
			a[j], c[j] = na, nc
		}
		if change < opt.Tol {
			break
		}
	}
	out := make([]ItemEstimate, J)
	for j := range out {
		out[j] = ItemEstimate{ID: ids[j], A: a[j], B: -c[j] / a[j], N: nAns[j],
			PCorrect: float64(nRight[j]) / float64(nAns[j]), Kept: fixed[j]}
		if !fixed[j] {
			out[j].SEA, out[j].SEB = paramSE(a[j], c[j], g.theta, nq[j*Q:(j+1)*Q], opt)
		}
	}
	sort.Slice(out, func(x, y int) bool { return out[x].ID < out[y].ID })
	return out, nil
}

// paramSE returns the standard errors of a and b = −c/a from the
// curvature of the M-step objective (expected counts n per node, priors
// included) at (a, c), b's by the delta method.
func paramSE(a, c float64, theta, n []float64, opt CalibrateOptions) (seA, seB float64) {
	haa, hac, hcc := 1/(opt.PriorASD*opt.PriorASD), 0.0, 1/(opt.PriorBSD*opt.PriorBSD)
	for q, t := range theta {
		p := 1 / (1 + math.Exp(-(a*t + c)))
		w := n[q] * p * (1 - p)
		haa += w * t * t
		hac += w * t
		hcc += w
	}
	det := haa*hcc - hac*hac
	if !(det > 0) {
		return math.Inf(1), math.Inf(1)
	}
	vaa, vac, vcc := hcc/det, -hac/det, haa/det
	ga, gc := c/(a*a), -1/a // ∂b/∂a, ∂b/∂c
	return math.Sqrt(vaa), math.Sqrt(max(ga*ga*vaa+2*ga*gc*vac+gc*gc*vcc, 0))
}

func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

// mStep maximises Σ_q r_q log P + (n_q − r_q) log(1 − P) plus the log
// priors over (a, c), from (a, c), with a few damped Newton steps. The
// objective is concave, so the steps converge.
func mStep(a, c float64, theta, n, r []float64, opt CalibrateOptions) (float64, float64) {
	ia, ic := 1/(opt.PriorASD*opt.PriorASD), 1/(opt.PriorBSD*opt.PriorBSD)
	for step := 0; step < 10; step++ {
		ga := -(a - opt.PriorA) * ia
		gc := -c * ic
		haa, hac, hcc := -ia, 0.0, -ic
		for q, t := range theta {
			if n[q] == 0 {
				continue
			}
			p := 1 / (1 + math.Exp(-(a*t + c)))
			res := r[q] - n[q]*p
			w := n[q] * p * (1 - p)
			ga += res * t
			gc += res
			haa -= w * t * t
			hac -= w * t
			hcc -= w
		}
		det := haa*hcc - hac*hac
		if det == 0 || math.IsNaN(det) {
			break
		}
		da := -(hcc*ga - hac*gc) / det
		dc := -(haa*gc - hac*ga) / det
		// Damp long steps; keep a positive.
		if s := math.Max(math.Abs(da), math.Abs(dc)); s > 1 {
			da, dc = da/s, dc/s
		}
		if a+da < 0.05 {
			da = 0.05 - a
		}
		a, c = a+da, c+dc
		if math.Abs(da) < 1e-7 && math.Abs(dc) < 1e-7 {
			break
		}
	}
	return a, c
}
