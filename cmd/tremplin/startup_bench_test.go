package main

import (
	"context"
	"fmt"
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

// BenchmarkStartup measures, under Xvfb at 1024×768, the time from exec to
// the window being mapped and the memory (PSS of the whole process tree) 3 s
// later, for the kiosk and for a Chromium --kiosk window showing one local
// page, in the same run. Run with: go test -run ^$ -bench Startup -benchtime 3x ./cmd/tremplin
func BenchmarkStartup(b *testing.B) {
	xvfb.NeedTools(b, "Xvfb", "xdotool", "import")
	bin := xvfb.BuildBinary(b, "github.com/tremplin-numerique/tremplin/cmd/tremplin")
	page := filepath.Join(b.TempDir(), "page.html")
	os.WriteFile(page, []byte(`<!doctype html><html lang="fr"><head><title>Chromium reference page</title></head><body style="font-size:40px"><h1>Bienvenue</h1><button>Commencer</button></body></html>`), 0o644)

	d := xvfb.Start(b, 1024, 768)
	b.Run("tremplin", func(b *testing.B) {
		measure(b, d, "Tremplin", func(dir string) *exec.Cmd {
			return exec.Command(bin, "--data-dir", dir)
		})
	})
	b.Run("chromium", func(b *testing.B) {
		chromium, err := exec.LookPath("chromium")
		if err != nil {
			b.Skip("chromium is not installed (make bench installs it)")
		}
		measure(b, d, "Chromium", func(dir string) *exec.Cmd {
			return exec.Command(chromium, "--kiosk", "--no-sandbox", "--disable-gpu", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
				"--user-data-dir="+dir, "file://"+page)
		})
	})
}

func measure(b *testing.B, d *xvfb.Display, title string, command func(dataDir string) *exec.Cmd) {
	var totalStart time.Duration
	var totalPSS float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := command(b.TempDir())
		cmd.Env = d.Env(os.Environ())
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		_, err := d.WaitWindow(ctx, title)
		cancel()
		elapsed := time.Since(t0)
		if err != nil {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			cmd.Wait()
			b.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		pss := treePSS(cmd.Process.Pid)
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		totalStart += elapsed
		totalPSS += pss
	}
	b.StopTimer()
	b.ReportMetric(float64(totalStart.Milliseconds())/float64(b.N), "ms-to-window")
	b.ReportMetric(totalPSS/float64(b.N), "MB-PSS")
	fmt.Fprintf(os.Stderr, "%s: %.0f ms to window, %.0f MB PSS after 3 s (mean of %d)\n",
		title, float64(totalStart.Milliseconds())/float64(b.N), totalPSS/float64(b.N), b.N)
}

// treePSS returns the proportional set size, in MB, of pid and all its
// descendants, read from /proc/*/smaps_rollup.
func treePSS(root int) float64 {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The parent pid is the 2nd field after the command's closing paren.
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 {
			ppid, _ := strconv.Atoi(fields[1])
			children[ppid] = append(children[ppid], pid)
		}
	}
	var kb float64
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		queue = append(queue, children[pid]...)
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "Pss:") {
				f := strings.Fields(line)
				v, _ := strconv.ParseFloat(f[1], 64)
				kb += v
			}
		}
	}
	return kb / 1024
}
