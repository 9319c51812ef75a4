package sandbox

import (
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"github.com/tremplin-numerique/tremplin/content"
)

// Drill defaults, overridden by the item's practice data.
const (
	defaultStart    = 160 // first target size
	defaultMisses   = 3   // misses that end an attempt
	defaultInterval = 500 // ms between the 2 clicks of a double-click (Windows' default)
	shrink          = 0.75
)

// staircase is a drill's target size: smaller after each success, larger
// after each miss, between MinTarget and the start size. It lives as long
// as the sandbox, so a "Réessayer" after a success keeps the smaller size.
type staircase struct{ start, size float32 }

func newStaircase(pr *content.Practice) staircase {
	s := float32(defaultStart)
	if pr.Start >= MinTarget {
		s = float32(pr.Start)
	}
	return staircase{start: s, size: s}
}

func (s *staircase) success() { s.size = max(MinTarget, s.size*shrink) }
func (s *staircase) miss()    { s.size = min(s.start, s.size/shrink) }

// misses returns how many misses end an attempt.
func maxMisses(pr *content.Practice) int {
	if pr.Misses > 0 {
		return pr.Misses
	}
	return defaultMisses
}

// spots returns the relative centres a drill's target visits in turn: the
// centres of the item's zones, then their mirror images, so a drill of
// several clicks moves the target around the screen.
func spots(it *content.Item) []fyne.Position {
	var out []fyne.Position
	for _, z := range it.Zones {
		out = append(out, fyne.NewPos(float32(z.X+z.W/2), float32(z.Y+z.H/2)))
	}
	if len(out) == 0 {
		out = append(out, fyne.NewPos(0.5, 0.45))
	}
	if len(out) == 1 {
		c := out[0]
		out = append(out, fyne.NewPos(1-c.X, c.Y), fyne.NewPos(1-c.X, 1-c.Y), fyne.NewPos(c.X, 1-c.Y), fyne.NewPos(0.5, 0.45))
	}
	return out
}

// at turns a relative spot into pad coordinates.
func at(rel fyne.Position, size fyne.Size) fyne.Position {
	return fyne.NewPos(rel.X*size.Width, rel.Y*(size.Height-40)) // above the taskbar
}

func dist(a, b fyne.Position) float64 {
	return math.Hypot(float64(a.X-b.X), float64(a.Y-b.Y))
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// statusLine returns the drill's big one-line feedback.
func statusLine() *canvas.Text {
	t := text("", 28, white, true)
	t.Alignment = fyne.TextAlignCenter
	return t
}

// ClickDrill is the click drill: click a round target Practice.Count times;
// it shrinks after each hit and moves to another place.
type ClickDrill struct {
	*base
	// Pad takes the clicks; Target is the round target on it.
	Pad    *Pad
	Target *canvas.Circle
	Status *canvas.Text

	stairs       staircase
	spots        []fyne.Position
	hits, misses int
	errs         []float64
	view         fyne.CanvasObject
}

func newClickDrill(b *base) (*ClickDrill, error) {
	d := &ClickDrill{base: b, stairs: newStaircase(b.pr), spots: spots(b.it)}
	d.Target = canvas.NewCircle(targetFill)
	d.Target.StrokeColor = white
	d.Target.StrokeWidth = 4
	d.Status = statusLine()
	objs, bg := desktop()
	objs = append(objs, d.Status, d.Target)
	d.Pad = newPad(objs, func(s fyne.Size) {
		bg(s)
		d.Status.Move(fyne.NewPos(s.Width/2, 12))
		d.placeTarget(s)
	})
	d.Pad.OnTap = d.tap
	d.view = b.frame(d.Pad)
	d.Reset()
	return d, nil
}

func (d *ClickDrill) count() int { return max(1, d.base.pr.Count) }

func (d *ClickDrill) placeTarget(s fyne.Size) {
	c := at(d.spots[d.hits%len(d.spots)], s)
	c = clampCentre(c, d.stairs.size, fyne.NewSize(s.Width, s.Height-40))
	place(d.Target, c, fyne.NewSquareSize(d.stairs.size))
}

func (d *ClickDrill) tap(pos fyne.Position) {
	if d.ended {
		return
	}
	c := centre(d.Target)
	e := dist(pos, c)
	if e <= float64(d.stairs.size)/2 {
		d.record(Action{Kind: "click", Target: "target", X: float64(pos.X), Y: float64(pos.Y)})
		d.hits++
		d.errs = append(d.errs, e)
		size := d.stairs.size
		d.stairs.success()
		if d.hits >= d.count() {
			d.Target.Hide()
			d.setStatus(d.t("sandbox.drill.bravo"))
			d.finish(true, d.measures(size))
			return
		}
		d.setStatus(d.t("sandbox.click.again", "n", strconv.Itoa(d.count()-d.hits)))
	} else {
		d.record(Action{Kind: "click", Target: "background", X: float64(pos.X), Y: float64(pos.Y)})
		d.misses++
		d.stairs.miss()
		if d.misses >= maxMisses(d.pr) {
			d.finish(false, d.measures(d.stairs.size))
			return
		}
		d.setStatus(d.t("sandbox.click.miss"))
		d.say("say.sandbox.click_miss")
	}
	d.Pad.Refresh()
}

func (d *ClickDrill) setStatus(s string) { d.Status.Text = s; d.Status.Refresh() }

func (d *ClickDrill) measures(size float32) map[string]float64 {
	return map[string]float64{
		"click_error_px": mean(d.errs),
		"target_px":      float64(size),
		"hits":           float64(d.hits),
		"misses":         float64(d.misses),
	}
}

// View returns the drill.
func (d *ClickDrill) View() fyne.CanvasObject { return d.view }

// ShowHint shows and says the hint.
func (d *ClickDrill) ShowHint() { d.hint() }

// ShowSolution shows the solution and rings the target.
func (d *ClickDrill) ShowSolution() {
	d.solution()
	d.Target.StrokeColor = highlight
	d.Target.StrokeWidth = 8
	d.Target.Refresh()
}

// Reset starts a new attempt; the target keeps its current size.
func (d *ClickDrill) Reset() {
	d.restart()
	d.hits, d.misses, d.errs = 0, 0, nil
	d.Target.Show()
	d.Target.StrokeColor = white
	d.Target.StrokeWidth = 4
	d.setStatus(d.t("sandbox.click.again", "n", strconv.Itoa(d.count())))
	d.Pad.Refresh()
}

// TargetSize returns the target's current diameter.
func (d *ClickDrill) TargetSize() float32 { return d.stairs.size }
