package visit

import (
	"testing"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/sync/event"
)

// TestEvolutionIgnoresAPriorShift: the same evidence scored under the first
// visit's prior and under a lower prior learnt since is "stable" (the plain
// rule said "down"); results journaled without a prior keep the plain rule.
func TestEvolutionIgnoresAPriorShift(t *testing.T) {
	before := event.DomainResult{Domain: "d", Theta: -0.918, SE: 0.287, PlainTheta: -0.918, PlainSE: 0.287,
		Prior: event.Normal{Mean: 0, SD: 1}, Items: 4}
	after := assessment.DomainResult{Domain: "d", Theta: -1.720, SE: 0.240, PlainTheta: -1.720, PlainSE: 0.240,
		Prior: assessment.Normal{Mean: -3, SD: 0.4}, Items: 4}
	if got := assessment.Evolve(before.Theta, before.SE, after.Theta, after.SE); got != assessment.Down {
		t.Fatalf("the case does not show the plain rule's false drop: %v", got)
	}
	if got := evolution(before, after); got != assessment.Stable {
		t.Errorf("same evidence under a shifted prior: %v, want stable", got)
	}
	old := before
	old.Prior, old.PlainSE = event.Normal{}, 0
	if got := evolution(old, after); got != assessment.Down {
		t.Errorf("a result journaled without its prior: %v, want the plain rule's down", got)
	}
}
