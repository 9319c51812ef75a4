package learners

import (
	"errors"
	"math/rand/v2"
	"strings"
)

// Pictograms are the pictures of a picture code: familiar things a person
// who reads little names at a glance, drawn in assets/code/NAME.svg.
var Pictograms = []string{
	"soleil", "maison", "chat", "voiture", "arbre", "poisson", "etoile", "coeur",
	"lune", "fleur", "oiseau", "pomme", "bateau", "cle", "tasse", "parapluie",
}

// CodeLength is the number of pictures in a code: 16⁴ = 65 536 codes per
// site. That is small, so the keypad slows down after wrong codes (see
// docs/architecture.md).
const CodeLength = 4

// ErrNoFreeCode is returned when no free code was found (a device that gave
// out most of its 65 536 codes).
var ErrNoFreeCode = errors.New("no free picture code left on this device")

// NewCode draws a code no learner of the site known here ever had (taken says which are).
func NewCode(r *rand.Rand, taken func(code string) bool) (string, error) {
	for range 1000 {
		parts := make([]string, CodeLength)
		for i := range parts {
			parts[i] = Pictograms[r.IntN(len(Pictograms))]
		}
		c := JoinCode(parts)
		if !taken(c) {
			return c, nil
		}
	}
	return "", ErrNoFreeCode
}

// JoinCode makes the journaled form of a code from its pictures.
func JoinCode(parts []string) string { return strings.Join(parts, "-") }

// SplitCode returns a code's pictures.
func SplitCode(code string) []string {
	if code == "" {
		return nil
	}
	return strings.Split(code, "-")
}
