package assessment

import (
	"fmt"
	"math"
)

// MasteryThreshold is the probability of knowing a skill at which Bayesian
// knowledge tracing calls it mastered.
const MasteryThreshold = 0.95

// BKT holds the parameters of Bayesian knowledge tracing for a skill.
type BKT struct {
	// Prior is the probability the skill is known before any practice.
	Prior float64 `json:"prior"`
	// Learn is the probability of learning the skill at each practice step.
	Learn float64 `json:"learn"`
	// Guess is the probability of a right answer without knowing the skill.
	Guess float64 `json:"guess"`
	// Slip is the probability of a wrong answer while knowing the skill.
	Slip float64 `json:"slip"`
}

// DefaultBKT returns parameters for a module's practice items: a skill is
// learnt at 15 % of steps, guessed 20 % of the time (choice items), slipped
// 10 % of the time. With the 0.3 prior, three right answers in a row reach
// MasteryThreshold.
func DefaultBKT() BKT { return BKT{Prior: 0.3, Learn: 0.15, Guess: 0.2, Slip: 0.1} }

// Validate returns an error unless every parameter is a probability and
// Guess + Slip < 1 (otherwise a right answer is no evidence of knowing).
func (p BKT) Validate() error {
	for _, v := range []struct {
		name string
		x    float64
	}{{"prior", p.Prior}, {"learn", p.Learn}, {"guess", p.Guess}, {"slip", p.Slip}} {
		if !(v.x >= 0 && v.x <= 1) {
			return fmt.Errorf("bkt %s %v is not in [0, 1]", v.name, v.x)
		}
	}
	if p.Guess+p.Slip >= 1 {
		return fmt.Errorf("bkt guess %v + slip %v must be below 1", p.Guess, p.Slip)
	}
	return nil
}

// Update returns the probability the skill is known after an answer with
// outcome o, given it was known with probability known before: the Bayes
// posterior given the answer, then the chance of learning at this step.
// DontKnow counts as a wrong answer.
func (p BKT) Update(known float64, o Outcome) float64 {
	var post float64
	if o == Correct {
		k := known * (1 - p.Slip)
		post = k / (k + (1-known)*p.Guess)
	} else {
		k := known * p.Slip
		post = k / (k + (1-known)*(1-p.Guess))
	}
	if math.IsNaN(post) {
		post = known
	}
	return post + (1-post)*p.Learn
}

// PCorrect returns the probability of a right answer when the skill is known
// with probability known.
func (p BKT) PCorrect(known float64) float64 {
	return known*(1-p.Slip) + (1-known)*p.Guess
}

// Mastery traces the mastery of skills during modules. The zero value is not
// usable; use NewMastery.
type Mastery struct {
	params BKT
	known  map[string]float64
}

// NewMastery returns a tracker with params for every skill; priors, when
// not nil, replace params.Prior per skill (see SkillPriors).
func NewMastery(params BKT, priors map[string]float64) (*Mastery, error) {
	if err := params.Validate(); err != nil {
		return nil, fmt.Errorf("new mastery: %w", err)
	}
	m := &Mastery{params: params, known: map[string]float64{}}
	for s, p := range priors {
		if !(p >= 0 && p <= 1) {
			return nil, fmt.Errorf("new mastery: prior of skill %q is %v, not in [0, 1]", s, p)
		}
		m.known[s] = p
	}
	return m, nil
}

// Known returns the probability the skill is known.
func (m *Mastery) Known(skill string) float64 {
	if p, ok := m.known[skill]; ok {
		return p
	}
	return m.params.Prior
}

// Record updates the skill after an answer and returns its new probability
// of being known.
func (m *Mastery) Record(skill string, o Outcome) float64 {
	p := m.params.Update(m.Known(skill), o)
	m.known[skill] = p
	return p
}

// Mastered reports whether the skill's probability of being known reached
// MasteryThreshold.
func (m *Mastery) Mastered(skill string) bool { return m.Known(skill) >= MasteryThreshold }

// Skill priors seeded from a diagnostic are kept within these bounds: the
// diagnostic alone never marks a skill mastered, nor rules it out.
const (
	MinSkillPrior = 0.02
	MaxSkillPrior = 0.9
)

// SkillPriors seeds knowledge-tracing priors from a diagnostic's results:
// for each skill of the bank in a domain with a result, the probability
// that the domain's ability is at least the skill's mean difficulty,
// Φ((θ − b) / √(SE² + 1/a²)), kept within [MinSkillPrior, MaxSkillPrior].
// Items with A = 0 are seeded from their level.
func SkillPriors(bank []Item, results []DomainResult) (map[string]float64, error) {
	seeded, err := SeedBank(bank)
	if err != nil {
		return nil, fmt.Errorf("skill priors: %w", err)
	}
	byDomain := map[string]DomainResult{}
	for _, r := range results {
		byDomain[r.Domain] = r
	}
	type agg struct {
		domain string
		a, b   float64
		n      int
	}
	skills := map[string]*agg{}
	for _, it := range seeded {
		if it.Skill == "" {
			continue
		}
		s := skills[it.Skill]
		if s == nil {
			s = &agg{domain: it.Domain}
			skills[it.Skill] = s
		}
		s.a += it.A
		s.b += it.B
		s.n++
	}
	out := map[string]float64{}
	for name, s := range skills {
		r, ok := byDomain[s.domain]
		if !ok {
			continue
		}
		a, b := s.a/float64(s.n), s.b/float64(s.n)
		z := (r.Theta - b) / math.Sqrt(r.SE*r.SE+1/(a*a))
		p := 0.5 * math.Erfc(-z/math.Sqrt2)
		out[name] = math.Min(MaxSkillPrior, math.Max(MinSkillPrior, p))
	}
	return out, nil
}
