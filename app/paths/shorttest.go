package paths

import (
	"errors"
	"fmt"
	"slices"

	"github.com/tremplin-numerique/tremplin/assessment"
)

// ErrNoItems is returned by ShortTest when no question of the bank tests
// the path's skills.
var ErrNoItems = errors.New("no question tests the path's skills")

// ShortTestItems bounds the short test of a path: two questions per skill,
// at least MinShortTest and at most MaxShortTest (and never more than the
// bank holds).
const (
	MinShortTest = 4
	MaxShortTest = 12
)

// ShortTest starts the "petit test" of a path: the assessment engine's
// adaptive diagnostic restricted to the questions of exactly the path's
// skills, short (see MinShortTest), spread over the skills (the engine's
// skill balancing), its random choices drawn from seed. priors are the
// population's priors per domain (nil: the default).
func ShortTest(bank []assessment.Item, skills []string, priors map[string]assessment.Normal, seed uint64) (*assessment.Diagnostic, error) {
	var sub []assessment.Item
	for _, it := range bank {
		if slices.Contains(skills, it.Skill) {
			sub = append(sub, it)
		}
	}
	if len(sub) == 0 {
		return nil, ErrNoItems
	}
	cfg := assessment.ConfigForBank(sub)
	cfg.DomainPriors = priors
	cfg.MaxItems = min(max(2*len(skills), MinShortTest), MaxShortTest, len(sub))
	cfg.MaxPerDomain = cfg.MaxItems
	cfg.MinPerDomain = min(cfg.MinPerDomain, cfg.MaxItems)
	d, err := assessment.NewDiagnostic(sub, cfg, int64(seed))
	if err != nil {
		return nil, fmt.Errorf("start the path's short test: %w", err)
	}
	return d, nil
}
