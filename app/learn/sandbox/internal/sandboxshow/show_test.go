//go:build cgo

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/internal/xvfb"
)

// TestRealWindows opens sandboxes in a real window on a virtual display at
// 1024×768 and 1920×1080, takes a screenshot of each (kept in
// $TREMPLIN_SHOTS), and checks the screen is not blank.
func TestRealWindows(t *testing.T) {
	if testing.Short() {
		t.Skip("real window test in -short mode")
	}
	bin := xvfb.BuildBinary(t, "github.com/tremplin-numerique/tremplin/app/learn/sandbox/internal/sandboxshow")
	for _, size := range [][2]int{{1024, 768}, {1920, 1080}} {
		d := xvfb.Start(t, size[0], size[1])
		for _, what := range []string{"item=co-pj-4", "item=do-dossier-4", "demo=form", "demo=search"} {
			name := fmt.Sprintf("%s-%d", strings.SplitN(what, "=", 2)[1], size[0])
			t.Run(name, func(t *testing.T) {
				s := start(t, d, bin, what, size)
				shot := filepath.Join(xvfb.ShotDir(t), "real-"+name+".png")
				img, err := d.Screenshot(shot)
				if err != nil {
					t.Fatal(err)
				}
				varied, colours := xvfb.Blankness(img)
				if varied < 0.05 || colours < 16 {
					t.Errorf("%s looks blank: %.3f varied, %d colours", shot, varied, colours)
				}
				s.stop()
			})
		}
	}
}

// TestRealMouse drives the click and double-click drills with a real mouse
// (xdotool) through the real Fyne driver: each click reaches the drill at
// once (the drill times double-clicks itself), and the measures come out.
func TestRealMouse(t *testing.T) {
	if testing.Short() {
		t.Skip("real window test in -short mode")
	}
	bin := xvfb.BuildBinary(t, "github.com/tremplin-numerique/tremplin/app/learn/sandbox/internal/sandboxshow")
	d := xvfb.Start(t, 1024, 768)

	s := start(t, d, bin, "item=eq-souris-5", [2]int{1024, 768})
	var res map[string]any
	for i := 0; i < 3 && res == nil; i++ {
		x, y := s.target(t)
		if err := d.Xdotool("mousemove", "--window", s.win, fmt.Sprint(int(x)), fmt.Sprint(int(y)), "click", "1"); err != nil {
			t.Fatal(err)
		}
		res = s.result(t, 3*time.Second, i == 2)
	}
	if res == nil || res["success"] != true {
		t.Fatalf("3 real clicks on the target: %v", res)
	}
	m := res["measures"].(map[string]any)
	t.Logf("click drill, real mouse: %v", m)
	if m["hits"] != 3.0 || m["target_px"].(float64) >= 160 {
		t.Errorf("measures %v", m)
	}
	s.stop()

	s = start(t, d, bin, "item=eq-souris-7", [2]int{1024, 768})
	x, y := s.target(t)
	if err := d.Xdotool("mousemove", "--window", s.win, fmt.Sprint(int(x)), fmt.Sprint(int(y)), "click", "--repeat", "2", "--delay", "150", "1"); err != nil {
		t.Fatal(err)
	}
	res = s.result(t, 5*time.Second, true)
	m, _ = res["measures"].(map[string]any)
	t.Logf("double-click drill, real mouse (xdotool delay 150 ms): %v", res)
	if res["success"] != true || m["double_click_ms"].(float64) < 100 || m["double_click_ms"].(float64) > 450 {
		t.Errorf("a real double-click: %v", res)
	}
	s.stop()

	// A real drag: press on the file, move in steps, release on the folder.
	s = start(t, d, bin, "item=do-dossier-4", [2]int{1024, 768})
	var pos map[string]any
	for pos == nil {
		select {
		case m := <-s.lines:
			if _, ok := m["file_x"]; ok {
				pos = m
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no file position printed")
		}
	}
	at := func(k string) string { return fmt.Sprint(int(pos[k].(float64))) }
	steps := [][]string{{"mousemove", "--window", s.win, at("file_x"), at("file_y")}, {"mousedown", "1"}}
	fx, fy, gx, gy := pos["file_x"].(float64), pos["file_y"].(float64), pos["folder_x"].(float64), pos["folder_y"].(float64)
	for i := 1; i <= 10; i++ {
		x, y := fx+(gx-fx)*float64(i)/10, fy+(gy-fy)*float64(i)/10
		steps = append(steps, []string{"mousemove", "--window", s.win, fmt.Sprint(int(x)), fmt.Sprint(int(y))})
	}
	steps = append(steps, []string{"mouseup", "1"})
	for _, st := range steps {
		if err := d.Xdotool(st...); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond)
	}
	res = s.result(t, 5*time.Second, true)
	t.Logf("file explorer, real drag: %v", res)
	if res["success"] != true {
		t.Errorf("a real drag of the file onto the folder: %v", res)
	}
	s.stop()
}

type shown struct {
	cmd   *exec.Cmd
	win   string
	lines chan map[string]any
}

// start runs the program and waits for its window; a program that shows
// none (a GLX failure on a loaded machine, seen once in 24 runs) is run
// again once.
func start(t *testing.T, d *xvfb.Display, bin, what string, size [2]int) *shown {
	t.Helper()
	s, err := try(t, d, bin, what, size)
	if err != nil {
		t.Logf("again after: %v", err)
		if s, err = try(t, d, bin, what, size); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(1500 * time.Millisecond) // let the first frames render
	return s
}

func try(t *testing.T, d *xvfb.Display, bin, what string, size [2]int) (*shown, error) {
	flag, val, _ := strings.Cut(what, "=")
	cmd := exec.Command(bin, "--"+flag, val, "--size", fmt.Sprintf("%dx%d", size[0], size[1]))
	cmd.Env = append(d.Env(os.Environ()), "LANG=C")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &shown{cmd: cmd, lines: make(chan map[string]any, 100)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				s.lines <- m
			}
		}
		close(s.lines)
	}()
	t.Cleanup(s.stop)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if s.win, err = d.WaitWindow(ctx, "Sandbox"); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *shown) stop() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// target returns the latest target position the program printed.
func (s *shown) target(t *testing.T) (x, y float64) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	found := false
	for {
		select {
		case m := <-s.lines:
			if v, ok := m["target_x"]; ok {
				x, y, found = v.(float64), m["target_y"].(float64), true
			}
			continue
		case <-time.After(500 * time.Millisecond):
			if found {
				return x, y
			}
		case <-deadline:
			t.Fatal("no target position printed")
		}
	}
}

// result waits for an attempt's result; nil when none came (and must is false).
func (s *shown) result(t *testing.T, wait time.Duration, must bool) map[string]any {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case m, ok := <-s.lines:
			if !ok {
				t.Fatal("the program ended")
			}
			if r, ok := m["result"]; ok {
				return r.(map[string]any)
			}
			if _, ok := m["target_x"]; ok && !must {
				// A new target: the click landed and the drill goes on.
				s.lines <- m
				return nil
			}
		case <-deadline:
			if must {
				t.Fatal("no result")
			}
			return nil
		}
	}
}
