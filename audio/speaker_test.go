package audio

import (
	"bytes"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakePlayer records what a Speaker asks of it. A clip "plays" from Play
// until Stop; Play while another clip plays counts as an overlap.
type fakePlayer struct {
	mu       sync.Mutex
	playing  bool
	plays    []*Sound
	volumes  []float64
	stops    int
	overlaps int
	silent   bool
}

func (f *fakePlayer) Play(s *Sound, v float64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.playing {
		f.overlaps++
	}
	f.playing = true
	f.plays = append(f.plays, s)
	f.volumes = append(f.volumes, v)
	return nil
}

func (f *fakePlayer) Stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.playing = false
	f.stops++
}

func (f *fakePlayer) Playing() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.playing
}

func (f *fakePlayer) Status() Status {
	if f.silent {
		return Status{Reason: "fake silent"}
	}
	return Status{Available: true}
}

func (f *fakePlayer) snapshot() (plays []*Sound, volumes []float64, overlaps int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*Sound(nil), f.plays...), append([]float64(nil), f.volumes...), f.overlaps
}

// testSource serves committed clips: a text "file.ext" maps to
// testdata/file.ext; "missing…" texts have no clip; "corrupt…" texts have
// bad bytes. If gate is not nil, lookups of "slow…" texts wait on it.
type testSource struct {
	t     testing.TB
	gate  chan struct{}
	mu    sync.Mutex
	calls int
}

func (s *testSource) clip(text string) (string, []byte, bool) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	switch {
	case strings.HasPrefix(text, "missing"):
		return "", nil, false
	case strings.HasPrefix(text, "corrupt"):
		return "voice/corrupt.ogg", []byte("OggS but not really"), true
	case strings.HasPrefix(text, "slow "):
		if s.gate != nil {
			<-s.gate
		}
		text = strings.TrimPrefix(text, "slow ")
	}
	return "voice/" + text, readClip(s.t, text), true
}

func newTestSpeaker(t testing.TB) (*Speaker, *fakePlayer, *testSource, *bytes.Buffer) {
	var logs bytes.Buffer
	fp := &fakePlayer{}
	src := &testSource{t: t}
	sp := NewSpeaker(fp, src.clip, slog.New(slog.NewTextHandler(&logs, nil)))
	return sp, fp, src, &logs
}

func TestSpeakerSays(t *testing.T) {
	sp, fp, _, _ := newTestSpeaker(t)
	sp.Say("touche.ogg")
	sp.wait()
	plays, vols, _ := fp.snapshot()
	if len(plays) != 1 {
		t.Fatalf("%d plays, want 1", len(plays))
	}
	if d := plays[0].Duration(); d < 2500*time.Millisecond || d > 2550*time.Millisecond {
		t.Errorf("played %v, want the clip's 2.52 s", d)
	}
	if vols[0] != 1 {
		t.Errorf("volume %v, want 1", vols[0])
	}
	if !sp.Speaking() || !sp.Available() || sp.SoundOff() || sp.Reason() != "" {
		t.Errorf("state: speaking %v available %v sound off %v reason %q", sp.Speaking(), sp.Available(), sp.SoundOff(), sp.Reason())
	}
}

func TestSpeakerSayDoesNotBlock(t *testing.T) {
	sp, fp, src, _ := newTestSpeaker(t)
	src.gate = make(chan struct{})
	start := time.Now()
	sp.Say("slow touche.ogg")
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("Say blocked for %v", d)
	}
	close(src.gate)
	sp.wait()
	if plays, _, _ := fp.snapshot(); len(plays) != 1 {
		t.Errorf("%d plays, want 1", len(plays))
	}
}

func TestSpeakerStop(t *testing.T) {
	sp, fp, src, _ := newTestSpeaker(t)
	sp.Say("touche.ogg")
	sp.wait()
	sp.Stop()
	if fp.Playing() || sp.Speaking() {
		t.Error("still playing after Stop")
	}
	// A Stop while the clip is still being looked up cancels it.
	src.gate = make(chan struct{})
	sp.Say("slow bonjour.ogg")
	sp.Stop()
	close(src.gate)
	sp.wait()
	if plays, _, _ := fp.snapshot(); len(plays) != 1 {
		t.Errorf("%d plays, want only the first clip", len(plays))
	}
	if fp.Playing() {
		t.Error("a stopped clip started playing")
	}
}

func TestSpeakerRestart(t *testing.T) {
	sp, fp, src, _ := newTestSpeaker(t)
	for range 3 {
		sp.Say("bonjour.ogg")
		sp.wait()
	}
	plays, _, overlaps := fp.snapshot()
	if len(plays) != 3 || overlaps != 0 {
		t.Fatalf("%d plays, %d overlaps; want 3 and 0", len(plays), overlaps)
	}
	if plays[0] != plays[1] || plays[1] != plays[2] {
		t.Error("a replay decoded the clip again instead of using the cache")
	}
	if src.calls != 3 {
		t.Errorf("%d lookups, want 3", src.calls)
	}
}

func TestSpeakerNewSayWins(t *testing.T) {
	sp, fp, src, _ := newTestSpeaker(t)
	src.gate = make(chan struct{})
	sp.Say("slow touche.ogg") // stuck in lookup
	sp.Say("bonjour.ogg")
	time.Sleep(50 * time.Millisecond)
	close(src.gate)
	sp.wait()
	plays, _, overlaps := fp.snapshot()
	if len(plays) != 1 || overlaps != 0 {
		t.Fatalf("%d plays, %d overlaps; want 1 and 0", len(plays), overlaps)
	}
	if d := plays[0].Duration(); d > 2200*time.Millisecond {
		t.Errorf("the stale clip (%v) played instead of the newer one", d)
	}
}

// TestSpeakerNoOverlap hammers a Speaker from several goroutines, as taps
// on speaker buttons and screen changes would, and checks that a clip never
// starts while another plays.
func TestSpeakerNoOverlap(t *testing.T) {
	sp, fp, _, _ := newTestSpeaker(t)
	texts := []string{"bonjour.ogg", "touche.ogg", "oui.wav", "bonjour.mp3", "oui-stereo-16k.wav"}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if (g+i)%7 == 0 {
					sp.Stop()
					continue
				}
				sp.Say(texts[(g*3+i)%len(texts)])
				if i%5 == 0 {
					time.Sleep(time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	sp.Say("oui.wav")
	sp.wait()
	plays, _, overlaps := fp.snapshot()
	if overlaps != 0 {
		t.Errorf("%d overlapping clips", overlaps)
	}
	if len(plays) == 0 || plays[len(plays)-1].Rate != 22050 || plays[len(plays)-1].Duration() > time.Second {
		t.Error("the last Say did not play last")
	}
	t.Logf("%d of 200 requests played", len(plays))
}

func TestSpeakerMissingClipLoggedOnce(t *testing.T) {
	sp, fp, _, logs := newTestSpeaker(t)
	for range 3 {
		sp.Say("missing: Bienvenue")
		sp.wait()
	}
	sp.Say("missing: Au revoir")
	sp.wait()
	for range 2 {
		sp.Say("corrupt clip")
		sp.wait()
	}
	out := logs.String()
	if n := strings.Count(out, "no voice clip"); n != 2 {
		t.Errorf("missing clips logged %d times, want once per text (2):\n%s", n, out)
	}
	if n := strings.Count(out, "cannot decode"); n != 1 {
		t.Errorf("corrupt clip logged %d times, want 1:\n%s", n, out)
	}
	if plays, _, _ := fp.snapshot(); len(plays) != 0 {
		t.Errorf("%d plays, want none", len(plays))
	}
	// The speaker still works afterwards.
	sp.Say("oui.wav")
	sp.wait()
	if plays, _, _ := fp.snapshot(); len(plays) != 1 {
		t.Errorf("%d plays after missing clips, want 1", len(plays))
	}
}

func TestSpeakerSettings(t *testing.T) {
	sp, fp, _, _ := newTestSpeaker(t)
	for _, tt := range []struct{ in, want float64 }{{0.5, 0.5}, {-1, 0}, {3, 1}, {math.NaN(), 1}, {0.25, 0.25}} {
		sp.SetVolume(tt.in)
		if got := sp.Volume(); got != tt.want {
			t.Errorf("SetVolume(%v): Volume() = %v, want %v", tt.in, got, tt.want)
		}
	}
	sp.Say("oui.wav")
	sp.wait()
	_, vols, _ := fp.snapshot()
	if len(vols) != 1 || vols[0] != 0.25 {
		t.Errorf("played at volumes %v, want [0.25]", vols)
	}

	sp.SetMuted(true)
	if fp.Playing() {
		t.Error("muting did not stop the clip")
	}
	if !sp.Muted() || !sp.SoundOff() {
		t.Error("Muted/SoundOff false after SetMuted(true)")
	}
	sp.Say("oui.wav")
	sp.wait()
	if plays, _, _ := fp.snapshot(); len(plays) != 1 {
		t.Error("a muted speaker played")
	}
	sp.SetMuted(false)

	sp.SetSlower(true)
	if !sp.Slower() {
		t.Error("Slower() false")
	}
	sp.Say("touche.ogg")
	sp.wait()
	plays, _, _ := fp.snapshot()
	got := plays[len(plays)-1].Duration().Seconds()
	want := 2.524 / SlowerSpeed
	if math.Abs(got-want) > 0.03*want {
		t.Errorf("slower voice lasts %.3f s, want %.3f s", got, want)
	}
}

func TestSpeakerWithoutDevice(t *testing.T) {
	src := &testSource{t: t}
	sp := NewSpeaker(NewSilent("no sound card"), src.clip, slog.New(slog.DiscardHandler))
	sp.Say("touche.ogg")
	sp.Stop()
	sp.wait()
	if sp.Available() || !sp.SoundOff() || sp.Reason() != "no sound card" || sp.Speaking() {
		t.Errorf("available %v, sound off %v, reason %q", sp.Available(), sp.SoundOff(), sp.Reason())
	}
	// A nil player and source are tolerated too.
	sp = NewSpeaker(nil, nil, nil)
	sp.Say("x")
	sp.Stop()
	if sp.Available() {
		t.Error("nil player reports sound")
	}
}

// The UI depends on this shape only.
var _ interface {
	Say(text string)
	Stop()
} = (*Speaker)(nil)

func ExampleSpeaker() {
	player, err := Open(Options{Disabled: true}) // a real kiosk passes Options{}
	if err != nil {
		fmt.Println("sound off:", player.Status().Reason)
	}
	clips := func(text string) (string, []byte, bool) { return "", nil, false } // content.(*Pack).Clip
	sp := NewSpeaker(player, clips, slog.New(slog.DiscardHandler))
	sp.Say("Bonjour")
	sp.Stop()
	fmt.Println("sound off:", sp.SoundOff())
	// Output:
	// sound off: audio: no sound device: sound disabled by configuration
	// sound off: true
}
