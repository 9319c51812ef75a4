package assessment

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fakeResults returns one visitor's results whose domain likelihoods are
// normal, centred at theta plus noise with precision 3, as a diagnostic
// under the N(0, 1) plain prior would report them.
func fakeResults(r *rand.Rand, theta []float64) []DomainResult {
	const l = 3.0
	var out []DomainResult
	for k, th := range theta {
		x := th + r.NormFloat64()/math.Sqrt(l)
		out = append(out, DomainResult{Domain: testDomains[k], Items: 6, Prior: Normal{0, 1},
			PlainTheta: x * l / (1 + l), PlainSE: 1 / math.Sqrt(1+l)})
	}
	return out
}

// TestPopulationMixture: visitors weak everywhere, strong everywhere, and
// some strong in one domain only give a joint prior with a component at
// each end, and the jagged ones a component or a departure of their own.
func TestPopulationMixture(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	pop := NewPopulation(DefaultConfig())
	if pop.Mixture() != nil {
		t.Fatal("mixture without any visitor")
	}
	jagged := 0
	for v := range 600 {
		theta := make([]float64, len(testDomains))
		centre := -2.0
		if v%2 == 1 {
			centre = 1.5
		}
		for k := range theta {
			theta[k] = centre + 0.3*r.NormFloat64()
		}
		if v%10 == 0 { // weak, but strong in one domain
			theta[0], theta[2] = -2+0.3*r.NormFloat64(), 1.5
			jagged++
		}
		pop.Add(fakeResults(r, theta))
	}
	m := pop.Mixture()
	if m == nil || len(m.Components) < 2 || m.validate() != nil {
		t.Fatalf("mixture %+v", m)
	}
	low, high := m.Components[0], m.Components[len(m.Components)-1]
	if math.Abs(low.Mean[1]+2) > 0.3 || math.Abs(high.Mean[1]-1.5) > 0.3 || low.Weight < 0.3 || high.Weight < 0.3 {
		t.Errorf("components %+v", m.Components)
	}
	// The jagged visitors are explained either by a component of their
	// own (weak, strong in the third domain) or by the departure share.
	own := false
	for _, c := range m.Components {
		own = own || (c.Mean[2] > 0.5 && c.Mean[1] < -1)
	}
	if !(m.Departure >= 0.01 && m.Departure < 0.2) || !(own || m.Depart[2].Mean > 0.5) {
		t.Errorf("departure %.3f, departing normals %+v (%d jagged visitors, one domain each)", m.Departure, m.Depart, jagged)
	}
	if again := pop.Mixture(); again != m {
		t.Error("mixture refitted with no new visitor")
	}
}

// TestJointPriorJagged: under a joint prior where visitors are weak or
// strong everywhere, a visitor right at every question of one domain and
// wrong at every other is strong in that domain (Departs high, estimate
// well above the others), the other domains stay weak, every interval
// holds its estimate, and the diagnostic resumes exactly.
func TestJointPriorJagged(t *testing.T) {
	bank := testBank(24, true, 5)
	names := testDomains
	priors := make([]Normal, len(names))
	for i := range priors {
		priors[i] = Normal{-1.5, 0.5}
	}
	weak := equicorrelated(names, priors, 0.7)
	for i := range priors {
		priors[i] = Normal{1.5, 0.5}
	}
	strong := equicorrelated(names, priors, 0.7)
	m := &Mixture{Domains: names, Components: []Component{weak.Components[0], strong.Components[0]},
		Departure: 0.05, Depart: []Normal{{1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}}}
	m.Components[0].Weight, m.Components[1].Weight = 0.7, 0.3
	cfg := RobustConfig()
	cfg.Mixture = m
	d, err := NewDiagnostic(bank, cfg, 9)
	if err != nil {
		t.Fatal(err)
	}
	for id, ok := d.Next(); ok; id, ok = d.Next() {
		o := Incorrect
		for _, it := range d.Bank() {
			if it.ID == id && it.Domain == "internet" {
				o = Correct
			}
		}
		if err := d.Record(id, o); err != nil {
			t.Fatal(err)
		}
		if d.Len() == 12 {
			state, err := d.MarshalState()
			if err != nil {
				t.Fatal(err)
			}
			back, err := RestoreDiagnostic(bank, state)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := d.Next()
			b, _ := back.Next()
			if a != b {
				t.Errorf("resumed diagnostic proposes %q, the original %q", b, a)
			}
		}
	}
	res := d.Results()
	for _, r := range res {
		if !(r.Low95 <= r.Theta && r.Theta <= r.High95) {
			t.Errorf("%s: estimate %.2f outside its interval [%.2f, %.2f]", r.Domain, r.Theta, r.Low95, r.High95)
		}
		if r.Domain == "internet" {
			if !(r.Departs > 0.5) || !(r.Theta > 0.5) || r.Items < cfg.MinPerDomain {
				t.Errorf("strong domain: %+v", r)
			}
		} else if !(r.Theta < -1) || r.Departs > 0.5 {
			t.Errorf("weak domain %s: %+v", r.Domain, r)
		}
	}
	// Without the departure share the same answers leave the strong
	// domain much lower: the other domains' prior wins.
	cfg.Mixture.Departure, cfg.Departure = 0, 0
	cfg.Mixture.Depart = nil
	plain, err := NewDiagnostic(bank, cfg, 9)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range d.Answers() {
		if err := plain.Record(a.Item, a.Outcome); err != nil {
			t.Fatal(err)
		}
	}
	if th, _, _, _ := plain.Estimate("internet"); !(th < res[1].Theta-0.3) {
		t.Errorf("strong domain %.2f without departure, %.2f with", th, res[1].Theta)
	}
}

// BenchmarkPopulationMixture measures the first fit of the joint prior to
// 3 000 visitors (what a kiosk does once, in the background, when its
// window opens) and a refit after 2 % more visitors.
func BenchmarkPopulationMixture(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	var results [][]DomainResult
	for v := range 3060 {
		theta := make([]float64, len(testDomains))
		g := r.NormFloat64()
		for k := range theta {
			theta[k] = []float64{-2, -0.5, 1.5}[v%3] + 0.5*g + 0.5*r.NormFloat64()
		}
		results = append(results, fakeResults(r, theta))
	}
	for b.Loop() {
		pop := NewPopulation(DefaultConfig())
		for _, res := range results[:3000] {
			pop.Add(res)
		}
		pop.Mixture()
		for _, res := range results[3000:] {
			pop.Add(res)
		}
		pop.Mixture()
	}
}

// TestConflictCapAndDepartSD: a domain whose answers keep contradicting
// the others is asked past MaxPerDomain up to ConflictMaxPerDomain (and
// no further than MaxPerDomain without it), and DepartSDMin widens a
// learnt departing normal, so the same answers leave the departing
// domain less pulled toward that normal's mean.
func TestConflictCapAndDepartSD(t *testing.T) {
	bank := testBank(24, true, 5)
	priors := make([]Normal, len(testDomains))
	for i := range priors {
		priors[i] = Normal{-1.5, 0.5}
	}
	m := equicorrelated(testDomains, priors, 0.7)
	m.Departure = 0.05
	for range testDomains {
		m.Depart = append(m.Depart, Normal{Mean: 0, SD: 0.5})
	}
	run := func(cap int, sdMin float64) (items int, theta float64) {
		cfg := RobustConfig()
		cfg.Mixture, cfg.ConflictMaxPerDomain, cfg.DepartSDMin = m, cap, sdMin
		d, err := NewDiagnostic(bank, cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		domain := map[string]string{}
		for _, it := range d.Bank() {
			domain[it.ID] = it.Domain
		}
		for id, ok := d.Next(); ok; id, ok = d.Next() {
			o := Incorrect
			if domain[id] == "internet" {
				o = Correct
			}
			if err := d.Record(id, o); err != nil {
				t.Fatal(err)
			}
		}
		theta, _, items, _ = d.Estimate("internet")
		return items, theta
	}
	capped, _ := run(0, 1.5)
	longer, _ := run(12, 1.5)
	if capped > RobustConfig().MaxPerDomain || longer <= RobustConfig().MaxPerDomain || longer > 12 {
		t.Errorf("strong domain asked %d items with no conflict cap, %d with a cap of 12 (MaxPerDomain %d)", capped, longer, RobustConfig().MaxPerDomain)
	}
	_, narrow := run(0, 0)
	_, wide := run(0, 1.5)
	t.Logf("strong domain: %d items capped at MaxPerDomain, %d at 12; estimate %.2f (departing SD 0.5), %.2f (1.5)", capped, longer, narrow, wide)
	if !(wide > narrow+0.3) {
		t.Errorf("strong domain at %.2f with the learnt departing SD 0.5, %.2f with it floored at 1.5", narrow, wide)
	}
}
