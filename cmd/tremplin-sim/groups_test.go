package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tremplin-numerique/tremplin/assessment"
)

// TestMixedPopulationGroups: a mixed population written by the population
// command and read back by cat gives figures for every kind of result, for
// the adaptive test and the flash baseline, the baseline 32 items long.
func TestMixedPopulationGroups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pop.csv")
	capture(t, "population", "--learners", "400", "--seed", "4", "--out", path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "id,group,equipement,") {
		t.Fatalf("population header: %.60s", data)
	}
	text := capture(t, "cat", "--population", path, "--seed", "4", "--baseline", "flash", "--compare-fixed=false", "--json")
	var rep CATReport
	if err := json.Unmarshal([]byte(text), &rep); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	for k, groups := range [][]GroupFigures{rep.Groups, rep.BaselineGroups} {
		seen := map[string]GroupFigures{}
		for _, g := range groups {
			seen[g.Group] = g
		}
		for _, want := range append(groupOrder, "all") {
			g, ok := seen[want]
			// The baseline's single θ misses every jagged strong domain:
			// only the adaptive test's figures must be reasonable.
			if !ok || g.Results == 0 || g.Coverage > 1 || (k == 0 && !(g.Coverage > 0.3 && g.BandAcc > 0)) {
				t.Errorf("group %q: %+v (seen %v)", want, g, ok)
			}
		}
		if seen["all"].Results != 400*5 {
			t.Errorf("all: %d results, want 2000", seen["all"].Results)
		}
	}
	if rep.Baseline == nil || rep.Baseline.MeanItems != flashLength {
		t.Errorf("baseline %+v", rep.Baseline)
	}
	if rep.Bound.Population != 2000 || !(rep.Bound.Accuracy > 0.6 && rep.Bound.Accuracy < 1) {
		t.Errorf("bound %+v", rep.Bound)
	}
}

// TestPopulationBound: with no information the population bound is the
// share of the population's most common band; with perfect information it
// is 1; on N(0, 1) draws it agrees with the analytic bound.
func TestPopulationBound(t *testing.T) {
	cfg := assessment.DefaultConfig()
	thetas := []float64{-2, -2, -2, 0.5, 2}
	pb := newPopulationBound(thetas, cfg)
	if got := pb.accuracy(1e-6); got < 0.59 || got > 0.61 {
		t.Errorf("no information: %.3f, want 0.6", got)
	}
	if got := pb.accuracy(1e6); got < 0.999 {
		t.Errorf("perfect information: %.3f", got)
	}
	var normal []float64
	for _, p := range drawLearners(4000, 5, 1) {
		normal = append(normal, p.theta...)
	}
	got, want := newPopulationBound(normal, cfg).accuracy(2.88), idealBandAccuracy(2.88, cfg)
	if d := got - want; d < -0.01 || d > 0.01 {
		t.Errorf("N(0, 1) draws: %.4f, analytic %.4f", got, want)
	}
}

// TestLoop: the calibration loop recalibrates the items with enough
// answers, and the diagnostic with the calibrated parameters is closer to
// the truth than with the seeded ones.
func TestLoop(t *testing.T) {
	text := capture(t, "loop", "--visitors", "300", "--fresh", "100", "--items", "60", "--min-answers", "15", "--json")
	var rows []LoopRow
	if err := json.Unmarshal([]byte(text), &rows); err != nil {
		t.Fatalf("JSON: %v\n%s", err, text)
	}
	if len(rows) != 1 {
		t.Fatalf("rows %+v", rows)
	}
	r := rows[0]
	if r.Visitors != 300 || r.Recalibrated < 40 || r.Recalibrated > 60 || !(r.RMSEB > 0) {
		t.Errorf("row %+v", r)
	}
	if !(r.CalibratedRMSE < r.SeededRMSE) || !(r.TrueAcc > 0.5) {
		t.Errorf("θ RMSE seeded %.3f, calibrated %.3f, true %.3f; band accuracy with true parameters %.3f",
			r.SeededRMSE, r.CalibratedRMSE, r.TrueRMSE, r.TrueAcc)
	}
}
