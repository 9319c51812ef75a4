//go:build cgo

package audio

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/ebitengine/oto/v3"
)

// openDevice creates the process-wide oto context: 32-bit float stereo at
// opts.SampleRate. oto's NewContext succeeds even without a device and its
// ready channel fires anyway; ALSA's refusal shows only in ctx.Err() after
// ready, so both are checked, and the wait is bounded.
func openDevice(opts Options) (Player, error) {
	ctx, ready, err := oto.NewContext(&oto.NewContextOptions{
		SampleRate:   opts.SampleRate,
		ChannelCount: 2,
		Format:       oto.FormatFloat32LE,
		BufferSize:   opts.BufferSize,
	})
	if err != nil {
		return nil, fmt.Errorf("oto context: %w", err)
	}
	select {
	case <-ready:
	case <-time.After(opts.ReadyTimeout):
		return nil, fmt.Errorf("sound device not ready after %v", opts.ReadyTimeout)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("oto context: %w", err)
	}
	return &otoPlayer{ctx: ctx, rate: opts.SampleRate}, nil
}

// otoPlayer plays through the process-wide oto context, one clip at a time.
type otoPlayer struct {
	ctx  *oto.Context
	rate int

	mu  sync.Mutex
	cur *oto.Player
	src *pcmReader
}

func (p *otoPlayer) Play(s *Sound, volume float64) error {
	if err := p.ctx.Err(); err != nil {
		return fmt.Errorf("play: sound device failed: %w", err)
	}
	if s == nil || len(s.Samples) == 0 {
		p.Stop()
		return nil
	}
	samples := Resample(s.Samples, s.Rate, p.rate)
	src := &pcmReader{samples: samples}
	pl := p.ctx.NewPlayer(src)
	// A small look-ahead keeps Play fast and Stop immediate; the clip is
	// already in memory, so underruns cannot come from decoding.
	pl.SetBufferSize(p.rate * 8 / 10) // 100 ms of float32 stereo
	pl.SetVolume(math.Max(0, math.Min(1, volume)))

	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopLocked()
	p.cur, p.src = pl, src
	pl.Play()
	return nil
}

func (p *otoPlayer) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopLocked()
}

func (p *otoPlayer) stopLocked() {
	if p.cur == nil {
		return
	}
	p.src.stop()
	p.cur.Pause() // oto ≥ 3.4 frees a player when it is garbage-collected
	p.cur, p.src = nil, nil
}

func (p *otoPlayer) Playing() bool {
	if p.ctx.Err() != nil {
		return false // oto's players report playing forever after a device error
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cur != nil && p.cur.IsPlaying()
}

func (p *otoPlayer) Status() Status {
	if err := p.ctx.Err(); err != nil {
		return Status{Available: false, Reason: "sound device failed: " + err.Error()}
	}
	return Status{Available: true}
}

// pcmReader serves mono samples to oto as interleaved float32 stereo bytes.
type pcmReader struct {
	mu      sync.Mutex
	samples []float32
	pos     int
	stopped bool
}

func (r *pcmReader) Read(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped || r.pos >= len(r.samples) {
		return 0, io.EOF
	}
	n := 0
	for n+8 <= len(b) && r.pos < len(r.samples) {
		bits := math.Float32bits(r.samples[r.pos])
		binary.LittleEndian.PutUint32(b[n:], bits)
		binary.LittleEndian.PutUint32(b[n+4:], bits)
		n += 8
		r.pos++
	}
	return n, nil
}

func (r *pcmReader) stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
}

// cgoBuild tells tests that this build can reach ALSA.
const cgoBuild = true
