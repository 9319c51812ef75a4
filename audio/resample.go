package audio

// Resample converts mono samples from one rate to another with cubic
// (Catmull-Rom) interpolation: cheap, and clean enough for speech. It returns
// the input itself when the rates are equal.
func Resample(in []float32, from, to int) []float32 {
	if from == to || from <= 0 || to <= 0 || len(in) == 0 {
		return in
	}
	n := int(int64(len(in)) * int64(to) / int64(from))
	out := make([]float32, n)
	last := len(in) - 1
	at := func(i int) float32 {
		if i < 0 {
			return in[0]
		}
		if i > last {
			return in[last]
		}
		return in[i]
	}
	step := float64(from) / float64(to)
	for j := range out {
		pos := float64(j) * step
		i := int(pos)
		t := float32(pos - float64(i))
		y0, y1, y2, y3 := at(i-1), at(i), at(i+1), at(i+2)
		a := -0.5*y0 + 1.5*y1 - 1.5*y2 + 0.5*y3
		b := y0 - 2.5*y1 + 2*y2 - 0.5*y3
		c := -0.5*y0 + 0.5*y2
		out[j] = ((a*t+b)*t+c)*t + y1
	}
	return out
}
