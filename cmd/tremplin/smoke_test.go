package main

import (
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/internal/xvfb"
)

// TestRealWindow runs the built kiosk on a virtual display at the two screen
// sizes we meet, waits for its window, and checks the screenshot shows
// something and the process is still alive.
func TestRealWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("real window test in -short mode")
	}
	xvfb.NeedTools(t, "Xvfb", "xdotool", "import")
	bin := xvfb.BuildBinary(t, "github.com/tremplin-numerique/tremplin/cmd/tremplin")
	for _, size := range [][2]int{{1024, 768}, {1920, 1080}} {
		for _, kiosk := range []bool{false, true} {
			name := fmt.Sprintf("%dx%d", size[0], size[1])
			if kiosk {
				name += "-kiosk"
			}
			t.Run(name, func(t *testing.T) { smoke(t, bin, size[0], size[1], kiosk, name) })
		}
	}
}

func smoke(t *testing.T, bin string, w, h int, kiosk bool, name string) {
	smokeTry(t, bin, w, h, kiosk, name, true)
}

// smokeTry runs the kiosk on a fresh display. When other packages' real
// windows run at the same time, the kiosk now and then cannot open a
// display Xvfb just reported ready ("Failed to open display"): that
// attempt is retried once on another display.
func smokeTry(t *testing.T, bin string, w, h int, kiosk bool, name string, retry bool) {
	d := xvfb.Start(t, w, h)
	args := []string{"--data-dir", t.TempDir()}
	if kiosk {
		args = append(args, "--kiosk")
	}
	cmd := exec.Command(bin, args...)
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
	if _, err := d.WaitWindow(ctx, "Tremplin"); err != nil {
		log, _ := os.ReadFile(logPath)
		if retry && strings.Contains(string(log), "Failed to open display") {
			t.Logf("%s: the kiosk could not open %s; once more on another display", name, d.Name)
			smokeTry(t, bin, w, h, kiosk, name, false)
			return
		}
		t.Fatalf("%v\nkiosk output:\n%s", err, log)
	}
	time.Sleep(1500 * time.Millisecond) // let the first frames render
	select {
	case err := <-exited:
		log, _ := os.ReadFile(logPath)
		t.Fatalf("kiosk exited: %v\n%s", err, log)
	default:
	}
	shot := filepath.Join(xvfb.ShotDir(t), "welcome-"+name+".png")
	img, err := d.Screenshot(shot)
	if err != nil {
		t.Fatal(err)
	}
	varied, colours := xvfb.Blankness(img)
	t.Logf("%s: %.1f%% of the screen differs from its main colour, %d colours (%s)", name, 100*varied, colours, shot)
	if varied < 0.01 || colours < 16 {
		t.Errorf("screen looks blank: %.3f varied, %d colours", varied, colours)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("screenshot is %v, want %dx%d", b, w, h)
	}

	// Click "Commencer" as a visitor would: it is the lowest large patch of
	// the theme's blue on the welcome screen.
	x, y, ok := xvfb.FindLowestPatch(img, kiosktheme.Primary, 40)
	if !ok {
		t.Fatal("no Commencer button on the welcome screen")
	}
	// Move first and let the window see the pointer arrive, as a hand on a
	// mouse would, then click; wait for the screen to change.
	for _, step := range [][]string{{"mousemove", itoa(x - 20), itoa(y - 10)}, {"mousemove", itoa(x), itoa(y)}, {"click", "1"}} {
		if err := d.Xdotool(step...); err != nil {
			t.Fatal(err)
		}
		time.Sleep(250 * time.Millisecond)
	}
	shot2 := filepath.Join(xvfb.ShotDir(t), "question-"+name+".png")
	var img2 image.Image
	for deadline := time.Now().Add(10 * time.Second); ; {
		time.Sleep(500 * time.Millisecond)
		if img2, err = d.Screenshot(shot2); err != nil {
			t.Fatal(err)
		}
		if !xvfb.Same(img, img2) || time.Now().After(deadline) {
			break
		}
	}
	if xvfb.Same(img, img2) {
		t.Errorf("clicking Commencer at %d,%d changed nothing on screen", x, y)
	}
	select {
	case err := <-exited:
		t.Fatalf("kiosk exited after Commencer: %v", err)
	default:
	}
	t.Logf("%s: clicked Commencer at %d,%d, first question in %s", name, x, y, shot2)
}

func itoa(n int) string { return fmt.Sprint(n) }
