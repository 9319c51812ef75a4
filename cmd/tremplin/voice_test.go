package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/internal/xvfb"
)

// TestRealVoice runs the built kiosk with ALSA's default device routed to a
// FIFO that this test reads at a sound card's pace (48 kHz float32 stereo,
// what the kiosk's audio opens), and checks the welcome instruction really
// comes out of the real audio path: loud samples soon after the window opens.
func TestRealVoice(t *testing.T) {
	if testing.Short() {
		t.Skip("real voice test in -short mode")
	}
	xvfb.NeedTools(t, "Xvfb", "xdotool", "import")
	if _, err := os.Stat("/usr/share/alsa/alsa.conf"); err != nil && !xvfb.Required() {
		t.Skip("ALSA is not installed")
	}
	bin := xvfb.BuildBinary(t, "github.com/tremplin-numerique/tremplin/cmd/tremplin")
	d := xvfb.Start(t, 1024, 768)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "sound.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "asound.conf")
	os.WriteFile(conf, []byte(fmt.Sprintf("pcm.!default {\n type file\n slave.pcm { type null }\n file %q\n format \"raw\"\n}\n", fifo)), 0o600)

	const rate, frame = 48000, 8 // float32 stereo
	const seconds = 6
	type result struct {
		loud     int // frames over the threshold
		first    time.Duration
		peak     float64
		received int
		err      error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		f, err := os.OpenFile(fifo, os.O_RDONLY, 0)
		if err != nil {
			r.err = err
			done <- r
			return
		}
		defer f.Close()
		buf := make([]byte, rate*frame/100) // 10 ms
		start := time.Now()
		for r.received < seconds*rate*frame {
			n, err := io.ReadFull(f, buf)
			for i := 0; i+frame <= n; i += frame {
				v := math.Abs(float64(math.Float32frombits(binary.LittleEndian.Uint32(buf[i:]))))
				if v > r.peak {
					r.peak = v
				}
				if v > 0.02 {
					if r.loud == 0 {
						r.first = time.Duration(float64(r.received+i) / float64(rate*frame) * float64(time.Second))
					}
					r.loud++
				}
			}
			r.received += n
			if err != nil {
				break
			}
			if due := start.Add(time.Duration(float64(r.received) / float64(rate*frame) * float64(time.Second))); time.Until(due) > 0 {
				time.Sleep(time.Until(due))
			}
		}
		done <- r
	}()

	cmd := exec.Command(bin, "--data-dir", t.TempDir())
	cmd.Env = append(d.Env(os.Environ()), "ALSA_CONFIG_PATH="+conf, "LANG=C")
	out, _ := os.Create(filepath.Join(dir, "kiosk.log"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := d.WaitWindow(ctx, "Tremplin"); err != nil {
		t.Fatal(err)
	}
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		log, _ := os.ReadFile(filepath.Join(dir, "kiosk.log"))
		// Unblock the reader if ALSA never opened the FIFO.
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		t.Fatalf("no sound reached the device in 30 s\n%s", log)
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	loudSec := float64(r.loud) / rate
	t.Logf("captured %.1f s: %.2f s of voice, first voice at %v, peak %.2f", float64(r.received)/(rate*frame), loudSec, r.first, r.peak)
	if loudSec < 1 || r.peak < 0.1 {
		log, _ := os.ReadFile(filepath.Join(dir, "kiosk.log"))
		t.Errorf("the welcome instruction was not heard (%.2f s loud, peak %.2f)\n%s", loudSec, r.peak, log)
	}
}
