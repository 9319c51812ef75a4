package audio

import "math"

// Stretch returns the samples played at speed (0.85 means 15 % slower)
// without changing the pitch, using WSOLA: Hann-windowed frames of about
// 30 ms are overlap-added at a fixed output hop, each taken from near its
// nominal input position at the offset whose overlap best matches the
// natural continuation of the previous frame, so the waveform stays in
// phase. Speeds outside [0.5, 2] are clamped; speed 1 returns the input.
func Stretch(in []float32, rate int, speed float64) []float32 {
	if speed == 1 || len(in) == 0 || rate <= 0 {
		return in
	}
	speed = math.Max(0.5, math.Min(2, speed))
	win := rate * 30 / 1000 // frame length
	win -= win % 2
	if win < 16 {
		win = 16
	}
	hop := win / 2         // output hop: Hann frames at 50 % overlap sum to 1
	tol := rate * 8 / 1000 // search ±8 ms around the nominal position
	if len(in) < 2*win {
		return in
	}
	window := make([]float32, win)
	for i := range window {
		window[i] = float32(0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(win)))
	}
	outLen := int(float64(len(in)) / speed)
	out := make([]float32, outLen+win)
	// Pad the input so every candidate frame is in range.
	pad := make([]float32, tol+len(in)+win+tol+hop)
	copy(pad[tol:], in)
	src := func(i int) []float32 { return pad[tol+i:] }

	prev := 0 // input position of the previous frame
	for k := 0; k*hop < outLen; k++ {
		nominal := int(float64(k*hop) * speed)
		best := nominal
		if k > 0 {
			// The previous frame's continuation, which the new frame's first half
			// overlaps in the output.
			want := src(prev + hop)[:hop]
			bestScore := math.Inf(-1)
			lo, hi := max(nominal-tol, -tol), nominal+tol
			for cand := lo; cand <= hi; cand++ {
				c := src(cand)[:hop]
				var dot, energy float32
				for i := range want {
					dot += want[i] * c[i]
					energy += c[i] * c[i]
				}
				score := float64(dot) / math.Sqrt(float64(energy)+1e-9)
				if score > bestScore {
					bestScore, best = score, cand
				}
			}
		}
		frame := src(best)[:win]
		o := out[k*hop:]
		for i, w := range window {
			o[i] += frame[i] * w
		}
		prev = best
	}
	// The first half frame had no predecessor: undo its fade-in.
	for i := 0; i < hop; i++ {
		if window[i] > 0.05 {
			out[i] /= window[i]
		}
	}
	return out[:outLen]
}
