package main

import (
	"io/fs"
	"log/slog"

	"github.com/tremplin-numerique/tremplin/audio"
	"github.com/tremplin-numerique/tremplin/content"
)

// deferredPlayer opens the sound device in the background, so a slow or
// missing sound server never delays the window; a clip asked for before the
// device is ready waits for it (in the speaker's goroutine, not the UI's).
type deferredPlayer struct {
	ready chan struct{}
	p     audio.Player
}

func openSound(disabled bool, done func(audio.Status)) *deferredPlayer {
	d := &deferredPlayer{ready: make(chan struct{})}
	go func() {
		p, err := audio.Open(audio.Options{Disabled: disabled})
		if err != nil {
			slog.Warn("sound off", "reason", err)
		}
		d.p = p
		close(d.ready)
		if done != nil {
			done(p.Status())
		}
	}()
	return d
}

func (d *deferredPlayer) Play(s *audio.Sound, volume float64) error {
	<-d.ready
	return d.p.Play(s, volume)
}

func (d *deferredPlayer) Stop() {
	select {
	case <-d.ready:
		d.p.Stop()
	default:
	}
}

func (d *deferredPlayer) Playing() bool {
	select {
	case <-d.ready:
		return d.p.Playing()
	default:
		return false
	}
}

func (d *deferredPlayer) Status() audio.Status {
	select {
	case <-d.ready:
		return d.p.Status()
	default:
		// Not known yet: assume sound until the device says otherwise.
		return audio.Status{Available: true}
	}
}

// clipSource finds the clip of a text in the pack the kiosk loaded
// (loaded), then in the pack folders given (the --pack folder before the
// kiosk loads it, the embedded default pack, which holds the kiosk's own
// phrases).
func clipSource(loaded audio.ClipSource, packs ...fs.FS) audio.ClipSource {
	return func(text string) (string, []byte, bool) {
		if loaded != nil {
			if name, data, ok := loaded(text); ok {
				return name, data, true
			}
		}
		for _, p := range packs {
			if p == nil {
				continue
			}
			if name, data, ok := content.FindClip(p, text); ok {
				return name, data, true
			}
		}
		return "", nil, false
	}
}
