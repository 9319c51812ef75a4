package assessment

import "testing"

func TestEvolve(t *testing.T) {
	for _, c := range []struct {
		b, bse, a, ase float64
		want           Evolution
	}{
		{0, 0.3, 0, 0.3, Stable},
		{0, 0.3, 0.55, 0.3, Stable}, // 0.55 < 1.4·0.42 = 0.59
		{0, 0.3, 0.65, 0.3, Up},
		{0.9, 0.3, 0, 0.3, Down},
		{-1, 0.1, -0.5, 0.1, Up},
		{0, 1, 1.9, 1, Stable},
	} {
		if got := Evolve(c.b, c.bse, c.a, c.ase); got != c.want {
			t.Errorf("Evolve(%v±%v → %v±%v) = %v, want %v", c.b, c.bse, c.a, c.ase, got, c.want)
		}
	}
	if Up.String() != "up" || Down.String() != "down" || Stable.String() != "stable" {
		t.Error("names")
	}
}
