package main

import (
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/internal/xvfb"
)

// TestKioskRefusesCloseRequest runs the built kiosk full screen at two
// screen sizes, checks its window covers the screen, and asks it to close
// as a window manager does on Alt+F4 (WM_DELETE_WINDOW): it must keep
// running and show the mediator PIN screen instead.
func TestKioskRefusesCloseRequest(t *testing.T) {
	if testing.Short() {
		t.Skip("real window test in -short mode")
	}
	xvfb.NeedTools(t, "Xvfb", "xdotool", "import", "gcc")
	bin := xvfb.BuildBinary(t, "github.com/tremplin-numerique/tremplin/cmd/tremplin")
	for _, size := range [][2]int{{1280, 800}, {1920, 1080}} {
		name := fmt.Sprintf("%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) { closeRequest(t, bin, size[0], size[1], name) })
	}
}

func closeRequest(t *testing.T, bin string, w, h int, name string) {
	d := xvfb.Start(t, w, h)
	data := t.TempDir()
	setPIN := exec.Command(bin, "pin", "--data-dir", data)
	setPIN.Stdin = strings.NewReader("246813\n")
	if out, err := setPIN.CombinedOutput(); err != nil {
		t.Fatalf("tremplin pin: %v: %s", err, out)
	}
	cmd := exec.Command(bin, "--kiosk", "--sound=false", "--data-dir", data)
	cmd.Env = append(d.Env(os.Environ()), "LANG=C")
	logPath := filepath.Join(t.TempDir(), "kiosk.log")
	logf, _ := os.Create(logPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	id, err := d.WaitWindow(ctx, "Tremplin")
	if err != nil {
		log, _ := os.ReadFile(logPath)
		t.Fatalf("%v\nkiosk output:\n%s", err, log)
	}
	time.Sleep(1500 * time.Millisecond) // let the first frames render
	geo := exec.Command("xdotool", "getwindowgeometry", "--shell", id)
	geo.Env = d.Env(os.Environ())
	out, err := geo.Output()
	if err != nil {
		t.Fatalf("xdotool getwindowgeometry: %v", err)
	}
	if gw, gh := shellValue(out, "WIDTH"), shellValue(out, "HEIGHT"); gw != w || gh != h {
		t.Errorf("kiosk window is %dx%d, want the whole %dx%d screen", gw, gh, w, h)
	}
	// Full screen at any size: no corner of the screen stays black (Xvfb's
	// background) once the first frames are drawn.
	shotDir := xvfb.ShotDir(t)
	var before image.Image
	for deadline := time.Now().Add(15 * time.Second); ; {
		if before, err = d.Screenshot(filepath.Join(shotDir, "kiosk-"+name+".png")); err != nil {
			t.Fatal(err)
		}
		if !blackCorner(before) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the kiosk does not cover the screen: a corner is still black (kiosk-%s.png)", name)
		}
		time.Sleep(500 * time.Millisecond)
	}

	d.CloseWindow(t, id)
	shot := filepath.Join(shotDir, "close-request-"+name+".png")
	for deadline := time.Now().Add(10 * time.Second); ; {
		time.Sleep(500 * time.Millisecond)
		select {
		case err := <-exited:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("the kiosk closed on a close request: %v\n%s", err, log)
		default:
		}
		after, err := d.Screenshot(shot)
		if err != nil {
			t.Fatal(err)
		}
		if !xvfb.Same(before, after) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a close request changed nothing on screen (%s)", shot)
		}
	}
	// Twice, as an impatient hand would: still there.
	d.CloseWindow(t, id)
	time.Sleep(time.Second)
	select {
	case err := <-exited:
		t.Fatalf("the kiosk closed on a second close request: %v", err)
	default:
	}
	log, _ := os.ReadFile(logPath)
	if !strings.Contains(string(log), "mediator PIN asked") {
		t.Errorf("the kiosk did not log the close request:\n%s", log)
	}
	t.Logf("%s: close request refused, PIN screen in %s", name, shot)
	// The session ending (SIGTERM) still closes it cleanly.
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		exited <- err // for the cleanup
		if err != nil {
			t.Errorf("kiosk after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("the kiosk did not end on SIGTERM")
	}
}

// blackCorner reports whether a corner pixel of the screen is pure black,
// which the kiosk's theme never draws.
func blackCorner(img image.Image) bool {
	b := img.Bounds()
	for _, p := range []image.Point{{b.Min.X, b.Min.Y}, {b.Max.X - 1, b.Min.Y}, {b.Min.X, b.Max.Y - 1}, {b.Max.X - 1, b.Max.Y - 1}} {
		if r, g, bl, _ := img.At(p.X, p.Y).RGBA(); r == 0 && g == 0 && bl == 0 {
			return true
		}
	}
	return false
}

// shellValue reads NAME=number from xdotool's --shell output.
func shellValue(out []byte, name string) int {
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return -1
}
