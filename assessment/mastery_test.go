package assessment

import (
	"math"
	"testing"
)

func TestBKT(t *testing.T) {
	p := DefaultBKT()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	m, err := NewMastery(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if m.Mastered("clic") {
			t.Fatalf("mastered after %d right answers", i-1)
		}
		m.Record("clic", Correct)
	}
	if !m.Mastered("clic") {
		t.Errorf("not mastered after 3 right answers: %.3f", m.Known("clic"))
	}
	before := m.Known("clic")
	if after := m.Record("clic", Incorrect); !(after < before) {
		t.Errorf("a wrong answer raised the probability: %.3f → %.3f", before, after)
	}
	k := m.Known("x")
	if m.Record("x", DontKnow) != p.Update(k, Incorrect) {
		t.Error("don't know should count as a wrong answer")
	}
	// Hand-computed first step: 0.3·0.9/(0.27+0.7·0.2) = 0.65854, then learning.
	want := 0.658536585 + (1-0.658536585)*0.15
	if got := p.Update(0.3, Correct); math.Abs(got-want) > 1e-6 {
		t.Errorf("Update = %v, want %v", got, want)
	}
	if got := p.PCorrect(1); got != 0.9 {
		t.Errorf("PCorrect(1) = %v", got)
	}
	// Extreme values never produce NaN.
	for _, k := range []float64{0, 1} {
		for _, q := range []BKT{{0, 0, 0, 0}, {1, 1, 0, 0}} {
			for _, o := range []Outcome{Correct, Incorrect} {
				if v := q.Update(k, o); math.IsNaN(v) || v < 0 || v > 1 {
					t.Errorf("%+v.Update(%v, %v) = %v", q, k, o, v)
				}
			}
		}
	}
}

func TestBKTValidate(t *testing.T) {
	for _, p := range []BKT{{Prior: -0.1}, {Learn: 2}, {Guess: 0.6, Slip: 0.5}, {Slip: math.NaN()}} {
		if p.Validate() == nil {
			t.Errorf("%+v accepted", p)
		}
		if _, err := NewMastery(p, nil); err == nil {
			t.Errorf("NewMastery(%+v) accepted", p)
		}
	}
	if _, err := NewMastery(DefaultBKT(), map[string]float64{"x": 2}); err == nil {
		t.Error("prior 2 accepted")
	}
}

func TestSkillPriors(t *testing.T) {
	bank := testBank(30, false, 1)
	results := []DomainResult{
		{Domain: "equipement", Theta: 2, SE: 0.3},
		{Domain: "internet", Theta: -2, SE: 0.3},
		{Domain: "documents", Theta: 0, SE: 1},
	}
	pr, err := SkillPriors(bank, results)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pr["demarches-s00"]; ok {
		t.Error("a prior for a domain with no result")
	}
	if !(pr["equipement-s00"] > pr["equipement-s09"]) || pr["equipement-s00"] != MaxSkillPrior {
		t.Errorf("strong learner: easy %.3f, hard %.3f", pr["equipement-s00"], pr["equipement-s09"])
	}
	if pr["internet-s09"] != MinSkillPrior || !(pr["internet-s00"] < 0.5) {
		t.Errorf("weak learner: easy %.3f, hard %.3f", pr["internet-s00"], pr["internet-s09"])
	}
	if p := pr["documents-s04"]; math.Abs(p-0.5) > 0.01 {
		t.Errorf("level-2 skill at θ=0: %.3f, want ≈ 0.5", p)
	}
	m, err := NewMastery(DefaultBKT(), pr)
	if err != nil || m.Known("internet-s09") != MinSkillPrior {
		t.Errorf("NewMastery with priors: %v", err)
	}
	if _, err := SkillPriors([]Item{{ID: "x", Level: 0}}, nil); err == nil {
		t.Error("bad level accepted")
	}
}
