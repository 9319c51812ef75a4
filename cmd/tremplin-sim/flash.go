package main

import (
	"math"
	"math/rand/v2"

	"github.com/tremplin-numerique/tremplin/assessment"
)

// flashLength is the Pix-flash-like baseline's fixed length.
const flashLength = 32

// flashResult is the baseline's outcome for one learner: one ability for
// every domain.
type flashResult struct {
	theta, se float64
	lo, hi    float64 // 95 % interval
	band      int
	items     []int // answers per domain
}

// runFlash runs the Pix-flash-like baseline the issue describes on bank
// for one learner: a single ability θ for all domains, EAP on an 81-point
// grid over [−4, 4] with an N(0, 1) prior; the next item is drawn among
// the 5 most informative at θ̂ (the best with probability 0.51, each of the
// 4 others 0.1225), at most one item per skill; 32 items. answer gives the
// learner's outcome for a bank index (the same draws as the other forms).
func runFlash(bank []assessment.Item, domIdx map[string]int, nd int, cuts []float64, seed uint64, answer func(i int) bool) flashResult {
	const points = 81
	theta := make([]float64, points)
	ll := make([]float64, points)
	post := make([]float64, points)
	for g := range theta {
		theta[g] = -4 + 8*float64(g)/(points-1)
	}
	rng := rand.New(rand.NewPCG(seed, 0xf1a5))
	usedSkill := map[string]bool{}
	used := make([]bool, len(bank))
	res := flashResult{items: make([]int, nd)}
	estimate := func() {
		maxL := math.Inf(-1)
		for g, t := range theta {
			post[g] = ll[g] - 0.5*t*t
			maxL = max(maxL, post[g])
		}
		var sw, s1, s2 float64
		for g, t := range theta {
			w := math.Exp(post[g] - maxL)
			post[g] = w
			sw += w
			s1 += w * t
			s2 += w * t * t
		}
		for g := range post {
			post[g] /= sw
		}
		res.theta = s1 / sw
		res.se = math.Sqrt(max(s2/sw-res.theta*res.theta, 0))
	}
	estimate()
	type cand struct {
		i    int
		info float64
	}
	for n := 0; n < flashLength; n++ {
		var top [5]cand
		k := 0
		for i, it := range bank {
			if used[i] || (it.Skill != "" && usedSkill[it.Skill]) {
				continue
			}
			c := cand{i, assessment.Info(it.A, it.B, res.theta)}
			if k < len(top) {
				top[k] = c
				k++
			} else if c.info > top[k-1].info {
				top[k-1] = c
			} else {
				continue
			}
			for j := k - 1; j > 0 && top[j].info > top[j-1].info; j-- {
				top[j], top[j-1] = top[j-1], top[j]
			}
		}
		if k == 0 {
			break
		}
		pick := 0
		if u := rng.Float64(); u >= 0.51 && k > 1 {
			pick = 1 + min(int((u-0.51)/0.49*float64(k-1)), k-2)
		}
		i := top[pick].i
		it := bank[i]
		used[i] = true
		usedSkill[it.Skill] = true
		res.items[domIdx[it.Domain]]++
		right := answer(i)
		for g, t := range theta {
			p := assessment.Prob(it.A, it.B, t)
			if right {
				ll[g] += math.Log(p)
			} else {
				ll[g] += math.Log1p(-p)
			}
		}
		estimate()
	}
	res.lo, res.hi = assessment.GridInterval(theta, post, 0.95)
	mass := make([]float64, len(cuts)+1)
	for g, t := range theta {
		b := 0
		for _, c := range cuts {
			if t >= c {
				b++
			}
		}
		mass[b] += post[g]
	}
	for b := range mass {
		if mass[b] > mass[res.band] {
			res.band = b
		}
	}
	return res
}
