//go:build cgo

// Command memwalk measures the kiosk's memory while a visitor walks
// through modules, in a real window (run it under Xvfb): it opens the
// welcome screen, the modules grid, then plays modules step by step
// (ending each practice as a success) and prints, after each screen has
// settled, the process's proportional set size (PSS, what the kiosk costs
// the machine) beside the Go heap, so a growth can be told apart between
// Go objects and the graphics driver's memory.
//
//	xvfb-run -s '-screen 0 1024x768x24' go run ./app/internal/memwalk --steps 50
//
// The kiosk is built as cmd/tremplin builds it (kiosk theme, embedded pack,
// a real journal in a temporary folder), without sound.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	_ "github.com/tremplin-numerique/tremplin/internal/locale" // before Fyne reads the locale
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func main() {
	steps := flag.Int("steps", 30, "module steps to walk through")
	module := flag.String("module", "la-souris", "the module to open first (then the grid's next ones)")
	settle := flag.Duration("settle", 1500*time.Millisecond, "wait after each move before measuring")
	heap := flag.String("heap", "", "write a Go heap profile there at the end")
	flag.StringVar(&shots, "shots", "", "save a screenshot of each screen in this folder")
	flag.BoolVar(&maps, "maps", false, "print the mappings holding more than 1 MB after each screen")
	flag.Parse()
	if err := run(*steps, *module, *settle, *heap); err != nil {
		fmt.Fprintln(os.Stderr, "memwalk:", err)
		os.Exit(1)
	}
}

// shots is where to save screenshots ("": none); maps asks for the
// mappings after each screen.
var (
	shots string
	maps  bool
)

func run(steps int, first string, settle time.Duration, heapFile string) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(app.MemoryLimit) // as cmd/tremplin does
	}
	dir, err := os.MkdirTemp("", "memwalk-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	j, err := journal.Open(context.Background(), filepath.Join(dir, "journal.db"))
	if err != nil {
		return err
	}
	defer j.Close()
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		return err
	}
	a := fyneapp.NewWithID("fr.tremplin.memwalk")
	a.Settings().SetTheme(kiosktheme.New())
	w := a.NewWindow(cat.T("app.title"))
	w.Resize(fyne.NewSize(1024, 768))
	k := app.New(app.Config{Catalogue: cat, Journal: j, DataDir: dir, Seed: 1,
		LoadPack: func() (*content.Pack, error) { return content.Load(assets.DefaultPack()) }})
	k.Show(w)

	var walkErr error
	go func() {
		defer fyne.Do(a.Quit)
		walkErr = walk(k, steps, first, settle)
		if walkErr == nil && heapFile != "" {
			walkErr = writeHeap(heapFile)
		}
	}()
	go func() {
		// As cmd/tremplin does: give back what start-up needed only once.
		time.Sleep(2 * time.Second)
		debug.FreeOSMemory()
	}()
	w.ShowAndRun()
	return walkErr
}

// walk drives the kiosk and prints one line per screen.
func walk(k *app.Kiosk, steps int, first string, settle time.Duration) error {
	// PSS counts shared pages (Mesa's libLLVM, the executable) in
	// proportion to the processes mapping them, so it moves with what
	// else runs; USS (pages of this process only) does not.
	fmt.Printf("%-28s %8s %8s %8s %8s %8s %8s\n", "screen (MB)", "PSS", "USS", "anon", "file", "Go held", "Go live")
	measure := func(what string) {
		time.Sleep(settle)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mb := func(b uint64) float64 { return float64(b) / (1 << 20) }
		if shots != "" {
			// What the X server shows, as a person would see it.
			name := filepath.Join(shots, strings.NewReplacer(" ", "-").Replace(what)+".png")
			if out, err := exec.Command("import", "-window", "root", name).CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "screenshot %s: %v %s\n", name, err, out)
			}
		}
		r := rollup()
		if maps {
			printMaps()
		}
		fmt.Printf("%-28s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f\n", what, r["Pss"], r["Private_Clean"]+r["Private_Dirty"],
			r["Pss_Anon"], r["Pss_File"], mb(ms.Sys-ms.HeapReleased), mb(ms.HeapAlloc))
	}
	time.Sleep(3 * time.Second)
	measure("welcome")
	do(func() { k.Welcome.Learn.OnTapped() })
	measure("grid")
	openModule := func(id string) error {
		var err error
		do(func() {
			g := k.LearnGrid
			for i, m := range g.ModuleIDs {
				if m == id {
					g.Modules[i].OnTapped()
					return
				}
			}
			err = fmt.Errorf("no module %s in the grid", id)
		})
		return err
	}
	if err := openModule(first); err != nil {
		return err
	}
	module := first
	measure(module + " step 0")
	for i := 1; i <= steps; i++ {
		var ended bool
		var next string
		do(func() {
			p := k.Learn
			if p.End != nil {
				ended = true
				p.End.Other.OnTapped()
				next = nextModule(k, module)
				return
			}
			if !p.Continue.Disabled() && p.Continue.Visible() {
				p.Continue.OnTapped()
				return
			}
			p.SandboxDone(sandbox.Result{Success: true})
			p.Continue.OnTapped()
		})
		if ended {
			if err := openModule(next); err != nil {
				return err
			}
			module = next
		}
		var step int
		do(func() { step = k.Learn.Run().Index() })
		label := module + " step " + strconv.Itoa(step)
		measure(label)
	}
	return nil
}

// do runs f on the UI goroutine and waits for it.
func do(f func()) {
	done := make(chan struct{})
	fyne.Do(func() { defer close(done); f() })
	<-done
}

// nextModule returns the module after id in its domain's grid, or the
// first one.
func nextModule(k *app.Kiosk, id string) string {
	var out string
	ids := k.LearnGrid.ModuleIDs
	for i, m := range ids {
		if m == id && i+1 < len(ids) {
			out = ids[i+1]
		}
	}
	if out == "" {
		out = ids[0]
	}
	return out
}

// rollup returns the lines of /proc/self/smaps_rollup in MB: Pss (the
// process's proportional set size), Pss_Anon, Pss_File…
func rollup() map[string]float64 {
	out := map[string]float64{}
	data, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[2] == "kB" {
			v, _ := strconv.ParseFloat(f[1], 64)
			out[strings.TrimSuffix(f[0], ":")] = v / 1024
		}
	}
	return out
}

func writeHeap(name string) error {
	runtime.GC()
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.WriteHeapProfile(f)
}

// printMaps prints the mappings holding more than 1 MB of PSS (--maps), to
// see where memory is.
func printMaps() {
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return
	}
	var head string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			head = line
			continue
		}
		if len(f) == 3 && f[0] == "Pss:" {
			if v, _ := strconv.ParseFloat(f[1], 64); v > 1024 {
				fmt.Printf("    %7.1f %s\n", v/1024, head)
			}
		}
	}
}
