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
