package sandbox

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/assessment"
)

// icon returns a desktop icon: a picture above its name, both white on the
// wallpaper as on Windows.
func icon(res fyne.Resource, name string) (*canvas.Image, *canvas.Text) {
	img := canvas.NewImageFromResource(res)
	img.FillMode = canvas.ImageFillContain
	label := text(name, 18, white, true)
	label.Alignment = fyne.TextAlignCenter
	return img, label
}

// DoubleClickDrill is the double-click drill: open a folder with two
// clicks close in time (Practice.Interval ms, 500 by default).
type DoubleClickDrill struct {
	*base
	// Pad takes the clicks; Folder is the target.
	Pad    *Pad
	Folder *canvas.Image
	Name   *canvas.Text
	Status *canvas.Text
	// Opened is the folder's window, shown after a good double-click.
	Opened fyne.CanvasObject

	stairs  staircase
	spot    fyne.Position
	first   time.Time
	firstAt fyne.Position
	pending bool
	misses  int
	lastMs  float64
	view    fyne.CanvasObject
}

func newDoubleClickDrill(b *base) (*DoubleClickDrill, error) {
	d := &DoubleClickDrill{base: b, stairs: newStaircase(b.pr), spot: spots(b.it)[0]}
	d.Folder, d.Name = icon(folderIcon(), d.t("sandbox.dblclick.folder"))
	d.Status = statusLine()
	win := panel(white, container.NewBorder(
		container.NewStack(canvas.NewRectangle(paneGrey), container.NewHBox(widget.NewIcon(theme.FolderOpenIcon()), widget.NewLabel(d.t("sandbox.dblclick.folder")))),
		nil, nil, nil, container.NewCenter(text(d.t("sandbox.dblclick.opened"), 26, black, true))))
	d.Opened = win
	win.Hide()
	objs, bg := desktop()
	objs = append(objs, d.Status, d.Folder, d.Name, win)
	d.Pad = newPad(objs, func(s fyne.Size) {
		bg(s)
		d.Status.Move(fyne.NewPos(s.Width/2, 12))
		size := d.stairs.size
		c := clampCentre(at(d.spot, s), size+30, fyne.NewSize(s.Width, s.Height-40))
		place(d.Folder, c, fyne.NewSquareSize(size))
		d.Name.Move(fyne.NewPos(c.X, c.Y+size/2-4))
		place(win, fyne.NewPos(s.Width/2, (s.Height-40)/2), fyne.NewSize(s.Width*0.6, (s.Height-40)*0.6))
	})
	d.Pad.OnTap = d.tap
	d.view = b.frame(d.Pad)
	d.Reset()
	return d, nil
}

func (d *DoubleClickDrill) interval() time.Duration {
	ms := d.pr.Interval
	if ms <= 0 {
		ms = defaultInterval
	}
	return time.Duration(ms) * time.Millisecond
}

func (d *DoubleClickDrill) inside(pos fyne.Position) bool {
	p, s := d.Folder.Position(), d.Folder.Size()
	return pos.X >= p.X && pos.Y >= p.Y && pos.X <= p.X+s.Width && pos.Y <= p.Y+s.Height+30
}

func (d *DoubleClickDrill) tap(pos fyne.Position) {
	if d.ended {
		return
	}
	now := d.env.Now()
	if !d.inside(pos) {
		d.record(Action{Kind: "click", Target: "background", X: float64(pos.X), Y: float64(pos.Y)})
		d.pending = false
		d.miss("sandbox.dblclick.on_folder", "say.sandbox.dblclick_on_folder")
		return
	}
	if !d.pending {
		d.record(Action{Kind: "click", Target: "folder", X: float64(pos.X), Y: float64(pos.Y)})
		d.pending, d.first, d.firstAt = true, now, pos
		return
	}
	gap := now.Sub(d.first)
	d.lastMs = float64(gap.Milliseconds())
	if gap > d.interval() {
		// Too slow: this click may be the first of the next double-click.
		d.record(Action{Kind: "click", Target: "folder", Value: fmt.Sprintf("%d ms", gap.Milliseconds()), X: float64(pos.X), Y: float64(pos.Y)})
		d.first, d.firstAt = now, pos
		d.miss("sandbox.dblclick.faster", "say.sandbox.dblclick_faster")
		return
	}
	d.record(Action{Kind: "double_click", Target: "folder", Value: fmt.Sprintf("%d ms", gap.Milliseconds()), X: float64(pos.X), Y: float64(pos.Y)})
	size := d.stairs.size
	d.stairs.success()
	d.Opened.Show()
	d.setStatus(d.t("sandbox.drill.bravo"))
	d.finish(true, map[string]float64{
		"double_click_ms": d.lastMs,
		"double_click_px": dist(pos, d.firstAt),
		"target_px":       float64(size),
		"misses":          float64(d.misses),
	})
}

func (d *DoubleClickDrill) miss(status, say string) {
	d.misses++
	d.stairs.miss()
	if d.misses >= maxMisses(d.pr) {
		m := map[string]float64{"target_px": float64(d.stairs.size), "misses": float64(d.misses)}
		if d.lastMs > 0 {
			m["double_click_ms"] = d.lastMs
		}
		d.finish(false, m)
		return
	}
	d.setStatus(d.t(status))
	d.say(say)
	d.Pad.Refresh()
}

func (d *DoubleClickDrill) setStatus(s string) { d.Status.Text = s; d.Status.Refresh() }

// View returns the drill.
func (d *DoubleClickDrill) View() fyne.CanvasObject { return d.view }

// ShowHint shows and says the hint.
func (d *DoubleClickDrill) ShowHint() { d.hint() }

// ShowSolution shows and says the solution.
func (d *DoubleClickDrill) ShowSolution() { d.solution() }

// Reset starts a new attempt with a closed folder.
func (d *DoubleClickDrill) Reset() {
	d.restart()
	d.pending, d.misses, d.lastMs = false, 0, 0
	d.Opened.Hide()
	d.setStatus("")
	d.Pad.Refresh()
}

// DragDrill is the drag drill: drag a document (Zones[0]) onto the bin
// (Zones[1]) and let go.
type DragDrill struct {
	*base
	// Pad holds the scene; Doc is dragged onto Bin.
	Pad    *Pad
	Doc    *Draggable
	Bin    *canvas.Image
	Status *canvas.Text

	stairs   staircase
	from, to fyne.Position
	misses   int
	lastErr  float64
	moved    fyne.Position // the document's offset from its start
	view     fyne.CanvasObject
}

func newDragDrill(b *base) (*DragDrill, error) {
	sp := spots(b.it)
	d := &DragDrill{base: b, stairs: newStaircase(b.pr), from: sp[0], to: sp[1]}
	docImg, docName := icon(theme.FileTextIcon(), d.t("sandbox.drag.doc"))
	d.Doc = newDraggable(container.NewBorder(nil, docName, nil, nil, docImg))
	var binName *canvas.Text
	d.Bin, binName = icon(theme.DeleteIcon(), d.t("sandbox.drag.bin"))
	d.Status = statusLine()
	objs, bg := desktop()
	objs = append(objs, d.Status, d.Bin, binName, d.Doc)
	d.Pad = newPad(objs, func(s fyne.Size) {
		bg(s)
		d.Status.Move(fyne.NewPos(s.Width/2, 12))
		area := fyne.NewSize(s.Width, s.Height-40)
		bs := d.stairs.size
		bc := clampCentre(at(d.to, s), bs+30, area)
		place(d.Bin, bc, fyne.NewSquareSize(bs))
		binName.Move(fyne.NewPos(bc.X, bc.Y+bs/2-4))
		ds := max(float32(MinTarget)*1.5, bs*0.75)
		dc := clampCentre(at(d.from, s), ds+30, area)
		place(d.Doc, dc.Add(d.moved), fyne.NewSize(ds+30, ds+30))
	})
	d.Doc.OnDrag = func(ev *fyne.DragEvent) {
		if d.ended {
			return
		}
		d.moved = d.moved.AddXY(ev.Dragged.DX, ev.Dragged.DY)
		d.Doc.Move(d.Doc.Position().AddXY(ev.Dragged.DX, ev.Dragged.DY))
	}
	d.Doc.OnDrop = d.drop
	d.view = b.frame(d.Pad)
	d.Reset()
	return d, nil
}

func (d *DragDrill) drop() {
	if d.ended {
		return
	}
	c, target := centre(d.Doc), centre(d.Bin)
	d.lastErr = dist(c, target)
	p, s := d.Bin.Position(), d.Bin.Size()
	in := c.X >= p.X-10 && c.X <= p.X+s.Width+10 && c.Y >= p.Y-10 && c.Y <= p.Y+s.Height+30
	if in {
		d.record(Action{Kind: "drag", Target: "bin", Value: "document", X: float64(c.X), Y: float64(c.Y)})
		size := d.stairs.size
		d.stairs.success()
		d.Doc.Hide()
		d.setStatus(d.t("sandbox.drill.bravo"))
		d.finish(true, map[string]float64{"drag_success": 1, "drag_error_px": d.lastErr, "target_px": float64(size), "misses": float64(d.misses)})
		return
	}
	d.record(Action{Kind: "drag", Target: "background", Value: "document", X: float64(c.X), Y: float64(c.Y)})
	d.misses++
	d.stairs.miss()
	d.moved = fyne.Position{}
	if d.misses >= maxMisses(d.pr) {
		d.finish(false, map[string]float64{"drag_success": 0, "drag_error_px": d.lastErr, "target_px": float64(d.stairs.size), "misses": float64(d.misses)})
	} else {
		d.setStatus(d.t("sandbox.drag.miss"))
		d.say("say.sandbox.drag_miss")
	}
	d.Pad.Refresh()
}

func (d *DragDrill) setStatus(s string) { d.Status.Text = s; d.Status.Refresh() }

// View returns the drill.
func (d *DragDrill) View() fyne.CanvasObject { return d.view }

// ShowHint shows and says the hint.
func (d *DragDrill) ShowHint() { d.hint() }

// ShowSolution shows and says the solution.
func (d *DragDrill) ShowSolution() { d.solution() }

// Reset puts the document back at its place.
func (d *DragDrill) Reset() {
	d.restart()
	d.misses, d.moved = 0, fyne.Position{}
	d.Doc.Show()
	d.setStatus("")
	d.Pad.Refresh()
}

// ScrollDrill is the scroll drill: a page Practice.Count screens long, with
// the button named Practice.Goal at its bottom and other buttons on the way.
type ScrollDrill struct {
	*base
	// Scroll is the page; Goal the button to find; Decoys the others.
	Scroll *container.Scroll
	Goal   *widget.Button
	Decoys []*widget.Button

	misses   int
	screen   int
	travel   float64
	lastY    float32
	deepest  int
	view     fyne.CanvasObject
	screenPx float32
}

// decoyButtons are the other buttons met on the way down.
var decoyButtons = []struct {
	key string
	imp widget.Importance
}{
	{"sandbox.scroll.blue", widget.HighImportance},
	{"sandbox.scroll.orange", widget.WarningImportance},
	{"sandbox.scroll.grey", widget.MediumImportance},
}

func newScrollDrill(b *base) (*ScrollDrill, error) {
	d := &ScrollDrill{base: b, screenPx: ViewSize.Height - 40}
	n := max(1, b.pr.Count)
	page := container.NewVBox()
	para := d.t("sandbox.scroll.text")
	for i := 0; i < n; i++ {
		l := widget.NewLabel(para)
		l.Wrapping = fyne.TextWrapWord
		part := container.NewVBox(text(d.t("sandbox.scroll.part", "n", fmt.Sprint(i+1)), 26, black, true), l)
		if i < n-1 || n == 1 {
			dc := decoyButtons[i%len(decoyButtons)]
			btn := widget.NewButton(d.t(dc.key), nil)
			btn.Importance = dc.imp
			btn.OnTapped = func() { d.decoy(btn) }
			d.Decoys = append(d.Decoys, btn)
			part.Add(container.NewHBox(container.NewGridWrap(fyne.NewSize(260, 64), btn)))
		}
		// Each part fills a whole screen, so the page is Count screens long.
		page.Add(container.New(&minHeight{d.screenPx}, part))
	}
	goal := b.pr.Goal
	if goal == "" {
		goal = d.t("sandbox.scroll.green")
	}
	d.Goal = widget.NewButton(goal, d.found)
	d.Goal.Importance = widget.SuccessImportance
	page.Add(container.NewCenter(container.NewGridWrap(fyne.NewSize(300, 72), d.Goal)))
	d.Scroll = container.NewVScroll(container.NewPadded(page))
	d.Scroll.OnScrolled = d.scrolled
	bg := canvas.NewRectangle(white)
	d.view = b.frame(container.NewStack(bg, d.Scroll))
	d.Reset()
	return d, nil
}

func (d *ScrollDrill) scrolled(off fyne.Position) {
	delta := off.Y - d.lastY
	if delta < 0 {
		delta = -delta
	}
	d.travel += float64(delta)
	d.lastY = off.Y
	screen := int(off.Y / d.screenPx)
	if screen != d.screen {
		dir := "down"
		if screen < d.screen {
			dir = "up"
		}
		d.screen = screen
		d.deepest = max(d.deepest, screen)
		d.record(Action{Kind: "scroll", Target: dir, Value: fmt.Sprint(screen), Y: float64(off.Y)})
	}
}

func (d *ScrollDrill) measures() map[string]float64 {
	return map[string]float64{"scroll_px": d.travel, "screens": float64(d.deepest), "misses": float64(d.misses)}
}

func (d *ScrollDrill) found() {
	if d.ended {
		return
	}
	d.record(Action{Kind: "click", Target: "goal", Value: d.Goal.Text})
	d.finish(true, d.measures())
}

func (d *ScrollDrill) decoy(b *widget.Button) {
	if d.ended {
		return
	}
	d.record(Action{Kind: "click", Target: "decoy", Value: b.Text})
	d.misses++
	if d.misses >= maxMisses(d.pr) {
		d.finish(false, d.measures())
		return
	}
	d.say("say.sandbox.scroll_more")
}

// View returns the drill.
func (d *ScrollDrill) View() fyne.CanvasObject { return d.view }

// ShowHint shows and says the hint.
func (d *ScrollDrill) ShowHint() { d.hint() }

// ShowSolution shows and says the solution.
func (d *ScrollDrill) ShowSolution() { d.solution() }

// Reset goes back to the top of the page.
func (d *ScrollDrill) Reset() {
	d.restart()
	d.misses, d.screen, d.deepest, d.travel, d.lastY = 0, 0, 0, 0, 0
	d.Scroll.ScrollToTop()
}

// TypeDrill is the typing drill: type one of the item's accepted answers
// (compared in the item's Format) and validate.
type TypeDrill struct {
	*base
	// Entry takes the text; Validate checks it.
	Entry    *widget.Entry
	Validate *widget.Button
	Status   *widget.Label

	started time.Time
	view    fyne.CanvasObject
}

func newTypeDrill(b *base) (*TypeDrill, error) {
	if len(b.it.Accept) == 0 {
		return nil, fmt.Errorf("a typing drill needs accepted answers")
	}
	d := &TypeDrill{base: b}
	d.Entry = widget.NewEntry()
	d.Entry.SetPlaceHolder(d.t("sandbox.type.here"))
	d.Entry.OnChanged = func(string) {
		if d.started.IsZero() {
			d.started = d.env.Now()
		}
	}
	d.Entry.OnSubmitted = func(string) { d.check() }
	d.Validate = widget.NewButtonWithIcon(d.t("sandbox.type.validate"), theme.ConfirmIcon(), d.check)
	d.Validate.Importance = widget.HighImportance
	d.Status = widget.NewLabel("")
	d.Status.Wrapping = fyne.TextWrapWord
	kb := canvas.NewImageFromResource(theme.ComputerIcon())
	kb.FillMode = canvas.ImageFillContain
	kb.SetMinSize(fyne.NewSize(120, 120))
	form := container.NewVBox(
		container.NewCenter(kb),
		container.NewGridWrap(fyne.NewSize(640, 64), d.Entry),
		container.NewCenter(container.NewGridWrap(fyne.NewSize(240, 64), d.Validate)),
		d.Status,
	)
	d.view = b.frame(container.NewStack(canvas.NewRectangle(paneGrey), container.NewCenter(form)))
	d.Reset()
	return d, nil
}

func (d *TypeDrill) check() {
	if d.ended {
		return
	}
	got := d.Entry.Text
	if strings.TrimSpace(got) == "" {
		d.Status.SetText(d.t("sandbox.type.first"))
		d.say("say.sandbox.type_first")
		return
	}
	d.record(Action{Kind: "type", Target: "entry", Value: got})
	ok := assessment.MatchText(d.it.Format, d.it.Accept, got)
	typos := -1
	for _, a := range d.it.Accept {
		if n := assessment.Distance(a, strings.TrimSpace(got)); typos < 0 || n < typos {
			typos = n
		}
	}
	secs := 0.0
	if !d.started.IsZero() {
		secs = d.env.Now().Sub(d.started).Seconds()
	}
	d.finish(ok, map[string]float64{"typed_chars": float64(len([]rune(got))), "type_seconds": secs, "typos": float64(typos)})
}

// View returns the drill.
func (d *TypeDrill) View() fyne.CanvasObject { return d.view }

// ShowHint shows and says the hint.
func (d *TypeDrill) ShowHint() { d.hint() }

// ShowSolution shows the expected text.
func (d *TypeDrill) ShowSolution() {
	d.solution()
	d.Status.SetText(d.t("sandbox.type.model", "text", d.it.Accept[0]))
}

// Reset empties the entry.
func (d *TypeDrill) Reset() {
	d.restart()
	d.started = time.Time{}
	d.Entry.SetText("")
	d.started = time.Time{}
	d.Status.SetText("")
}
