package assessment

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func corr(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, syy, sxy float64
	for i := range x {
		sx, sy, sxx, syy, sxy = sx+x[i], sy+y[i], sxx+x[i]*x[i], syy+y[i]*y[i], sxy+x[i]*y[i]
	}
	return (n*sxy - sx*sy) / math.Sqrt((n*sxx-sx*sx)*(n*syy-sy*sy))
}

// TestCalibrateRecovers simulates 2 000 learners answering two domains of
// 30 items each (every learner answers a random 60 % of them) and checks
// that MML recovers the true b with correlation ≥ 0.95.
func TestCalibrateRecovers(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	type truth struct{ a, b float64 }
	items := map[string]truth{}
	var obs []Observation
	domains := []string{"internet", "documents"}
	var ids []string
	for _, d := range domains {
		for j := 0; j < 30; j++ {
			id := fmt.Sprintf("%s-%02d", d, j)
			items[id] = truth{math.Exp(0.2 + 0.3*r.NormFloat64()), 1.2 * r.NormFloat64()}
			ids = append(ids, id)
		}
	}
	for l := 0; l < 2000; l++ {
		theta := map[string]float64{"internet": r.NormFloat64(), "documents": r.NormFloat64()}
		for _, id := range ids {
			if r.Float64() > 0.6 {
				continue
			}
			it := items[id]
			d := id[:len(id)-3]
			obs = append(obs, Observation{Learner: fmt.Sprint("L", l), Item: id, Domain: d,
				Correct: r.Float64() < Prob(it.a, it.b, theta[d])})
		}
	}
	est, err := Calibrate(obs, CalibrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(est) != len(ids) {
		t.Fatalf("%d estimates for %d items", len(est), len(ids))
	}
	var tb, eb, ta, ea []float64
	for _, e := range est {
		tr := items[e.ID]
		if e.Domain+e.ID[len(e.Domain):] != e.ID {
			t.Errorf("item %s in domain %s", e.ID, e.Domain)
		}
		tb, eb, ta, ea = append(tb, tr.b), append(eb, e.B), append(ta, tr.a), append(ea, e.A)
	}
	cb, ca := corr(tb, eb), corr(ta, ea)
	t.Logf("correlation with the truth: b %.3f, a %.3f", cb, ca)
	if cb < 0.95 {
		t.Errorf("b recovered with correlation %.3f, want ≥ 0.95", cb)
	}
	if ca < 0.7 {
		t.Errorf("a recovered with correlation %.3f, want ≥ 0.7", ca)
	}
}

func TestCalibrateEdgeCases(t *testing.T) {
	if _, err := Calibrate(nil, CalibrateOptions{}); !errors.Is(err, ErrNoData) {
		t.Errorf("no data: %v", err)
	}
	if _, err := Calibrate([]Observation{{Item: "x"}}, CalibrateOptions{}); err == nil {
		t.Error("answer without learner accepted")
	}
	if _, err := Calibrate([]Observation{{Learner: "l", Item: "x", Domain: "a"}, {Learner: "l", Item: "x", Domain: "b"}}, CalibrateOptions{}); err == nil {
		t.Error("item in two domains accepted")
	}
	// Everyone right on one item, everyone wrong on another: finite estimates.
	var obs []Observation
	for l := 0; l < 50; l++ {
		obs = append(obs, Observation{Learner: fmt.Sprint(l), Item: "easy", Correct: true},
			Observation{Learner: fmt.Sprint(l), Item: "hard", Correct: false},
			Observation{Learner: fmt.Sprint(l), Item: "mid", Correct: l%2 == 0})
	}
	est, err := Calibrate(obs, CalibrateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range est {
		if math.IsNaN(e.A) || math.IsNaN(e.B) || math.IsInf(e.B, 0) || e.A <= 0 {
			t.Errorf("unusable estimate %+v", e)
		}
	}
	if !(est[0].B < est[2].B && est[2].B < est[1].B) { // easy, hard, mid sorted by id
		t.Errorf("difficulties not ordered easy < mid < hard: %+v", est)
	}
}
