package assessment

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPopulationLearnsWeakVisitors: visitors far weaker than the default
// prior, each tested with the prior learnt from those before, teach it
// their distribution, and their estimates lose most of the upward bias the
// default prior gives them.
func TestPopulationLearnsWeakVisitors(t *testing.T) {
	const trueMean, trueSD = -1.2, 0.7
	bank := testBank(30, false, 9)
	run := func(learn bool) (priors map[string]Normal, bias float64) {
		pop := NewPopulation(DefaultConfig())
		r := rand.New(rand.NewPCG(5, 6))
		var sum float64
		var n int
		for l := 0; l < 400; l++ {
			cfg := DefaultConfig()
			if learn {
				cfg.DomainPriors = pop.Priors()
			}
			theta := map[string]float64{}
			for _, dom := range testDomains {
				theta[dom] = trueMean + trueSD*r.NormFloat64()
			}
			d, err := NewDiagnostic(bank, cfg, int64(l))
			if err != nil {
				t.Fatal(err)
			}
			simulate(t, d, theta, r, 1000)
			res := d.Results()
			pop.Add(res)
			if l >= 200 { // once the prior has been learnt
				for _, x := range res {
					sum += x.Theta - theta[x.Domain]
					n++
				}
			}
		}
		return pop.Priors(), sum / float64(n)
	}
	priors, learnt := run(true)
	for _, dom := range testDomains {
		p := priors[dom]
		if math.Abs(p.Mean-trueMean) > 0.25 || math.Abs(p.SD-trueSD) > 0.25 {
			t.Errorf("%s: learnt N(%.2f, %.2f), true N(%v, %v)", dom, p.Mean, p.SD, trueMean, trueSD)
		}
	}
	t.Logf("learnt: %+v", priors)
	_, plain := run(false)
	t.Logf("bias %+.3f learnt, %+.3f default", learnt, plain)
	if !(plain > 0.2) || !(math.Abs(learnt) < plain/2) {
		t.Errorf("bias of the estimates: %+.3f with the learnt prior, %+.3f with the default one", learnt, plain)
	}
}

func TestPopulationWeightAndBadResults(t *testing.T) {
	pop := NewPopulation(DefaultConfig())
	// Three very weak visitors barely move the prior (weight of 30).
	for i := 0; i < 3; i++ {
		pop.Add([]DomainResult{{Domain: "x", Items: 8, PlainTheta: -2.5, PlainSE: 0.4, Prior: Normal{0, 1}}})
	}
	if p := pop.Priors()["x"]; p.Mean < -0.4 || p.Mean > 0 {
		t.Errorf("3 visitors moved the prior to %+v", p)
	}
	// Unusable or empty results are skipped.
	pop.Add([]DomainResult{
		{Domain: "y", Items: 0, PlainTheta: -1, PlainSE: 0.5},
		{Domain: "y", Items: 3, PlainTheta: math.NaN(), PlainSE: 0.5},
		{Domain: "y", Items: 3, PlainTheta: -1, PlainSE: 0},
		{Domain: "y", Items: 3, PlainTheta: -1, PlainSE: 2}, // no information beyond the prior
		{Domain: "y", Items: 3, PlainTheta: -1, PlainSE: math.Inf(1)},
	})
	if pop.Visitors("y") != 0 || pop.Visitors("x") != 3 {
		t.Errorf("visitors y %d, x %d", pop.Visitors("y"), pop.Visitors("x"))
	}
	if _, ok := pop.Priors()["y"]; ok {
		t.Error("a prior learnt from no usable result")
	}
	// Extreme results stay within bounds.
	for i := 0; i < 500; i++ {
		pop.Add([]DomainResult{{Domain: "z", Items: 8, PlainTheta: 3.9, PlainSE: 0.05, Prior: Normal{0, 1}}})
	}
	if p := pop.Priors()["z"]; p.Mean > popMeanLimit || p.SD < popSDMin {
		t.Errorf("prior out of bounds: %+v", p)
	}
}

func TestDomainPriors(t *testing.T) {
	bank := testBank(20, true, 3)
	cfg := DefaultConfig()
	cfg.DomainPriors = map[string]Normal{"internet": {Mean: -1, SD: 0.5}}
	d, err := NewDiagnostic(bank, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	if th, se, _, _ := d.Estimate("internet"); math.Abs(th+1) > 1e-3 || math.Abs(se-0.5) > 1e-2 {
		t.Errorf("internet before any answer: %v ± %v, want -1 ± 0.5", th, se)
	}
	if th, se, _, _ := d.Estimate("documents"); math.Abs(th) > 1e-3 || math.Abs(se-1) > 1e-2 {
		t.Errorf("documents before any answer: %v ± %v, want the plain N(0, 1)", th, se)
	}
	cfg.DomainPriors["internet"] = Normal{Mean: 1, SD: 0.5}
	if c := d.Config(); c.DomainPriors["internet"].Mean != -1 {
		t.Error("the diagnostic shares the caller's map")
	}
	testResume(t, bank, cfg)
	for _, bad := range []Normal{{0, 0}, {math.NaN(), 1}, {0, math.Inf(1)}} {
		cfg.DomainPriors = map[string]Normal{"internet": bad}
		if _, err := NewDiagnostic(bank, cfg, 1); err == nil {
			t.Errorf("prior %+v accepted", bad)
		}
	}
}

// BenchmarkPopulationPriors fits the priors from 10 000 earlier visitors
// from scratch: what the kiosk does for its first visitor on a busy device.
func BenchmarkPopulationPriors(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	var results [][]DomainResult
	for i := 0; i < 10000; i++ {
		var res []DomainResult
		for _, dom := range testDomains {
			res = append(res, DomainResult{Domain: dom, Items: 6, PlainTheta: r.NormFloat64() - 1, PlainSE: 0.6, Prior: Normal{0, 1}})
		}
		results = append(results, res)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pop := NewPopulation(DefaultConfig())
		for _, res := range results {
			pop.Add(res)
		}
		pop.Priors()
	}
}
