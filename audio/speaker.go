package audio

import (
	"log/slog"
	"math"
	"sync"
)

// ClipSource finds the voice clip of a text: its file name, whose extension
// tells the format ("ogg", "wav", "mp3"), and its bytes. ok is false when the
// text has no clip. The content package's (*Pack).Clip has this shape.
type ClipSource func(text string) (name string, data []byte, ok bool)

// SlowerSpeed is the playback speed of the "voix plus lente" setting: 15 %
// slower, same pitch.
const SlowerSpeed = 0.85

// cacheSize is how many decoded clips a Speaker keeps, so that replaying an
// instruction or hearing the choices again costs no decoding.
const cacheSize = 24

// Speaker speaks texts for the screens: Say looks up a text's clip, decodes
// it off the caller's goroutine and plays it, stopping the previous clip
// first, so two clips never overlap. A *Speaker satisfies the UI's
// interface{ Say(text string); Stop() }. Its methods are safe for concurrent
// use and never block on decoding or on the device.
type Speaker struct {
	player Player
	source ClipSource
	log    *slog.Logger

	mu        sync.Mutex
	gen       uint64 // incremented by every Say and Stop; stale work is dropped
	volume    float64
	muted     bool
	slower    bool
	offLogged bool            // the lack of a sound device was logged
	missing   map[string]bool // texts whose missing clip was logged
	broken    map[string]bool // clips whose decoding error was logged
	cache     map[cacheKey]*Sound
	order     []cacheKey // cache keys, oldest first
	wg        sync.WaitGroup
}

type cacheKey struct {
	name   string
	slower bool
}

// NewSpeaker returns a Speaker that plays on p the clips source finds, at
// full volume, not muted, at normal speed. A nil logger means slog.Default().
func NewSpeaker(p Player, source ClipSource, logger *slog.Logger) *Speaker {
	if logger == nil {
		logger = slog.Default()
	}
	if p == nil {
		p = NewSilent("no player")
	}
	return &Speaker{
		player:  p,
		source:  source,
		log:     logger,
		volume:  1,
		missing: map[string]bool{},
		broken:  map[string]bool{},
		cache:   map[cacheKey]*Sound{},
	}
}

// Say stops the current clip and speaks text. It returns at once: the clip
// is looked up and decoded on another goroutine, and dropped if another Say
// or a Stop came meanwhile. A text without a clip is logged once and
// otherwise ignored. Nothing plays while muted or without a sound device.
func (s *Speaker) Say(text string) {
	s.mu.Lock()
	s.gen++
	gen := s.gen
	s.player.Stop()
	st := s.player.Status()
	silent := s.muted || !st.Available
	if !st.Available && !s.offLogged {
		s.offLogged = true
		s.log.Warn("audio: no sound, texts are not spoken", "reason", st.Reason)
	}
	s.mu.Unlock()
	if silent || s.source == nil {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.speak(gen, text)
	}()
}

func (s *Speaker) speak(gen uint64, text string) {
	name, data, ok := s.source(text)
	if !ok {
		s.mu.Lock()
		first := !s.missing[text]
		s.missing[text] = true
		s.mu.Unlock()
		if first {
			s.log.Warn("audio: no voice clip for text", "text", text)
		}
		return
	}
	s.mu.Lock()
	if gen != s.gen {
		s.mu.Unlock()
		return
	}
	key := cacheKey{name: name, slower: s.slower}
	snd := s.cache[key]
	s.mu.Unlock()

	if snd == nil {
		var err error
		snd, err = Decode(data, FormatOf(name))
		if err != nil {
			s.mu.Lock()
			first := !s.broken[name]
			s.broken[name] = true
			s.mu.Unlock()
			if first {
				s.log.Error("audio: cannot decode voice clip", "clip", name, "text", text, "err", err)
			}
			return
		}
		if key.slower {
			snd = &Sound{Rate: snd.Rate, Samples: Stretch(snd.Samples, snd.Rate, SlowerSpeed)}
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.remember(key, snd)
	if gen != s.gen || s.muted {
		return
	}
	s.player.Stop()
	if err := s.player.Play(snd, s.volume); err != nil {
		s.log.Error("audio: cannot play voice clip", "clip", name, "err", err)
	}
}

// remember caches a decoded clip; s.mu must be held.
func (s *Speaker) remember(key cacheKey, snd *Sound) {
	if _, ok := s.cache[key]; ok {
		return
	}
	if len(s.order) >= cacheSize {
		delete(s.cache, s.order[0])
		s.order = s.order[1:]
	}
	s.cache[key] = snd
	s.order = append(s.order, key)
}

// Stop silences the current clip at once and drops any clip still being
// prepared.
func (s *Speaker) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	s.player.Stop()
}

// Speaking reports whether a clip is sounding now.
func (s *Speaker) Speaking() bool {
	return s.player.Playing()
}

// SetVolume sets the volume of the next clips, from 0 (silent) to 1 (full).
func (s *Speaker) SetVolume(v float64) {
	if math.IsNaN(v) {
		v = 1
	}
	s.mu.Lock()
	s.volume = math.Max(0, math.Min(1, v))
	s.mu.Unlock()
}

// Volume returns the volume, from 0 to 1.
func (s *Speaker) Volume() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.volume
}

// SetMuted turns the sound off (true) or on (false). Muting stops the
// current clip.
func (s *Speaker) SetMuted(m bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.muted = m
	if m {
		s.gen++
		s.player.Stop()
	}
}

// Muted reports whether the visitor or mediator turned the sound off.
func (s *Speaker) Muted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.muted
}

// SetSlower selects the slower voice: clips play at SlowerSpeed with their
// pitch unchanged. It applies from the next Say.
func (s *Speaker) SetSlower(slower bool) {
	s.mu.Lock()
	s.slower = slower
	s.mu.Unlock()
}

// Slower reports whether the slower voice is selected.
func (s *Speaker) Slower() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.slower
}

// Available reports whether a sound device plays the clips. When false the
// screens show the sound-off state and Reason says why.
func (s *Speaker) Available() bool {
	return s.player.Status().Available
}

// Reason explains why there is no sound, or is empty when there is.
func (s *Speaker) Reason() string {
	return s.player.Status().Reason
}

// SoundOff reports whether the screens should show the sound-off state:
// muted, or no usable sound device.
func (s *Speaker) SoundOff() bool {
	return s.Muted() || !s.Available()
}

// wait waits for the clips being looked up and decoded; for tests.
func (s *Speaker) wait() { s.wg.Wait() }
