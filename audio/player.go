package audio

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Player plays one clip at a time. Implementations are safe for concurrent
// use.
type Player interface {
	// Play stops whatever is playing and starts s at the given volume
	// (0..1). It returns once the clip is handed to the device, not when it
	// ends.
	Play(s *Sound, volume float64) error
	// Stop silences the current clip at once. It is a no-op when nothing
	// plays.
	Stop()
	// Playing reports whether a clip is still sounding.
	Playing() bool
	// Status reports whether sound really comes out, and why not.
	Status() Status
}

// Status says whether a Player makes sound. A silent player has a Reason
// that screens and logs can show.
type Status struct {
	Available bool
	Reason    string
}

// PlayClip decodes a clip's bytes in the given format ("ogg", "wav", "mp3",
// see FormatOf) and plays it on p at full volume.
func PlayClip(p Player, data []byte, format string) error {
	s, err := Decode(data, format)
	if err != nil {
		return fmt.Errorf("play clip: %w", err)
	}
	return p.Play(s, 1)
}

// Options configures Open. The zero value is ready to use.
type Options struct {
	// SampleRate of the device stream; clips at other rates are resampled.
	// Default 48000, which every sound card and sound server accepts.
	SampleRate int
	// BufferSize is the device buffer: smaller means lower latency and more
	// risk of underruns (clicks) on a busy machine. Default 20 ms, which
	// keeps a tap-to-voice latency under 50 ms (see BenchmarkPlayLatency:
	// about 1.2 × the buffer + 15 ms).
	BufferSize time.Duration
	// ReadyTimeout bounds the wait for the device to open, the longest Open
	// can take. Default 2 s; a working device opens in a few milliseconds.
	ReadyTimeout time.Duration
	// Disabled forces the silent player (for example a --no-sound flag).
	Disabled bool
	// Logger receives the reason of a fallback. Default slog.Default().
	Logger *slog.Logger
}

func (o *Options) defaults() {
	if o.SampleRate <= 0 {
		o.SampleRate = 48000
	}
	if o.BufferSize <= 0 {
		o.BufferSize = 20 * time.Millisecond
	}
	if o.ReadyTimeout <= 0 {
		o.ReadyTimeout = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// ErrNoDevice is wrapped by Open's error when no audio device could be used.
var ErrNoDevice = errors.New("audio: no sound device")

var (
	deviceMu     sync.Mutex
	deviceOpened bool
	devicePlayer Player
	deviceErr    error
)

// Open returns the process-wide Player. It always returns a usable Player:
// when there is no sound card, no ALSA device, a failing sound server, a
// device that does not answer within ReadyTimeout, or a build without cgo, it
// returns a silent Player, logs why, and returns the reason as an error
// wrapping ErrNoDevice (the silent Player's Status carries it too).
//
// The oto context behind the real Player can be created only once per
// process: later calls return the same Player and error, whatever their
// options.
func Open(opts Options) (Player, error) {
	opts.defaults()
	if opts.Disabled {
		err := fmt.Errorf("%w: sound disabled by configuration", ErrNoDevice)
		opts.Logger.Info("audio: sound off", "reason", err.Error())
		return NewSilent(err.Error()), err
	}
	deviceMu.Lock()
	defer deviceMu.Unlock()
	if !deviceOpened {
		deviceOpened = true
		start := time.Now()
		p, err := openDevice(opts)
		if err != nil {
			deviceErr = fmt.Errorf("%w: %v", ErrNoDevice, err)
			devicePlayer = NewSilent(deviceErr.Error())
			opts.Logger.Warn("audio: sound off, using the silent player", "reason", err.Error(), "after", time.Since(start))
		} else {
			devicePlayer = p
			opts.Logger.Info("audio: sound device ready", "rate", opts.SampleRate, "after", time.Since(start))
		}
	}
	return devicePlayer, deviceErr
}

// Silent is a Player that makes no sound, for machines without a usable
// sound device and for tests.
type Silent struct {
	reason string
}

// NewSilent returns a silent Player whose Status gives reason.
func NewSilent(reason string) *Silent {
	return &Silent{reason: reason}
}

// Play does nothing.
func (s *Silent) Play(*Sound, float64) error { return nil }

// Stop does nothing.
func (s *Silent) Stop() {}

// Playing reports false.
func (s *Silent) Playing() bool { return false }

// Status reports the player unavailable, with its reason.
func (s *Silent) Status() Status { return Status{Available: false, Reason: s.reason} }
