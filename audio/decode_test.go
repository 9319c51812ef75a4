package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testClips are the committed clips (see testdata/README.md) with their
// expected rate and duration as reported by soxi/ogginfo.
var testClips = []struct {
	file string
	rate int
	dur  time.Duration
}{
	{"bonjour.ogg", 22050, 2100 * time.Millisecond},
	{"touche.ogg", 22050, 2524 * time.Millisecond},
	{"bonjour.mp3", 32000, 2100 * time.Millisecond},
	{"oui.wav", 22050, 634 * time.Millisecond},
	{"oui-stereo-16k.wav", 16000, 634 * time.Millisecond},
}

func readClip(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rms(x []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	var sum float64
	for _, v := range x {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(len(x)))
}

func TestDecodeClips(t *testing.T) {
	for _, c := range testClips {
		t.Run(c.file, func(t *testing.T) {
			s, err := Decode(readClip(t, c.file), FormatOf(c.file))
			if err != nil {
				t.Fatal(err)
			}
			if s.Rate != c.rate {
				t.Errorf("rate %d, want %d", s.Rate, c.rate)
			}
			// MP3 adds encoder delay and frame padding: 96 ms here.
			slack := 20 * time.Millisecond
			if c.file == "bonjour.mp3" {
				slack = 120 * time.Millisecond
			}
			if d := s.Duration() - c.dur; d < -20*time.Millisecond || d > slack {
				t.Errorf("duration %v, want %v", s.Duration(), c.dur)
			}
			if r := rms(s.Samples); r < 0.02 || r > 0.7 {
				t.Errorf("RMS %.4f: silent or clipped speech", r)
			}
			for i, v := range s.Samples {
				if v != v || v < -1.01 || v > 1.01 {
					t.Fatalf("sample %d = %v", i, v)
				}
			}
		})
	}
}

// TestDecodersAgree checks that the same speech decodes alike from WAV and
// from its lossy encodings: same length and similar energy.
func TestDecodersAgree(t *testing.T) {
	ogg, err := DecodeOgg(readClip(t, "bonjour.ogg"))
	if err != nil {
		t.Fatal(err)
	}
	mp3, err := DecodeMP3(readClip(t, "bonjour.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	a, b := rms(ogg.Samples), rms(mp3.Samples)
	if math.Abs(a-b)/a > 0.15 {
		t.Errorf("RMS ogg %.4f vs mp3 %.4f", a, b)
	}
	mono, err := DecodeWAV(readClip(t, "oui.wav"))
	if err != nil {
		t.Fatal(err)
	}
	stereo, err := DecodeWAV(readClip(t, "oui-stereo-16k.wav"))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := rms(mono.Samples), rms(stereo.Samples); math.Abs(a-b)/a > 0.1 {
		t.Errorf("RMS mono %.4f vs stereo 16 kHz %.4f", a, b)
	}
}

// TestDecodePackClips decodes voice clips of the embedded default pack, when
// the repository has them.
func TestDecodePackClips(t *testing.T) {
	files, _ := filepath.Glob("../assets/pack/voice/*")
	if len(files) == 0 {
		t.Skip("no pack clips in ../assets/pack/voice")
	}
	step := max(1, len(files)/60) // a sample is enough; decoding all takes seconds
	n := 0
	for i := 0; i < len(files); i += step {
		b, err := os.ReadFile(files[i])
		if err != nil {
			t.Fatal(err)
		}
		s, err := Decode(b, FormatOf(files[i]))
		if err != nil {
			t.Errorf("%s: %v", files[i], err)
			continue
		}
		if s.Duration() < 200*time.Millisecond || rms(s.Samples) < 0.01 {
			t.Errorf("%s: %v long, RMS %.4f", files[i], s.Duration(), rms(s.Samples))
		}
		n++
	}
	t.Logf("decoded %d of %d pack clips", n, len(files))
}

func wavHeader(tag, channels, rate, bits int, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+len(data)))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, binary.LittleEndian, uint32(16))
	binary.Write(&b, binary.LittleEndian, uint16(tag))
	binary.Write(&b, binary.LittleEndian, uint16(channels))
	binary.Write(&b, binary.LittleEndian, uint32(rate))
	binary.Write(&b, binary.LittleEndian, uint32(rate*channels*bits/8))
	binary.Write(&b, binary.LittleEndian, uint16(channels*bits/8))
	binary.Write(&b, binary.LittleEndian, uint16(bits))
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(len(data)))
	b.Write(data)
	return b.Bytes()
}

func TestDecodeWAVEncodings(t *testing.T) {
	f32 := make([]byte, 8)
	binary.LittleEndian.PutUint32(f32, math.Float32bits(0.5))
	binary.LittleEndian.PutUint32(f32[4:], math.Float32bits(-0.25))
	tests := []struct {
		name string
		data []byte
		want []float32
	}{
		{"u8", wavHeader(1, 1, 8000, 8, []byte{128, 192, 64}), []float32{0, 0.5, -0.5}},
		{"s16", wavHeader(1, 1, 8000, 16, []byte{0, 0x40, 0, 0xC0}), []float32{0.5, -0.5}},
		{"s24", wavHeader(1, 1, 8000, 24, []byte{0, 0, 0x40, 0, 0, 0xC0}), []float32{0.5, -0.5}},
		{"s32", wavHeader(1, 1, 8000, 32, []byte{0, 0, 0, 0x40, 0, 0, 0, 0xC0}), []float32{0.5, -0.5}},
		{"f32 stereo", wavHeader(3, 2, 8000, 32, f32), []float32{0.125}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := DecodeWAV(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Samples) != len(tt.want) {
				t.Fatalf("got %v, want %v", s.Samples, tt.want)
			}
			for i := range tt.want {
				if math.Abs(float64(s.Samples[i]-tt.want[i])) > 1e-6 {
					t.Fatalf("got %v, want %v", s.Samples, tt.want)
				}
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	ogg := readClip(t, "bonjour.ogg")
	tests := []struct {
		name, format string
		data         []byte
	}{
		{"unknown format", "flac", ogg},
		{"empty ogg", "ogg", nil},
		{"truncated ogg", "ogg", ogg[:100]},
		{"wav bytes as ogg", "ogg", readClip(t, "oui.wav")},
		{"garbage mp3", "mp3", bytes.Repeat([]byte{0xFF, 0xFB, 0x00}, 50)},
		{"empty mp3", "mp3", nil},
		{"empty wav", "wav", nil},
		{"wav without data", "wav", wavHeader(1, 1, 8000, 16, nil)[:36]},
		{"wav bad rate", "wav", wavHeader(1, 1, 10, 16, []byte{1, 2})},
		{"wav bad bits", "wav", wavHeader(1, 1, 8000, 12, []byte{1, 2})},
		{"wav no channels", "wav", wavHeader(1, 0, 8000, 16, []byte{1, 2})},
		{"wav truncated fmt", "wav", []byte("RIFF\x00\x00\x00\x00WAVEfmt \xff\x00\x00\x00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Decode(tt.data, tt.format)
			if err == nil {
				t.Fatalf("no error, got %d samples", len(s.Samples))
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %v does not wrap ErrFormat", err)
			}
		})
	}
}

func TestFormatOf(t *testing.T) {
	for in, want := range map[string]string{
		"voice/pico-0123.ogg": "ogg", "A.MP3": "mp3", "x.wav": "wav", "noext": "",
	} {
		if got := FormatOf(in); got != want {
			t.Errorf("FormatOf(%q) = %q, want %q", in, got, want)
		}
	}
}
