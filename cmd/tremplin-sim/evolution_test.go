package main

import (
	"testing"

	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

// TestFalseUpRate: learners whose ability did not change are called "up"
// at most 5 % of the time; a real gain of one standard deviation is seen
// several times as often.
func TestFalseUpRate(t *testing.T) {
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	bank := packBank(p)
	same, err := simulateEvolution(bank, 300, 0, 11)
	if err != nil {
		t.Fatal(err)
	}
	if same.Domains < 1000 || same.UpRate() > 0.05 || same.DownRate() > 0.05 {
		t.Errorf("unchanged learners: %+v (up %.3f, down %.3f)", same, same.UpRate(), same.DownRate())
	}
	better, err := simulateEvolution(bank, 300, 1, 11)
	if err != nil {
		t.Fatal(err)
	}
	if better.UpRate() <= 0.15 || better.Down > same.Down {
		t.Errorf("a gain of 1: %+v (up %.3f)", better, better.UpRate())
	}
	t.Logf("unchanged: up %.1f %%, down %.1f %% of %d; gain 1: up %.1f %%", 100*same.UpRate(), 100*same.DownRate(), same.Domains, 100*better.UpRate())
}
