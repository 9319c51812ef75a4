package progress_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/app/visit"
	"github.com/tremplin-numerique/tremplin/assessment"
)

// TestOneMasteryRule: the same answers give the same knowledge estimates
// whether the run traces mastery itself (progress alone) or the kiosk's
// visit does (visit.Practice as the Tracker): only first attempts count
// (progress.Evidence). Each practice is missed twice then answered right
// (after the hint), or right at once, alternately.
func TestOneMasteryRule(t *testing.T) {
	ctx := context.Background()
	p := pack(t)
	m, _ := p.Module("la-souris")
	priors := map[string]float64{"equipement.souris.reconnaitre": 0.5}
	play := func(r *progress.Run) map[string]float64 {
		t.Helper()
		n := 0
		for !r.Done() {
			if _, ok := r.Item(); ok {
				if n%2 == 0 {
					for range 2 {
						if _, err := r.Answer(ctx, false, nil, nil); err != nil {
							t.Fatal(err)
						}
						r.Retry()
					}
				}
				if _, err := r.Answer(ctx, true, nil, nil); err != nil {
					t.Fatal(err)
				}
				n++
			}
			if _, err := r.Next(ctx, false); err != nil {
				t.Fatal(err)
			}
		}
		return r.Known()
	}

	bare := openJournal(t, filepath.Join(t.TempDir(), "bare.db"))
	defer bare.Close()
	r1, err := progress.Start(ctx, progress.Options{Pack: p, Module: m, LearnerID: "L1", Store: bare, Priors: priors})
	if err != nil {
		t.Fatal(err)
	}
	alone := play(r1)

	kj := openJournal(t, filepath.Join(t.TempDir(), "kiosk.db"))
	defer kj.Close()
	v := visit.New(visit.Config{Journal: kj})
	practice, err := v.StartModule(ctx, m.ID, priors)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := progress.Start(ctx, progress.Options{Pack: p, Module: m, LearnerID: v.LearnerID(), Store: kj, Tracker: practice})
	if err != nil {
		t.Fatal(err)
	}
	kiosk := play(r2)

	// What the rule gives by hand: each practice's first attempt only.
	bkt := assessment.DefaultBKT()
	want := map[string]float64{}
	for _, s := range m.Skills {
		want[s] = bkt.Prior
		if k, ok := priors[s]; ok {
			want[s] = k
		}
	}
	n := 0
	for i := 0; i < len(m.Flow()); i++ {
		step := m.Flow()[i]
		if !step.IsPractice() {
			continue
		}
		it, _ := p.Item(step.Practice)
		o := assessment.Correct
		if n%2 == 0 {
			o = assessment.Incorrect
		}
		want[it.Skill] = bkt.Update(want[it.Skill], o)
		n++
	}
	for _, s := range m.Skills {
		if alone[s] != kiosk[s] || alone[s] != want[s] {
			t.Errorf("%s: known %.4f alone, %.4f in the kiosk, %.4f by the rule", s, alone[s], kiosk[s], want[s])
		}
	}
	if n < 2 {
		t.Fatalf("only %d practices: the test proves little", n)
	}
}
