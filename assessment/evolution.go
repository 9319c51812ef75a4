package assessment

import "math"

// EvolutionZ is how many standard errors of the difference two estimates
// must be apart before a change is called. EAP estimates shrink toward the
// prior, so the difference of two of them varies less than their posterior
// SDs say: for learners whose ability did not change, the standardised
// difference has its 95th percentile near 1.24 on the default pack, not
// 1.64. 1.4 calls about 3 % of them "up" (`tremplin-sim evolution`; target
// ≤ 5 %) while still seeing a real gain more often than 1.96 would.
const EvolutionZ = 1.4

// Evolution of a domain between two diagnostics.
type Evolution int

// Evolutions. Stable is the zero value: no claim without evidence.
const (
	Stable Evolution = iota
	Up
	Down
)

// String returns "stable", "up" or "down", the names journaled.
func (e Evolution) String() string {
	switch e {
	case Up:
		return "up"
	case Down:
		return "down"
	}
	return "stable"
}

// Evolve compares a domain's ability estimate before and after (each with
// its standard error): Up when after − before exceeds EvolutionZ times
// √(SEb² + SEa²) (the two tests being independent), Down when below minus that, Stable otherwise — like Pix's
// increase/decrease/stable, a change smaller than the noise is not one.
func Evolve(before, beforeSE, after, afterSE float64) Evolution {
	noise := EvolutionZ * math.Sqrt(beforeSE*beforeSE+afterSE*afterSE)
	switch d := after - before; {
	case d > noise:
		return Up
	case d < -noise:
		return Down
	}
	return Stable
}

// Reprior re-weighs an estimate θ ± se made under the normal prior from as
// if it had been made under to, with the likelihood taken as normal (its
// precision is the posterior's minus the prior's). Answers that carry no
// information (precision ≤ 0, e.g. "Je ne sais pas" everywhere) leave to
// itself. ok is false when a prior is not proper.
func Reprior(theta, se float64, from, to Normal) (float64, float64, bool) {
	if !from.proper() || !to.proper() || se <= 0 || math.IsNaN(theta) {
		return theta, se, false
	}
	likPrec := 1/(se*se) - 1/(from.SD*from.SD)
	toPrec := 1 / (to.SD * to.SD)
	if likPrec <= 1e-9 {
		return to.Mean, to.SD, true
	}
	likMean := (theta/(se*se) - from.Mean/(from.SD*from.SD)) / likPrec
	prec := likPrec + toPrec
	return (likMean*likPrec + to.Mean*toPrec) / prec, math.Sqrt(1 / prec), true
}

// EvolveUnder compares two estimates of a domain made under different
// priors (the population prior is learnt again between two visits) by first
// putting the later one under the earlier one's prior: a shift of the prior
// alone is not a change of the person. It falls back to Evolve when a prior
// is unknown (results journaled before priors were).
func EvolveUnder(before, beforeSE float64, beforePrior Normal, after, afterSE float64, afterPrior Normal) Evolution {
	a, aSE, ok := Reprior(after, afterSE, afterPrior, beforePrior)
	if !ok {
		return Evolve(before, beforeSE, after, afterSE)
	}
	return Evolve(before, beforeSE, a, aSE)
}
