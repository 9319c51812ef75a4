// Package xvfb runs programs on a virtual X display for the real-window
// tests: it starts Xvfb, waits for a window, and takes screenshots.
package xvfb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Required reports whether tests must fail, not skip, when a tool is missing:
// `make test` sets TREMPLIN_REQUIRE_ALL=1, as CI does.
func Required() bool {
	return os.Getenv("TREMPLIN_REQUIRE_ALL") != "" || os.Getenv("CI") != ""
}

// NeedTools skips (or, when Required, fails) a test whose tools are missing.
func NeedTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if Required() {
				t.Fatalf("%s is missing: run scripts/install-deps.sh test", tool)
			}
			t.Skipf("%s is missing (make test installs it)", tool)
		}
	}
}

// Display is a running Xvfb server.
type Display struct {
	Name string // such as ":93"
	cmd  *exec.Cmd
}

// Start starts Xvfb at the given size on a display number drawn at random
// between 200 and 999, checks a client can connect, and stops it when the
// test ends. A server that cannot start (the number is taken) or be
// reached is replaced, up to 5 times.
//
// Why not the lowest free number (Xvfb -displayfd alone): X clients try the
// abstract socket "@/tmp/.X11-unix/X0" before the file in /tmp, and
// abstract sockets are shared by every container on the host's network
// namespace. Another machine's Xvfb on :0 then answers our probe and
// vanishes under our kiosk ("Failed to open display :0", seen on a
// shared CI host); a random high number makes that collision unlikely.
func Start(t testing.TB, width, height int) *Display {
	t.Helper()
	NeedTools(t, "Xvfb", "xdotool", "import", "xdpyinfo")
	var problems []string
	for attempt := 0; attempt < 5; attempt++ {
		d, err := start(t, width, height)
		if err == nil {
			return d
		}
		problems = append(problems, err.Error())
	}
	t.Fatalf("no usable Xvfb display: %s", strings.Join(problems, "; "))
	return nil
}

func start(t testing.TB, width, height int) (*Display, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	logf, err := os.CreateTemp(t.TempDir(), "xvfb-*.log")
	if err != nil {
		return nil, err
	}
	want := 200 + rand.IntN(800)
	cmd := exec.Command("Xvfb", fmt.Sprintf(":%d", want), "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", width, height), "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("start Xvfb: %w", err)
	}
	w.Close()
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}
	// Xvfb writes the display number once it accepts connections.
	line := make(chan string, 1)
	go func() {
		buf := make([]byte, 32)
		n, _ := r.Read(buf)
		line <- strings.TrimSpace(string(buf[:n]))
	}()
	var num string
	select {
	case num = <-line:
	case <-time.After(20 * time.Second):
		stop()
		return nil, errors.New("xvfb did not start in 20 s")
	}
	if n, err := strconv.Atoi(num); err != nil || n != want {
		stop()
		log, _ := os.ReadFile(logf.Name())
		return nil, fmt.Errorf("xvfb did not start (said %q): %s", num, log)
	}
	d := &Display{Name: ":" + num, cmd: cmd}
	deadline := time.Now().Add(10 * time.Second)
	for {
		probe := exec.Command("xdpyinfo")
		probe.Env = d.Env(os.Environ())
		if probe.Run() == nil {
			t.Cleanup(stop)
			return d, nil
		}
		if time.Now().After(deadline) {
			stop()
			log, _ := os.ReadFile(logf.Name())
			return nil, fmt.Errorf("display %s does not answer: %s", d.Name, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Env returns environ with DISPLAY set to this display.
func (d *Display) Env(environ []string) []string {
	out := make([]string, 0, len(environ)+1)
	for _, e := range environ {
		if !strings.HasPrefix(e, "DISPLAY=") {
			out = append(out, e)
		}
	}
	return append(out, "DISPLAY="+d.Name)
}

// WaitWindow waits until a visible window whose name contains title is
// mapped, and returns its id.
func (d *Display) WaitWindow(ctx context.Context, title string) (string, error) {
	for {
		cmd := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--name", title)
		cmd.Env = d.Env(os.Environ())
		out, _ := cmd.Output()
		if id := strings.TrimSpace(string(out)); id != "" {
			return strings.Fields(id)[0], nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("no window named %q: %w", title, ctx.Err())
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// Screenshot captures the whole screen as PNG into path and decodes it.
func (d *Display) Screenshot(path string) (image.Image, error) {
	cmd := exec.Command("import", "-window", "root", path)
	cmd.Env = d.Env(os.Environ())
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("import: %v: %s", err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return png.Decode(bytes.NewReader(b))
}

// Xdotool runs xdotool on this display.
func (d *Display) Xdotool(args ...string) error {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = d.Env(os.Environ())
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("xdotool %v: %v: %s", args, err, out)
	}
	return nil
}

// Blankness describes how much of a picture is not its most common colour
// and how many distinct colours it holds; a blank or black screen has
// almost nothing of either.
func Blankness(img image.Image) (varied float64, colours int) {
	counts := map[uint32]int{}
	b := img.Bounds()
	total := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			counts[(r>>8)<<16|(g>>8)<<8|bl>>8]++
			total++
		}
	}
	top := 0
	for _, n := range counts {
		if n > top {
			top = n
		}
	}
	return 1 - float64(top)/float64(total), len(counts)
}

// ShotDir returns where screenshots go: $TREMPLIN_SHOTS if set (to look at
// them after the run), else the test's temporary folder.
func ShotDir(t testing.TB) string {
	if d := os.Getenv("TREMPLIN_SHOTS"); d != "" {
		os.MkdirAll(d, 0o755)
		return d
	}
	return t.TempDir()
}

// BuildBinary builds a main package into a temporary folder and returns the
// binary's path, stripped as `make build` does. The Go build cache keeps
// this fast after the first build.
func BuildBinary(t testing.TB, pkg string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build %s: %v", pkg, err)
	}
	return out
}

// FindLowestPatch returns the centre of the lowest band of rows holding at
// least minWidth pixels of colour c (within a small tolerance): on a screen
// built of large flat buttons, the lowest button of that colour.
func FindLowestPatch(img image.Image, c color.Color, minWidth int) (x, y int, ok bool) {
	b := img.Bounds()
	match := func(px color.Color) bool {
		r1, g1, b1, _ := px.RGBA()
		r2, g2, b2, _ := c.RGBA()
		d := func(a, b uint32) int { return int(a>>8) - int(b>>8) }
		ad := func(v int) int {
			if v < 0 {
				return -v
			}
			return v
		}
		return ad(d(r1, r2))+ad(d(g1, g2))+ad(d(b1, b2)) < 24
	}
	bottom, top := -1, -1
	var minX, maxX int
	for row := b.Max.Y - 1; row >= b.Min.Y; row-- {
		n, lo, hi := 0, b.Max.X, b.Min.X
		for col := b.Min.X; col < b.Max.X; col++ {
			if match(img.At(col, row)) {
				n++
				lo, hi = min(lo, col), max(hi, col)
			}
		}
		if n >= minWidth {
			if bottom < 0 {
				bottom, minX, maxX = row, lo, hi
			}
			top = row
			minX, maxX = min(minX, lo), max(maxX, hi)
		} else if bottom >= 0 {
			break
		}
	}
	if bottom < 0 {
		return 0, 0, false
	}
	return (minX + maxX) / 2, (top + bottom) / 2, true
}

// Same reports whether two screenshots are identical.
func Same(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}
