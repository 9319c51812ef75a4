package audio

import (
	"errors"
	"math"
	"testing"
)

// checkDecoded is what every decoder promises for any input: an error
// wrapping ErrFormat, or a sound within the limits with finite samples.
func checkDecoded(t *testing.T, s *Sound, err error) {
	if err != nil {
		if !errors.Is(err, ErrFormat) {
			t.Fatalf("error %v does not wrap ErrFormat", err)
		}
		if s != nil {
			t.Fatal("both a sound and an error")
		}
		return
	}
	if s == nil || len(s.Samples) == 0 {
		t.Fatal("no error and no sound")
	}
	if s.Rate < MinRate || s.Rate > MaxRate || len(s.Samples) > maxSamples(s.Rate) {
		t.Fatalf("rate %d, %d samples: beyond the limits", s.Rate, len(s.Samples))
	}
	for i, v := range s.Samples {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("sample %d is %v", i, v)
		}
	}
}

func addSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		b := readClip(f, name)
		f.Add(b)
		f.Add(b[:len(b)/2])
		f.Add(b[:min(len(b), 200)])
		flipped := append([]byte(nil), b...)
		for i := 100; i < len(flipped); i += 997 {
			flipped[i] ^= 0x5A
		}
		f.Add(flipped)
	}
	f.Add([]byte{})
}

func FuzzDecodeOgg(f *testing.F) {
	addSeeds(f, "bonjour.ogg", "touche.ogg")
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := DecodeOgg(data)
		checkDecoded(t, s, err)
	})
}

func FuzzDecodeWAV(f *testing.F) {
	addSeeds(f, "oui.wav", "oui-stereo-16k.wav")
	f.Add(wavHeader(3, 1, 8000, 64, make([]byte, 64)))
	f.Add(wavHeader(1, 2, 8000, 24, make([]byte, 60)))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := DecodeWAV(data)
		checkDecoded(t, s, err)
	})
}

func FuzzDecodeMP3(f *testing.F) {
	addSeeds(f, "bonjour.mp3")
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := DecodeMP3(data)
		checkDecoded(t, s, err)
	})
}

// FuzzDecode drives the format dispatch with any bytes and format name.
func FuzzDecode(f *testing.F) {
	f.Add(readClip(f, "bonjour.ogg"), "ogg")
	f.Add(readClip(f, "oui.wav"), "WAV")
	f.Add(readClip(f, "bonjour.mp3"), ".mp3")
	f.Add([]byte("RIFF"), "flac")
	f.Fuzz(func(t *testing.T, data []byte, format string) {
		s, err := Decode(data, format)
		checkDecoded(t, s, err)
	})
}

// FuzzStretch checks the time-stretch on arbitrary samples and speeds.
func FuzzStretch(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, 0.85, 8000)
	f.Fuzz(func(t *testing.T, raw []byte, speed float64, rate int) {
		if rate < MinRate || rate > 48000 || math.IsNaN(speed) || len(raw) > 1<<16 {
			return
		}
		in := make([]float32, len(raw))
		for i, b := range raw {
			in[i] = float32(int8(b)) / 128
		}
		out := Stretch(in, rate, speed)
		for i, v := range out {
			if v != v || math.Abs(float64(v)) > 4 {
				t.Fatalf("sample %d = %v", i, v)
			}
		}
	})
}
