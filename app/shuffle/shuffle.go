// Package shuffle orders an item's choices, steps or cards on screen, the
// same way for the diagnostic's question screen (package app) and the
// module player's questions (app/learn).
//
// The order is fixed by a seed (the visit's) and the item's id: a resumed
// visit shows the same screen and a seeded test sees the same one, while
// each visitor meets another order and the pack's order (authors write the
// right answer first) gives nothing away.
package shuffle

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
)

// Order returns the indexes 0..n-1 in the order seed and id give, every
// order equally likely (the order as written included).
func Order(seed uint64, id string, n int) []int {
	h := fnv.New64a()
	h.Write([]byte(id))
	return rand.New(rand.NewPCG(seed, h.Sum64())).Perm(n)
}

// Mixed is Order, but never the order as written: steps to put in order
// must not start solved, and a module's choices never show the right
// answer where the author wrote it.
func Mixed(seed uint64, id string, n int) []int {
	idx := Order(seed, id, n)
	if n > 1 && slices.IsSorted(idx) {
		idx[0], idx[1] = idx[1], idx[0]
	}
	return idx
}
