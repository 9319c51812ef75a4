package audio

import (
	"math"
	"testing"
)

func sine(freq float64, rate int, seconds float64) []float32 {
	out := make([]float32, int(seconds*float64(rate)))
	for i := range out {
		out[i] = float32(0.5 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return out
}

// pitch estimates a tone's frequency from its upward zero crossings,
// ignoring the first and last 10 %.
func pitch(x []float32, rate int) float64 {
	x = x[len(x)/10 : len(x)*9/10]
	first, last, n := -1, -1, 0
	for i := 1; i < len(x); i++ {
		if x[i-1] < 0 && x[i] >= 0 {
			if first < 0 {
				first = i
			} else {
				n++
			}
			last = i
		}
	}
	if n == 0 {
		return 0
	}
	return float64(n) * float64(rate) / float64(last-first)
}

func TestResample(t *testing.T) {
	for _, tt := range []struct{ from, to int }{{22050, 48000}, {16000, 48000}, {48000, 22050}, {32000, 48000}, {44100, 48000}} {
		in := sine(440, tt.from, 1)
		out := Resample(in, tt.from, tt.to)
		if want := tt.to; len(out) != want {
			t.Errorf("%d→%d: %d samples, want %d", tt.from, tt.to, len(out), want)
		}
		if p := pitch(out, tt.to); math.Abs(p-440) > 2 {
			t.Errorf("%d→%d: pitch %.1f Hz, want 440", tt.from, tt.to, p)
		}
		if a, b := rms(in), rms(out); math.Abs(a-b) > 0.02*a {
			t.Errorf("%d→%d: RMS %.4f, want %.4f", tt.from, tt.to, b, a)
		}
	}
	in := []float32{1, 2, 3}
	if out := Resample(in, 8000, 8000); &out[0] != &in[0] {
		t.Error("same rate should return the input")
	}
}

func TestStretchKeepsPitch(t *testing.T) {
	const rate = 22050
	for _, speed := range []float64{0.85, 0.7, 1.25} {
		for _, freq := range []float64{150, 220, 440, 1000} {
			in := sine(freq, rate, 2)
			out := Stretch(in, rate, speed)
			wantLen := float64(len(in)) / speed
			if math.Abs(float64(len(out))-wantLen) > 0.01*wantLen {
				t.Errorf("speed %v: %d samples, want %.0f", speed, len(out), wantLen)
			}
			if p := pitch(out, rate); math.Abs(p-freq) > 0.02*freq {
				t.Errorf("speed %v, %v Hz: pitch became %.1f Hz", speed, freq, p)
			}
			// Frames stay in phase: the level is steady, with no cancellations.
			mid := out[len(out)/10 : len(out)*9/10]
			if a, b := rms(in), rms(mid); math.Abs(a-b) > 0.05*a {
				t.Errorf("speed %v, %v Hz: RMS %.4f, want %.4f", speed, freq, b, a)
			}
		}
	}
}

func TestStretchSpeech(t *testing.T) {
	s, err := DecodeOgg(readClip(t, "touche.ogg"))
	if err != nil {
		t.Fatal(err)
	}
	out := Stretch(s.Samples, s.Rate, SlowerSpeed)
	ratio := float64(len(out)) / float64(len(s.Samples))
	if math.Abs(ratio-1/SlowerSpeed) > 0.01 {
		t.Errorf("length ratio %.3f, want %.3f", ratio, 1/SlowerSpeed)
	}
	a, b := rms(s.Samples), rms(out)
	// Slower speech keeps its loudness (a few pauses grow too).
	if math.Abs(a-b) > 0.1*a {
		t.Errorf("RMS %.4f, clip %.4f", b, a)
	}
	for i, v := range out {
		if v != v || math.Abs(float64(v)) > 1.2 {
			t.Fatalf("sample %d = %v", i, v)
		}
	}
}

func TestStretchEdges(t *testing.T) {
	if out := Stretch(nil, 22050, 0.85); len(out) != 0 {
		t.Error("nil input")
	}
	short := []float32{0.1, 0.2, 0.3}
	if out := Stretch(short, 22050, 0.85); len(out) != 3 {
		t.Error("a clip shorter than two frames is returned as is")
	}
	in := sine(440, 8000, 1)
	if out := Stretch(in, 8000, 1); &out[0] != &in[0] {
		t.Error("speed 1 should return the input")
	}
	if out := Stretch(in, 8000, 0.1); len(out) != 2*len(in) {
		t.Errorf("speed clamped to 0.5: %d samples, want %d", len(out), 2*len(in))
	}
}
