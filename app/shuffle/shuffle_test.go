package shuffle

import (
	"slices"
	"testing"
)

// TestOrderIsAPermutationFixedBySeedAndID: the same seed and id give the
// same order; every index appears once; other seeds give other orders.
func TestOrderIsAPermutationFixedBySeedAndID(t *testing.T) {
	a := Order(7, "eq-souris-1", 5)
	if !slices.Equal(a, Order(7, "eq-souris-1", 5)) {
		t.Fatal("same seed and id, different orders")
	}
	s := slices.Clone(a)
	slices.Sort(s)
	if !slices.Equal(s, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("%v is not a permutation of 0..4", a)
	}
	differ := false
	for seed := uint64(1); seed < 20; seed++ {
		if !slices.Equal(Order(seed, "eq-souris-1", 5), a) {
			differ = true
		}
	}
	if !differ {
		t.Fatal("the seed does not change the order")
	}
}

// TestMixedNeverAsWritten: over many seeds, Mixed never returns 0..n-1
// (Order sometimes does), and is Order otherwise.
func TestMixedNeverAsWritten(t *testing.T) {
	sawIdentity := false
	for seed := uint64(0); seed < 500; seed++ {
		o, m := Order(seed, "x", 3), Mixed(seed, "x", 3)
		if slices.IsSorted(o) {
			sawIdentity = true
		} else if !slices.Equal(o, m) {
			t.Fatalf("seed %d: Mixed %v differs from Order %v though Order is mixed", seed, m, o)
		}
		if slices.IsSorted(m) {
			t.Fatalf("seed %d: Mixed gave the order as written", seed)
		}
	}
	if !sawIdentity {
		t.Fatal("no seed gave Order as written: the test proves nothing")
	}
	if got := Mixed(1, "x", 1); !slices.Equal(got, []int{0}) {
		t.Fatalf("one choice: %v", got)
	}
}
