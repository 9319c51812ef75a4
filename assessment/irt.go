package assessment

import (
	"fmt"
	"math"
)

// Item is one item of the diagnostic's bank as the engine sees it: which
// domain and skill it measures, the skill's level (1 discover, 2 practise,
// 3 autonomous) and its 2PL parameters (discrimination A, difficulty B).
type Item struct {
	ID, Domain, Skill string
	Level             int
	A, B              float64
	// Exposure is the item's Sympson–Hetter exposure parameter: the
	// probability that the item, once selected as the next one, is given;
	// otherwise it is set aside for the rest of the visitor's diagnostic
	// and the selection starts again. Computed by simulation for a
	// calibrated bank (tremplin-sim exposure) so that no item reaches
	// more than a target share of visitors. 0 (or 1 and above) means
	// always given.
	Exposure float64
}

// Seeded 2PL parameters for items with no calibrated ones (see SeedParams).
const (
	SeedA         = 1.2 // discrimination of every seeded item
	SeedLevelStep = 1.5 // difficulty step between levels: b = 1.5 × (level − 2)
)

// SeedParams returns the default 2PL parameters of an item at level:
// a = 1.2 and b = −1.5, 0, +1.5 for levels 1, 2, 3. It is the same mapping
// as the content pack's SeedIRT, so a pack without "irt" fields and a bank
// seeded here agree. A level outside 1..3 returns an error.
func SeedParams(level int) (a, b float64, err error) {
	if level < 1 || level > 3 {
		return 0, 0, fmt.Errorf("seed item parameters: level %d is not 1, 2 or 3", level)
	}
	return SeedA, SeedLevelStep * float64(level-2), nil
}

// SeedBank returns a copy of bank where every item whose A is zero gets the
// parameters SeedParams gives for its level. Calibrated items are unchanged.
func SeedBank(bank []Item) ([]Item, error) {
	out := make([]Item, len(bank))
	copy(out, bank)
	for i := range out {
		if out[i].A != 0 {
			continue
		}
		a, b, err := SeedParams(out[i].Level)
		if err != nil {
			return nil, fmt.Errorf("item %q: %w", out[i].ID, err)
		}
		out[i].A, out[i].B = a, b
	}
	return out, nil
}

// Prob returns the 2PL probability of a correct answer to an item with
// discrimination a and difficulty b at ability theta.
func Prob(a, b, theta float64) float64 {
	return 1 / (1 + math.Exp(-a*(theta-b)))
}

// Info returns the Fisher information of a 2PL item at theta: a²·p·(1−p).
func Info(a, b, theta float64) float64 {
	p := Prob(a, b, theta)
	return a * a * p * (1 - p)
}

// grid is a quadrature grid with a normal prior's log-weights.
type grid struct {
	theta    []float64
	logPrior []float64
}

func newGrid(points int, lo, hi, mean, sd float64) grid {
	g := grid{theta: make([]float64, points), logPrior: make([]float64, points)}
	for i := range g.theta {
		t := lo + (hi-lo)*float64(i)/float64(points-1)
		z := (t - mean) / sd
		g.theta[i] = t
		g.logPrior[i] = -0.5 * z * z
	}
	return g
}

// eap returns the posterior mean and standard deviation on the grid for the
// log-likelihood ll, and fills post (if not nil) with normalised weights.
func (g grid) eap(ll, post []float64) (mean, sd float64) {
	return g.moments(ll, post, func(i int) float64 { return g.logPrior[i] })
}

// eapNormal is eap with a N(mean, sd) prior instead of the grid's.
func (g grid) eapNormal(ll, post []float64, mean, sd float64) (m, s float64) {
	return g.moments(ll, post, func(i int) float64 {
		z := (g.theta[i] - mean) / sd
		return -0.5 * z * z
	})
}

// moments returns the posterior mean and standard deviation on the grid for
// the log-likelihood ll and the log-prior logPrior (up to a constant), and
// fills post, if not nil, with the normalised posterior.
func (g grid) moments(ll, post []float64, logPrior func(i int) float64) (mean, sd float64) {
	maxLog := math.Inf(-1)
	for i := range g.theta {
		if v := ll[i] + logPrior(i); v > maxLog {
			maxLog = v
		}
	}
	var sw, s1, s2 float64
	for i, t := range g.theta {
		w := math.Exp(ll[i] + logPrior(i) - maxLog)
		if post != nil {
			post[i] = w
		}
		sw += w
		s1 += w * t
		s2 += w * t * t
	}
	mean = s1 / sw
	v := s2/sw - mean*mean
	if v < 0 {
		v = 0
	}
	for i := range post {
		post[i] /= sw
	}
	return mean, math.Sqrt(v)
}
