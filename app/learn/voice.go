package learn

import (
	"sync"
	"time"
)

// Speaker is a voice that says one clip at a time and tells whether it is
// still speaking (audio.Speaker is one).
type Speaker interface {
	Say(text string)
	Stop()
	Speaking() bool
}

// Sequence says several clips one after the other on a Speaker, as
// Host.Say needs: the module's title, then the grain's transition, then the
// step. A new Say or Stop cancels the texts not yet said.
type Sequence struct {
	sp Speaker
	// Poll is how often the speaker is asked whether it finished.
	Poll time.Duration

	mu  sync.Mutex
	gen uint64
}

// NewSequence returns a sequence on sp.
func NewSequence(sp Speaker) *Sequence { return &Sequence{sp: sp, Poll: 40 * time.Millisecond} }

// Say stops what was playing and says texts in order; it returns at once.
func (s *Sequence) Say(texts ...string) {
	s.mu.Lock()
	s.gen++
	gen := s.gen
	s.mu.Unlock()
	if len(texts) == 0 {
		s.sp.Stop()
		return
	}
	s.sp.Say(texts[0])
	if len(texts) == 1 {
		return
	}
	go func() {
		for _, t := range texts[1:] {
			for s.current(gen) && s.sp.Speaking() {
				time.Sleep(s.Poll)
			}
			if !s.current(gen) {
				return
			}
			s.sp.Say(t)
			time.Sleep(s.Poll) // let the clip start before asking again
		}
	}()
}

// Stop silences the voice and drops the texts not yet said.
func (s *Sequence) Stop() {
	s.mu.Lock()
	s.gen++
	s.mu.Unlock()
	s.sp.Stop()
}

func (s *Sequence) current(gen uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen == gen
}
