package assessment

import (
	"math"
	"testing"
)

// TestEvolveUnderIgnoresAPriorShift: the same answers scored under an
// earlier prior and under a lower learnt one are "stable", though the
// plain rule reads the shift as a drop; a real gain is still "up".
func TestEvolveUnderIgnoresAPriorShift(t *testing.T) {
	first := Normal{Mean: 0, SD: 1}
	learnt := Normal{Mean: -3, SD: 0.4}
	// A likelihood N(-1, 0.3²) under each prior.
	post := func(p Normal, m, s float64) (float64, float64) {
		prec := 1/(s*s) + 1/(p.SD*p.SD)
		return (m/(s*s) + p.Mean/(p.SD*p.SD)) / prec, math.Sqrt(1 / prec)
	}
	b, bSE := post(first, -1, 0.3)
	a, aSE := post(learnt, -1, 0.3)
	if got := Evolve(b, bSE, a, aSE); got != Down {
		t.Fatalf("the test case does not show the plain rule's false drop (%v: %.2f → %.2f)", got, b, a)
	}
	if got := EvolveUnder(b, bSE, first, a, aSE, learnt); got != Stable {
		t.Errorf("same answers under two priors: %v, want stable", got)
	}
	if x, s, ok := Reprior(a, aSE, learnt, first); !ok || math.Abs(x-b) > 1e-9 || math.Abs(s-bSE) > 1e-9 {
		t.Errorf("Reprior gave %.4f ± %.4f, want %.4f ± %.4f", x, s, b, bSE)
	}
	// A real gain of 2 under the lower prior is still seen.
	a2, a2SE := post(learnt, 1, 0.3)
	if got := EvolveUnder(b, bSE, first, a2, a2SE, learnt); got != Up {
		t.Errorf("a real gain: %v, want up", got)
	}
	// No information at all: the prior itself, so no change is claimed.
	if got := EvolveUnder(first.Mean, first.SD, first, learnt.Mean, learnt.SD, learnt); got != Stable {
		t.Errorf("two priors and no answers: %v, want stable", got)
	}
	// Unknown priors (old results): the plain rule.
	if got := EvolveUnder(b, bSE, Normal{}, a, aSE, learnt); got != Evolve(b, bSE, a, aSE) {
		t.Errorf("without a prior: %v", got)
	}
}
