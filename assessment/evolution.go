package assessment

import "math"

// EvolutionZ is how many standard errors of the difference two estimates
// must be apart before a change is called: 1.96, so a learner whose ability
// did not change is called "up" about 2.5 % of the time at most (less with
// EAP shrinkage; `tremplin-sim evolution` measures it).
const EvolutionZ = 1.96

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
// its standard error): Up when after − before exceeds EvolutionZ standard
// errors of the difference (√(SEb² + SEa²), the two tests being
// independent), Down when below minus that, Stable otherwise — like Pix's
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
