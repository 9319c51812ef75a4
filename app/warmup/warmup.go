// Package warmup is the mouse warm-up a visitor meets before the first
// question (like Pix's first steps): put the pointer on a big target, click
// it, click it again where it moved. A visitor at ease skips it in one tap;
// one who cannot do it yet is told kindly, offered the mouse module, and not
// sent into a diagnostic whose items they could not physically answer.
//
// The package knows nothing of the journal or the visit: the screen reports
// a Result through its done function and the caller keeps it.
package warmup

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
)

// Outcome is how the warm-up ended.
type Outcome string

// Outcomes.
const (
	Passed    Outcome = "passed"    // pointed and clicked twice
	Skipped   Outcome = "skipped"   // "Je sais utiliser la souris"
	Struggled Outcome = "struggled" // could not yet; chose to learn the mouse
)

// Result is what the warm-up measured, journaled by the caller.
type Result struct {
	Outcome Outcome `json:"outcome"`
	// Misses counts clicks beside the target.
	Misses int `json:"misses"`
	// Millis is the time from the screen to its end.
	Millis int64 `json:"ms"`
}

// Env is what the warm-up needs from the kiosk.
type Env struct {
	T   func(key string, args ...string) string
	Say func(text string)
	Now func() time.Time
}

// StruggleAfter is how many clicks beside the target, or how long without
// progress, before the warm-up kindly offers to learn the mouse first.
var (
	StruggleAfterMisses = 6
	StruggleAfter       = 45 * time.Second
)

// Screen is the warm-up. Its exported fields let tests act as a visitor.
type Screen struct {
	Instruction *widget.Label
	Target      *Target
	// Area is the space around the target: a click there is a miss.
	Area *Area
	// Skip ends the warm-up at once for those at ease with a mouse.
	Skip *widget.Button
	// Learn and Again are offered when the visitor struggles.
	Learn, Again *widget.Button
	Struggling   *fyne.Container

	env      Env
	done     func(Result)
	step     int
	misses   int
	started  time.Time
	progress time.Time
	ended    bool
	root     fyne.CanvasObject
}

// Steps of the warm-up and where the target sits (relative to the area).
var places = []fyne.Position{{X: 0.3, Y: 0.45}, {X: 0.3, Y: 0.45}, {X: 0.72, Y: 0.55}}

// New returns the warm-up screen; done is called once, when it ends.
func New(env Env, done func(Result)) *Screen {
	if env.Now == nil {
		env.Now = time.Now
	}
	s := &Screen{env: env, done: done}
	s.started = env.Now()
	s.progress = s.started
	s.Instruction = widget.NewLabel("")
	s.Instruction.Wrapping = fyne.TextWrapWord
	s.Instruction.TextStyle.Bold = true
	s.Instruction.SizeName = theme.SizeNameSubHeadingText
	s.Target = newTarget(s)
	s.Area = newArea(s)
	s.Skip = widget.NewButtonWithIcon(env.T("warmup.skip"), theme.MediaSkipNextIcon(), func() { s.end(Skipped) })
	s.Learn = widget.NewButtonWithIcon(env.T("warmup.learn"), theme.ComputerIcon(), func() { s.end(Struggled) })
	s.Learn.Importance = widget.HighImportance
	s.Again = widget.NewButtonWithIcon(env.T("warmup.again"), theme.ViewRefreshIcon(), s.restart)
	msg := widget.NewLabel(env.T("warmup.struggle"))
	msg.Wrapping = fyne.TextWrapWord
	msg.TextStyle.Bold = true
	s.Struggling = container.NewVBox(msg, container.NewGridWithColumns(2,
		container.NewGridWrap(fyne.NewSize(420, 90), s.Learn), container.NewGridWrap(fyne.NewSize(420, 90), s.Again)))
	s.Struggling.Hide()
	play := container.New(&areaLayout{s: s}, s.Area, s.Target)
	// Room for two lines of instruction at every step: when a one-line
	// step followed a two-line one, the play area (and the target under a
	// still pointer) jumped up (seen in a real window under Xvfb).
	line := fyne.MeasureText("Ag", theme.Size(theme.SizeNameSubHeadingText), fyne.TextStyle{Bold: true}).Height
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(fyne.NewSize(0, 2*line+theme.Size(theme.SizeNameLineSpacing)+2*theme.Size(theme.SizeNameInnerPadding)))
	top := container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(360, 72), s.Skip), container.NewStack(room, s.Instruction))
	s.root = container.NewPadded(container.NewBorder(top, s.Struggling, nil, nil, play))
	s.show(0)
	return s
}

// Object is the screen's content.
func (s *Screen) Object() fyne.CanvasObject { return s.root }

// Step is the step on screen: 0 point at the target, 1 click it, 2 click it
// again where it moved.
func (s *Screen) Step() int { return s.step }

// SpokenText is what the screen says on open.
func (s *Screen) SpokenText() string { return s.env.T(stepKeys[s.step].say) }

var stepKeys = []struct{ text, say string }{
	{"warmup.point", "say.warmup.point"},
	{"warmup.click", "say.warmup.click"},
	{"warmup.again_click", "say.warmup.again_click"},
}

func (s *Screen) show(step int) {
	s.step = step
	s.Instruction.SetText(s.env.T(stepKeys[step].text))
	if step == 2 {
		// The target moved from under the pointer, which sends no MouseOut.
		s.Target.hovered = false
	}
	s.Target.Refresh()
	if c := s.root; c != nil {
		c.Refresh()
	}
	if s.env.Say != nil && step > 0 {
		s.env.Say(s.SpokenText())
	}
}

// pointed is the pointer reaching the target.
func (s *Screen) pointed() {
	if s.ended || s.step != 0 {
		return
	}
	s.progress = s.env.Now()
	s.show(1)
}

// clicked is a click on the target.
func (s *Screen) clicked() {
	if s.ended {
		return
	}
	s.progress = s.env.Now()
	switch s.step {
	case 0, 1: // a touch screen has no pointer to rest: a tap counts for both
		s.show(2)
	case 2:
		s.end(Passed)
	}
}

// missed is a click beside the target.
func (s *Screen) missed() {
	if s.ended {
		return
	}
	s.misses++
	s.Check()
}

// Check offers help when the visitor has not managed for a while; the
// kiosk's idle watcher calls it now and then, and every miss calls it.
func (s *Screen) Check() {
	if s.ended || s.Struggling.Visible() {
		return
	}
	if s.misses >= StruggleAfterMisses || s.env.Now().Sub(s.progress) >= StruggleAfter {
		s.Struggling.Show()
		if s.env.Say != nil {
			s.env.Say(s.env.T("say.warmup.struggle"))
		}
	}
}

func (s *Screen) restart() {
	s.misses = 0
	s.progress = s.env.Now()
	s.Struggling.Hide()
	s.show(0)
	if s.env.Say != nil {
		s.env.Say(s.SpokenText())
	}
}

func (s *Screen) end(o Outcome) {
	if s.ended {
		return
	}
	s.ended = true
	if s.done != nil {
		s.done(Result{Outcome: o, Misses: s.misses, Millis: s.env.Now().Sub(s.started).Milliseconds()})
	}
}

// TargetSize is the target's diameter at each step: large, then a little
// smaller, as a person who managed once can aim a little finer.
var TargetSize = []float32{200, 200, 140}

// areaLayout places the target inside the area.
type areaLayout struct{ s *Screen }

func (l *areaLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Resize(size)
	objs[0].Move(fyne.NewPos(0, 0))
	d := TargetSize[l.s.step]
	p := places[l.s.step]
	objs[1].Resize(fyne.NewSize(d, d))
	objs[1].Move(fyne.NewPos(p.X*size.Width-d/2, p.Y*size.Height-d/2))
}

func (l *areaLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(400, 300) }

// Target is the round target to point at and click.
type Target struct {
	widget.BaseWidget
	s       *Screen
	hovered bool
}

func newTarget(s *Screen) *Target {
	t := &Target{s: s}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped is a click on the target.
func (t *Target) Tapped(*fyne.PointEvent) { t.s.clicked() }

// MouseIn is the pointer reaching the target.
func (t *Target) MouseIn(*desktop.MouseEvent) { t.hovered = true; t.Refresh(); t.s.pointed() }

// MouseMoved completes desktop.Hoverable.
func (t *Target) MouseMoved(*desktop.MouseEvent) {}

// MouseOut is the pointer leaving the target.
func (t *Target) MouseOut() { t.hovered = false; t.Refresh() }

// Cursor shows a pointing hand over the target.
func (t *Target) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer draws a yellow disc with a dark ring; it turns blue under
// the pointer, so the visitor sees the pointer is on it.
func (t *Target) CreateRenderer() fyne.WidgetRenderer {
	c := canvas.NewCircle(kiosktheme.Selected)
	c.StrokeColor = kiosktheme.Text
	c.StrokeWidth = 6
	dot := canvas.NewCircle(kiosktheme.Text)
	r := &targetRenderer{t: t, disc: c, dot: dot}
	r.Refresh()
	return r
}

type targetRenderer struct {
	t    *Target
	disc *canvas.Circle
	dot  *canvas.Circle
}

func (r *targetRenderer) Layout(s fyne.Size) {
	r.disc.Resize(s)
	r.disc.Move(fyne.NewPos(0, 0))
	d := s.Width / 5
	r.dot.Resize(fyne.NewSize(d, d))
	r.dot.Move(fyne.NewPos((s.Width-d)/2, (s.Height-d)/2))
}
func (r *targetRenderer) MinSize() fyne.Size {
	return fyne.NewSize(TargetSize[len(TargetSize)-1], TargetSize[len(TargetSize)-1])
}
func (r *targetRenderer) Refresh() {
	if r.t.hovered {
		r.disc.FillColor = color.NRGBA{R: 0x9c, G: 0xc2, B: 0xf0, A: 0xff}
	} else {
		r.disc.FillColor = kiosktheme.Selected
	}
	r.disc.Refresh()
	r.dot.Refresh()
}
func (r *targetRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.disc, r.dot} }
func (r *targetRenderer) Destroy()                     {}

// Area is the space around the target; clicks there are misses.
type Area struct {
	widget.BaseWidget
	s *Screen
}

func newArea(s *Screen) *Area {
	a := &Area{s: s}
	a.ExtendBaseWidget(a)
	return a
}

// Tapped is a click beside the target.
func (a *Area) Tapped(*fyne.PointEvent) { a.s.missed() }

// CreateRenderer draws a light panel.
func (a *Area) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.White)
	bg.StrokeColor = kiosktheme.Muted
	bg.StrokeWidth = 2
	bg.CornerRadius = 16
	return widget.NewSimpleRenderer(container.NewStack(bg, layout.NewSpacer()))
}
