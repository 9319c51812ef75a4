package audio

import (
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func benchDecode(b *testing.B, file string) {
	data := readClip(b, file)
	s, err := Decode(data, FormatOf(file))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Decode(data, FormatOf(file)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(s.Duration().Seconds(), "clip-s")
}

// BenchmarkDecode measures the decoding of typical clips: the voice pack's
// Ogg Vorbis at 22050 Hz, an MP3 and a WAV.
func BenchmarkDecode(b *testing.B) {
	b.Run("ogg-2.5s", func(b *testing.B) { benchDecode(b, "touche.ogg") })
	b.Run("mp3-2.2s", func(b *testing.B) { benchDecode(b, "bonjour.mp3") })
	b.Run("wav-0.6s", func(b *testing.B) { benchDecode(b, "oui.wav") })
}

// BenchmarkDecodePackClip decodes the largest clip of the default pack.
func BenchmarkDecodePackClip(b *testing.B) {
	files, _ := filepath.Glob("../assets/pack/voice/*.ogg")
	if len(files) == 0 {
		b.Skip("no pack clips")
	}
	var largest string
	var size int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.Size() > size {
			largest, size = f, st.Size()
		}
	}
	data, err := os.ReadFile(largest)
	if err != nil {
		b.Fatal(err)
	}
	s, err := DecodeOgg(data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DecodeOgg(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(s.Duration().Seconds(), "clip-s")
}

// BenchmarkStretch measures the slower voice's WSOLA on a 2.5 s clip.
func BenchmarkStretch(b *testing.B) {
	s, err := DecodeOgg(readClip(b, "touche.ogg"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Stretch(s.Samples, s.Rate, SlowerSpeed)
	}
}

// BenchmarkResample measures 22050 → 48000 Hz of a 2.5 s clip, done on
// every Play.
func BenchmarkResample(b *testing.B) {
	s, err := DecodeOgg(readClip(b, "touche.ogg"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Resample(s.Samples, s.Rate, 48000)
	}
}

// signalPlayer is a Player that signals each Play, to time a Speaker.
type signalPlayer struct {
	fakePlayer
	played chan struct{}
}

func (p *signalPlayer) Play(s *Sound, v float64) error {
	p.played <- struct{}{}
	return nil
}

// BenchmarkSay measures a Speaker from Say to the clip handed to its
// Player: lookup and decoding (first time) or the cache (replay).
func BenchmarkSay(b *testing.B) {
	data := readClip(b, "touche.ogg")
	for _, tc := range []struct {
		name   string
		cached bool
		slower bool
	}{{"first", false, false}, {"replay", true, false}, {"first-slower", false, true}} {
		b.Run(tc.name, func(b *testing.B) {
			p := &signalPlayer{played: make(chan struct{}, 1)}
			sp := NewSpeaker(p, func(string) (string, []byte, bool) { return "touche.ogg", data, true }, slog.New(slog.DiscardHandler))
			sp.SetSlower(tc.slower)
			for b.Loop() {
				if !tc.cached {
					sp.mu.Lock()
					clear(sp.cache)
					sp.order = sp.order[:0]
					sp.mu.Unlock()
				}
				sp.Say("x")
				<-p.played
			}
		})
	}
}

var (
	latencyOnce    sync.Once
	latencyPlayer  Player
	latencyCapture *capture
	latencyErr     error
)

// BenchmarkPlayLatency measures, through the real oto context and ALSA, the
// time from Player.Play to the first loud samples read out of an ALSA file
// PCM (a FIFO read at a sound card's pace, with a 4 KiB pipe buffer): what a
// visitor waits between a tap and the voice. It opens the process-wide
// context, so it runs in the benchmark process itself.
func BenchmarkPlayLatency(b *testing.B) {
	if !cgoBuild {
		b.Skip("built without cgo")
	}
	latencyOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tremplin-audio-bench")
		if err != nil {
			latencyErr = err
			return
		}
		fifo, c, _ := startCapture(b, dir, 1<<40)
		conf := filepath.Join(dir, "asound.conf")
		if err := os.WriteFile(conf, []byte(fileCaptureConf(fifo)), 0o600); err != nil {
			latencyErr = err
			return
		}
		os.Setenv("ALSA_CONFIG_PATH", conf) // read by ALSA at its first use, in Open
		opts := Options{SampleRate: capRate, Logger: slog.New(slog.DiscardHandler)}
		if v, err := time.ParseDuration(os.Getenv("TREMPLIN_AUDIO_BUFFER")); err == nil {
			opts.BufferSize = v // to compare device buffer sizes
		}
		latencyPlayer, latencyErr = Open(opts)
		latencyCapture = c
	})
	if latencyErr != nil {
		b.Fatal(latencyErr)
	}
	// The clip as the pack has it (22050 Hz, resampled on Play), from its
	// first loud sample on.
	s, err := DecodeOgg(readClip(b, "touche.ogg"))
	if err != nil {
		b.Fatal(err)
	}
	first, _ := loudSpan(s.Samples)
	s = &Sound{Rate: s.Rate, Samples: s.Samples[first : first+s.Rate/5]}

	p, c := latencyPlayer, latencyCapture
	var total, playCall, worst time.Duration
	for b.Loop() {
		p.Stop()
		time.Sleep(60 * time.Millisecond) // let silence flush through
		c.mu.Lock()
		c.firstLoud = time.Time{}
		c.mu.Unlock()
		start := time.Now()
		if err := p.Play(s, 1); err != nil {
			b.Fatal(err)
		}
		playCall += time.Since(start)
		var got time.Time
		for deadline := time.Now().Add(2 * time.Second); got.IsZero(); {
			if time.Now().After(deadline) {
				b.Fatal("no sound reached the device within 2 s")
			}
			time.Sleep(200 * time.Microsecond)
			c.mu.Lock()
			got = c.firstLoud
			c.mu.Unlock()
		}
		d := got.Sub(start)
		total += d
		worst = max(worst, d)
	}
	p.Stop()
	n := float64(b.N)
	b.ReportMetric(float64(total.Microseconds())/1000/n, "ms-to-device")
	b.ReportMetric(float64(worst.Microseconds())/1000, "ms-worst")
	b.ReportMetric(float64(playCall.Microseconds())/1000/n, "ms-in-Play")
}
