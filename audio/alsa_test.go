package audio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The tests in this file drive the real oto/ALSA path. oto allows one
// context per process, so each case re-executes the test binary with
// TREMPLIN_AUDIO_HELPER set and ALSA_CONFIG_PATH pointing at a temporary
// ALSA configuration; TestMain runs the helper instead of the tests.

const helperEnv = "TREMPLIN_AUDIO_HELPER"

// Device stream format the helpers open: oto writes float32 stereo.
const (
	capRate      = 48000
	capFrameSize = 8 // two float32
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

// helperReport is what a helper process prints on its last line.
type helperReport struct {
	Available  bool    `json:"available"`
	Reason     string  `json:"reason"`
	OpenMS     float64 `json:"open_ms"`
	PlayAtNS   int64   `json:"play_at_ns"`
	PlayedMS   float64 `json:"played_ms"`
	SpeakerOK  bool    `json:"speaker_ok"`
	SoundOff   bool    `json:"sound_off"`
	HelperNote string  `json:"note,omitempty"`
}

func runHelper(mode string) int {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	var rep helperReport
	start := time.Now()
	p, err := Open(Options{SampleRate: capRate, ReadyTimeout: 1500 * time.Millisecond, Logger: log})
	rep.OpenMS = ms(time.Since(start))
	st := p.Status()
	rep.Available, rep.Reason = st.Available, st.Reason
	if (err == nil) != st.Available && mode != "breaks" {
		rep.HelperNote = fmt.Sprintf("Open error %v disagrees with status %+v", err, st)
	}
	switch mode {
	case "play":
		data, rerr := os.ReadFile(os.Getenv("TREMPLIN_AUDIO_CLIP"))
		if rerr != nil {
			fmt.Fprintln(os.Stderr, rerr)
			return 2
		}
		snd, derr := Decode(data, FormatOf(os.Getenv("TREMPLIN_AUDIO_CLIP")))
		if derr != nil {
			fmt.Fprintln(os.Stderr, derr)
			return 2
		}
		rep.PlayAtNS = time.Now().UnixNano()
		t0 := time.Now()
		if err := p.Play(snd, 1); err != nil {
			rep.HelperNote = "play: " + err.Error()
		}
		for p.Playing() && time.Since(t0) < 20*time.Second {
			time.Sleep(5 * time.Millisecond)
		}
		rep.PlayedMS = ms(time.Since(t0))
		time.Sleep(300 * time.Millisecond) // let the tail reach the device
	case "speak":
		// A Speaker over the real player: the slower voice, then a Stop in
		// the middle of a second Say.
		clip := readClipFile("touche.ogg")
		sp := NewSpeaker(p, func(string) (string, []byte, bool) { return "touche.ogg", clip, true }, log)
		sp.SetSlower(true)
		rep.PlayAtNS = time.Now().UnixNano()
		sp.Say("Touchez le grand bouton vert pour commencer.")
		sp.wait()
		t0 := time.Now()
		for sp.Speaking() && time.Since(t0) < 20*time.Second {
			time.Sleep(5 * time.Millisecond)
		}
		rep.PlayedMS = ms(time.Since(t0))
		time.Sleep(300 * time.Millisecond)
		sp.SetSlower(false)
		sp.Say("Touchez le grand bouton vert pour commencer.")
		sp.wait()
		time.Sleep(700 * time.Millisecond)
		sp.Stop()
		rep.SpeakerOK = !sp.Speaking()
		time.Sleep(300 * time.Millisecond)
	case "breaks":
		// The device opened; wait for it to fail, as when a sound server dies.
		ok := rep.Available
		for t0 := time.Now(); p.Status().Available && time.Since(t0) < 5*time.Second; {
			time.Sleep(10 * time.Millisecond)
		}
		snd, _ := Decode(readClipFile("oui.wav"), "wav")
		if err := p.Play(snd, 1); err == nil {
			rep.HelperNote = "Play on a failed device returned no error"
		}
		st := p.Status()
		rep.Available, rep.Reason = st.Available, st.Reason
		if !ok {
			rep.HelperNote = "the device did not open at first: " + st.Reason
		}
		mode = "fallback"
		fallthrough
	case "fallback":
		clip := readClipFile("touche.ogg")
		sp := NewSpeaker(p, func(string) (string, []byte, bool) { return "touche.ogg", clip, true }, log)
		done := make(chan struct{})
		go func() {
			sp.Say("Touchez le grand bouton vert pour commencer.")
			sp.Stop()
			sp.Say("Touchez le grand bouton vert pour commencer.")
			sp.wait()
			close(done)
		}()
		select {
		case <-done:
			rep.SpeakerOK = !sp.Speaking()
		case <-time.After(2 * time.Second):
		}
		rep.SoundOff = sp.SoundOff()
	}
	out, _ := json.Marshal(rep)
	fmt.Println(string(out))
	return 0
}

func readClipFile(name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	return b
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// requireALSA skips when this build cannot reach ALSA, unless running in CI
// (CI or TREMPLIN_REQUIRE_ALL set), where it fails.
func requireALSA(t *testing.T) {
	t.Helper()
	if cgoBuild {
		return
	}
	if os.Getenv("CI") != "" || os.Getenv("TREMPLIN_REQUIRE_ALL") != "" {
		t.Fatal("built without cgo: the real ALSA path cannot be tested; install gcc and libasound2-dev (scripts/apt/build.txt)")
	}
	t.Skip("built without cgo: no ALSA")
}

// runHelperProcess runs this test binary in helper mode with the given ALSA
// configuration and returns its report.
func runHelperProcess(t *testing.T, mode, alsaConf string, env ...string) (helperReport, time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "ALSA_CONFIG_PATH="+alsaConf)
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("helper %s hung; stderr:\n%s", mode, stderr.String())
	}
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("helper %s: %v; stderr:\n%s", mode, err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var rep helperReport
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &rep); err != nil {
		t.Fatalf("helper %s output %q: %v; stderr:\n%s", mode, stdout.String(), err, stderr.String())
	}
	if rep.HelperNote != "" {
		t.Errorf("helper %s: %s", mode, rep.HelperNote)
	}
	t.Logf("helper %s stderr:\n%s", mode, stderr.String())
	return rep, elapsed
}

// fileCaptureConf returns an ALSA configuration, complete on its own (no
// alsa.conf needed), whose default PCM writes the raw samples to path.
// The null slave is not paced; the reader of path (a FIFO) sets the pace.
func fileCaptureConf(path string) string {
	return fmt.Sprintf(`pcm.!default {
	type file
	slave.pcm { type null }
	file %q
	format "raw"
}
`, path)
}

// capture reads a FIFO at the real-time pace of a sound card playing
// float32 stereo at capRate, so the oto writer blocks as on real hardware.
type capture struct {
	mu        sync.Mutex
	data      []byte
	firstLoud time.Time // wall time the first non-silent frame was read
}

func (c *capture) run(f *os.File, limit int) error {
	const chunk = capRate * capFrameSize / 200 // 5 ms
	buf := make([]byte, chunk)
	byteRate := float64(capRate * capFrameSize)
	var start time.Time
	total := 0
	for total < limit {
		n, err := io.ReadFull(f, buf)
		if n > 0 {
			now := time.Now()
			if start.IsZero() {
				start = now
			}
			c.mu.Lock()
			if c.firstLoud.IsZero() && loudFrame(buf[:n]) >= 0 {
				c.firstLoud = now
			}
			c.data = append(c.data, buf[:n]...)
			c.mu.Unlock()
			total += n
			// Pace: do not read ahead of real time.
			due := start.Add(time.Duration(float64(total) / byteRate * float64(time.Second)))
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

const loudThreshold = 0.02

// loudFrame returns the index of the first float32 stereo frame over the
// threshold, or -1.
func loudFrame(b []byte) int {
	for i := 0; i+capFrameSize <= len(b); i += capFrameSize {
		v := math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))
		if math.Abs(float64(v)) > loudThreshold {
			return i / capFrameSize
		}
	}
	return -1
}

// loudSpan returns the first and last index over the threshold, or -1, -1.
func loudSpan(x []float32) (int, int) {
	first, last := -1, -1
	for i, v := range x {
		if math.Abs(float64(v)) > loudThreshold {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return first, last
}

// startCapture makes a FIFO in dir, a small pipe buffer (about 10 ms of
// audio, like a sound card's), and a paced reader.
func startCapture(t testing.TB, dir string, limit int) (fifo string, c *capture, wait func() error) {
	fifo = filepath.Join(dir, "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	c = &capture{}
	errc := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(fifo, os.O_RDONLY, 0) // blocks until ALSA opens it
		if err != nil {
			errc <- err
			return
		}
		defer f.Close()
		// Shrink the pipe buffer (one page) so the captured timing is close to
		// a sound card's; best effort.
		_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_SETPIPE_SZ, 4096)
		errc <- c.run(f, limit)
	}()
	wait = func() error {
		select {
		case err := <-errc:
			return err
		case <-time.After(5 * time.Second):
			// ALSA never opened the FIFO: unblock the reader.
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
			return fmt.Errorf("nothing was written to %s", fifo)
		}
	}
	return fifo, c, wait
}

// TestRealPlayback plays a known clip through Open, oto and ALSA into an
// ALSA file PCM read at real-time pace, and checks the captured samples:
// the clip's duration (±10 %), its energy, and both channels equal.
func TestRealPlayback(t *testing.T) {
	requireALSA(t)
	if testing.Short() {
		t.Skip("real playback takes a few seconds")
	}
	dir := t.TempDir()
	fifo, c, wait := startCapture(t, dir, 30*capRate*capFrameSize)
	conf := filepath.Join(dir, "asound.conf")
	if err := os.WriteFile(conf, []byte(fileCaptureConf(fifo)), 0o600); err != nil {
		t.Fatal(err)
	}
	const clip = "touche.ogg"
	rep, _ := runHelperProcess(t, "play", conf, "TREMPLIN_AUDIO_CLIP="+filepath.Join("testdata", clip))
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if !rep.Available {
		t.Fatalf("the file PCM was not usable: %s", rep.Reason)
	}

	want, err := Decode(readClip(t, clip), "ogg")
	if err != nil {
		t.Fatal(err)
	}
	wf, wl := loudSpan(want.Samples)
	wantDur := float64(wl-wf) / float64(want.Rate)
	wantRMS := rms(want.Samples[wf : wl+1])

	c.mu.Lock()
	raw := c.data
	firstLoud := c.firstLoud
	c.mu.Unlock()
	frames := len(raw) / capFrameSize
	left := make([]float32, frames)
	mismatch := 0
	for i := range left {
		l := math.Float32frombits(binary.LittleEndian.Uint32(raw[i*8:]))
		r := math.Float32frombits(binary.LittleEndian.Uint32(raw[i*8+4:]))
		left[i] = l
		if l != r {
			mismatch++
		}
	}
	if mismatch > 0 {
		t.Errorf("%d frames differ between left and right", mismatch)
	}
	gf, gl := loudSpan(left)
	if gf < 0 {
		t.Fatalf("captured %d frames (%.2f s), all silent", frames, float64(frames)/capRate)
	}
	gotDur := float64(gl-gf) / capRate
	gotRMS := rms(left[gf : gl+1])
	latency := firstLoud.Sub(time.Unix(0, rep.PlayAtNS)) - time.Duration(float64(wf)/float64(want.Rate)*float64(time.Second))
	t.Logf("captured %.3f s in all; speech %.3f s (clip %.3f s, %+.1f %%); RMS %.4f (clip %.4f); Open %.1f ms; Play→first loud sample read %.1f ms; Playing() for %.0f ms",
		float64(frames)/capRate, gotDur, wantDur, 100*(gotDur-wantDur)/wantDur, gotRMS, wantRMS, rep.OpenMS, ms(latency), rep.PlayedMS)
	if math.Abs(gotDur-wantDur) > 0.1*wantDur {
		t.Errorf("speech lasted %.3f s, want %.3f s ±10 %%", gotDur, wantDur)
	}
	if gotRMS < 0.02 || math.Abs(gotRMS-wantRMS) > 0.1*wantRMS {
		t.Errorf("speech RMS %.4f, want %.4f ±10 %%", gotRMS, wantRMS)
	}

	// At volume 1 oto's mixer adds the clip to silence, so the device must
	// have received exactly the resampled clip: no dropped, repeated or
	// altered samples.
	ref := Resample(want.Samples, want.Rate, capRate)
	rf, _ := loudSpan(ref)
	off := gf - rf
	if off < 0 || off+len(ref) > len(left) {
		t.Fatalf("clip does not fit in the capture (offset %d)", off)
	}
	bad, maxDiff := 0, 0.0
	for i, v := range ref {
		d := math.Abs(float64(left[off+i] - v))
		maxDiff = max(maxDiff, d)
		if d > 1e-5 {
			bad++
		}
	}
	t.Logf("sample-exact comparison with the resampled clip: %d of %d samples differ, max difference %.2g", bad, len(ref), maxDiff)
	if bad > 0 {
		t.Errorf("%d of %d samples differ from the clip (max difference %.3g)", bad, len(ref), maxDiff)
	}
}

// TestDeviceFailsLater opens a device that breaks a moment later, as when
// a sound server dies: the player must then report itself unavailable, Play
// must fail fast, and a Speaker must keep working without sound.
func TestDeviceFailsLater(t *testing.T) {
	requireALSA(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "asound.conf")
	// The file PCM's pipe goes to a command that reads nothing and exits after
	// 0.4 s: writes block, then fail with EPIPE.
	if err := os.WriteFile(conf, []byte(fileCaptureConf("|sleep 0.4")), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, elapsed := runHelperProcess(t, "breaks", conf)
	t.Logf("after %.0f ms: available %v, reason %q", ms(elapsed), rep.Available, rep.Reason)
	if rep.Available || rep.Reason == "" {
		t.Errorf("a failed device reports available %v, reason %q", rep.Available, rep.Reason)
	}
	if !rep.SpeakerOK || !rep.SoundOff {
		t.Errorf("Speaker on a failed device: Say/Stop returned %v, sound off %v", rep.SpeakerOK, rep.SoundOff)
	}
}

// TestRealSpeaker drives a Speaker over the real oto path: the slower voice
// must last the clip's duration / SlowerSpeed, and Stop must cut a clip at
// once.
func TestRealSpeaker(t *testing.T) {
	requireALSA(t)
	if testing.Short() {
		t.Skip("real playback takes a few seconds")
	}
	dir := t.TempDir()
	fifo, c, wait := startCapture(t, dir, 30*capRate*capFrameSize)
	conf := filepath.Join(dir, "asound.conf")
	if err := os.WriteFile(conf, []byte(fileCaptureConf(fifo)), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, _ := runHelperProcess(t, "speak", conf)
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if !rep.Available || !rep.SpeakerOK {
		t.Fatalf("available %v (%s), stopped %v", rep.Available, rep.Reason, rep.SpeakerOK)
	}
	want, err := Decode(readClip(t, "touche.ogg"), "ogg")
	if err != nil {
		t.Fatal(err)
	}
	wf, wl := loudSpan(want.Samples)
	clipDur := float64(wl-wf) / float64(want.Rate)

	c.mu.Lock()
	raw := c.data
	c.mu.Unlock()
	left := make([]float32, len(raw)/capFrameSize)
	for i := range left {
		left[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[i*capFrameSize:]))
	}
	// Split the capture into the two utterances at the longest silence.
	const gapFrames = capRate / 5 // 200 ms
	var spans [][2]int
	start, last := -1, -1
	for i, v := range left {
		if math.Abs(float64(v)) <= loudThreshold {
			continue
		}
		if start >= 0 && i-last > gapFrames {
			spans = append(spans, [2]int{start, last})
			start = -1
		}
		if start < 0 {
			start = i
		}
		last = i
	}
	if start >= 0 {
		spans = append(spans, [2]int{start, last})
	}
	if len(spans) != 2 {
		t.Fatalf("found %d utterances in the capture, want 2: %v", len(spans), spans)
	}
	slow := float64(spans[0][1]-spans[0][0]) / capRate
	cut := float64(spans[1][1]-spans[1][0]) / capRate
	t.Logf("slower voice: %.3f s for a %.3f s clip (×%.3f, want ×%.3f), RMS %.4f; stopped clip sounded %.3f s after a Stop at 0.7 s",
		slow, clipDur, slow/clipDur, 1/SlowerSpeed, rms(left[spans[0][0]:spans[0][1]]), cut)
	if want := clipDur / SlowerSpeed; math.Abs(slow-want) > 0.1*want {
		t.Errorf("slower voice lasted %.3f s, want %.3f s ±10 %%", slow, want)
	}
	// Stop came 0.7 s after Say; allow for a loaded machine's late timers.
	if cut > 1.0 || cut < 0.4 { // far below the 2.1 s of the whole clip
		t.Errorf("a clip stopped after 0.7 s sounded for %.3f s", cut)
	}
}

// TestNoDeviceFallback checks that without a usable device Open returns the
// silent player quickly, never hangs, and a Speaker over it works.
func TestNoDeviceFallback(t *testing.T) {
	requireALSA(t)
	dir := t.TempDir()
	blocked := filepath.Join(dir, "nobody-reads.fifo")
	if err := syscall.Mkfifo(blocked, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, conf string }{
		{"no such card", "pcm.!default { type hw card 99 device 0 }\nctl.!default { type hw card 99 }\n"},
		{"no default PCM", "# an ALSA configuration that defines no PCM at all\n"},
		{"unreadable configuration", "pcm.!default { type \n"},
		// A file PCM on a FIFO nobody reads blocks in snd_pcm_open, like a
		// sound server that never answers: Open must give up after its
		// ReadyTimeout.
		{"device never answers", fileCaptureConf(blocked)},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conf := filepath.Join(dir, fmt.Sprintf("asound%d.conf", i))
			if err := os.WriteFile(conf, []byte(tc.conf), 0o600); err != nil {
				t.Fatal(err)
			}
			rep, elapsed := runHelperProcess(t, "fallback", conf)
			t.Logf("Open took %.1f ms, process %.0f ms; reason: %s", rep.OpenMS, ms(elapsed), rep.Reason)
			if rep.Available {
				t.Fatal("a player without a device reports sound available")
			}
			if rep.Reason == "" {
				t.Error("no reason given for the silent player")
			}
			if !rep.SoundOff {
				t.Error("Speaker does not report sound off")
			}
			if !rep.SpeakerOK {
				t.Error("Say/Stop on the silent player did not return")
			}
			if rep.OpenMS > 2500 {
				t.Errorf("Open took %.0f ms", rep.OpenMS)
			}
		})
	}
}
