package sandbox

import (
	"path"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
)

// Files is the file explorer sandbox, drawn like Windows 11's: a folder
// pane, big icons, a command bar with "Renommer", a USB stick to plug in.
// Tasks: move a file into a folder by dragging it (content.TaskMove, also
// onto the USB stick), rename it (TaskRename), open it with a double-click,
// possibly after opening the folder it is in (TaskOpen).
type Files struct {
	*base
	task string

	// Folders are the folder pane's buttons, by folder name (the USB
	// stick's once plugged); they take dropped files.
	Folders map[string]*widget.Button
	// Tiles are the icons of the folder shown, by name.
	Tiles map[string]*FileTile
	// Back goes up to the start folder; RenameButton renames the selected
	// file; RenameEntry and RenameOK take the new name.
	Back, RenameButton     *widget.Button
	RenameEntry            *widget.Entry
	RenameOK               *widget.Button
	PlugUSB                *widget.Button
	Viewer, Toast, Renamer fyne.CanvasObject
	Where                  *canvas.Text
	// Ghost is the picture of the file being dragged.
	Ghost *canvas.Image

	inside     map[string][]string // folder → files; "" is the start folder
	at         string              // folder shown
	selected   string
	plugged    bool
	lastTap    time.Time
	lastName   string
	grid       *fyne.Container
	pane       *fyne.Container
	viewName   *canvas.Text
	viewDoc    *canvas.Image
	ghostLayer *fyne.Container
	view       fyne.CanvasObject
}

// FileTile is a file or folder icon of the explorer: a click selects it, a
// double-click opens it, a drag moves it.
type FileTile struct {
	widget.BaseWidget
	Name   string
	Folder bool
	f      *Files
	offset fyne.Position
	bg     *canvas.Rectangle
	face   fyne.CanvasObject
}

func newFiles(b *base) (*Files, error) {
	f := &Files{base: b, task: b.it.TaskOf()}
	f.Back = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() {
		if !f.ended && f.at != "" {
			f.record(Action{Kind: "back"})
			f.show("")
		}
	})
	f.RenameButton = widget.NewButtonWithIcon(f.t("sandbox.files.rename"), theme.DocumentCreateIcon(), f.startRename)
	f.RenameEntry = widget.NewEntry()
	f.RenameEntry.OnSubmitted = func(string) { f.rename() }
	f.RenameOK = widget.NewButtonWithIcon(f.t("sandbox.files.ok"), theme.ConfirmIcon(), f.rename)
	f.RenameOK.Importance = widget.HighImportance
	f.Renamer = container.NewBorder(nil, nil, widget.NewLabel(f.t("sandbox.files.new_name")), container.New(&minHeight{56}, f.RenameOK), container.New(&minHeight{56}, f.RenameEntry))
	f.PlugUSB = widget.NewButtonWithIcon(f.t("sandbox.files.plug"), theme.StorageIcon(), f.plug)
	f.Where = text("", 20, black, true)
	f.viewName = text("", 26, black, true)
	closeViewer := widget.NewButtonWithIcon(f.t("sandbox.files.close"), theme.CancelIcon(), func() { f.Viewer.Hide() })
	doc := canvas.NewImageFromResource(theme.DocumentIcon())
	doc.FillMode = canvas.ImageFillContain
	doc.SetMinSize(fyne.NewSquareSize(140))
	f.viewDoc = doc
	f.Viewer = panel(white, container.NewBorder(
		container.NewStack(canvas.NewRectangle(paneGrey), container.NewBorder(nil, nil, nil, container.New(&minHeight{52}, closeViewer), container.NewPadded(f.viewName))),
		nil, nil, nil, container.NewCenter(doc)))
	f.Toast = panel(white, container.NewPadded(container.NewHBox(widget.NewIcon(theme.StorageIcon()), container.NewVBox(
		text(f.t("sandbox.files.usb_toast"), 20, black, true), text(f.t("sandbox.files.usb_toast_more"), 16, textGrey, false)))))
	f.grid = container.NewGridWrap(fyne.NewSize(164, 136))
	f.pane = container.NewVBox()
	commands := container.NewHBox(container.NewGridWrap(fyne.NewSquareSize(52), f.Back), container.New(&minHeight{52}, f.RenameButton), f.Where)
	title := container.NewStack(canvas.NewRectangle(paneGrey), container.NewPadded(container.NewHBox(widget.NewIcon(folderIcon()), text(f.t("sandbox.files.app"), 18, black, false))))
	left := container.NewStack(canvas.NewRectangle(paneGrey), container.NewPadded(container.NewBorder(nil, nil, nil, nil, f.pane)))
	main := container.NewStack(canvas.NewRectangle(white), container.NewBorder(nil, f.Renamer, nil, nil, container.NewVScroll(container.NewPadded(f.grid))))
	body := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(280, 380), left), nil, main)
	// The dragged file's picture follows the mouse over the whole
	// explorer, as Windows draws it, while its icon stays in place.
	f.Ghost = canvas.NewImageFromResource(theme.FileIcon())
	f.Ghost.FillMode = canvas.ImageFillContain
	f.Ghost.Translucency = 0.3
	f.Ghost.Hide()
	f.ghostLayer = container.NewWithoutLayout(f.Ghost)
	overlay := container.NewStack(
		container.NewBorder(container.NewVBox(title, container.NewPadded(commands), widget.NewSeparator()), nil, nil, nil, body),
		container.NewPadded(container.NewPadded(f.Viewer)),
		container.NewBorder(nil, container.NewHBox(spacer(), f.Toast), nil, nil),
		f.ghostLayer,
	)
	f.view = b.frame(overlay)
	f.Reset()
	return f, nil
}

func newTile(f *Files, name string, folder bool) *FileTile {
	t := &FileTile{Name: name, Folder: folder, f: f}
	res := fileIcon(name)
	if folder {
		res = folderIcon()
		if name == content.USBFolder {
			res = theme.StorageIcon()
		}
	}
	img := canvas.NewImageFromResource(res)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(72))
	label := text(short(name, 17), 17, black, false)
	label.Alignment = fyne.TextAlignCenter
	t.bg = canvas.NewRectangle(colorNone)
	t.bg.CornerRadius = 6
	t.face = container.NewStack(t.bg, container.NewBorder(nil, label, nil, nil, img))
	t.ExtendBaseWidget(t)
	return t
}

// CreateRenderer draws the icon and its name.
func (t *FileTile) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.face) }

// Tapped selects the tile; a second click soon after opens it.
func (t *FileTile) Tapped(*fyne.PointEvent) { t.f.tapTile(t) }

// Dragged moves the file's picture with the mouse.
func (t *FileTile) Dragged(ev *fyne.DragEvent) {
	if t.f.ended || t.Folder {
		return
	}
	t.offset = t.offset.AddXY(ev.Dragged.DX, ev.Dragged.DY)
	t.f.showGhost(t)
}

// DragEnd drops the file where its picture is.
func (t *FileTile) DragEnd() {
	if t.f.ended || t.Folder {
		return
	}
	t.f.Ghost.Hide()
	t.f.drop(t)
	t.offset = fyne.Position{}
}

func (t *FileTile) setSelected(on bool) {
	if on {
		t.bg.FillColor = selectBlue
	} else {
		t.bg.FillColor = colorNone
	}
	t.bg.Refresh()
}

func (f *Files) interval() time.Duration {
	if f.pr.Interval > 0 {
		return time.Duration(f.pr.Interval) * time.Millisecond
	}
	return defaultInterval * time.Millisecond
}

func (f *Files) tapTile(t *FileTile) {
	if f.ended {
		return
	}
	now := f.env.Now()
	if f.lastName == t.Name && now.Sub(f.lastTap) <= f.interval() {
		f.lastName = ""
		f.open(t)
		return
	}
	f.lastTap, f.lastName = now, t.Name
	f.record(Action{Kind: "click", Target: t.Name})
	f.selected = t.Name
	for _, o := range f.Tiles {
		o.setSelected(o == t)
	}
}

func (f *Files) open(t *FileTile) {
	f.record(Action{Kind: "double_click", Target: t.Name})
	if t.Folder {
		f.show(t.Name)
		return
	}
	f.record(Action{Kind: "open", Target: t.Name})
	f.viewName.Text = t.Name
	f.viewName.Refresh()
	f.viewDoc.Resource = fileIcon(t.Name)
	f.viewDoc.Refresh()
	f.Viewer.Show()
	if f.task == content.TaskOpen {
		f.finish(t.Name == f.pr.File, nil)
	}
}

// folders returns the folders of the pane, the USB stick once plugged.
func (f *Files) folders() []string {
	var out []string
	for _, name := range f.pr.Folders {
		if name == content.USBFolder && f.pr.USB && !f.plugged {
			continue
		}
		out = append(out, name)
	}
	return out
}

// show draws folder name ("" the start folder) in the main area.
func (f *Files) show(name string) {
	f.at = name
	f.selected = ""
	f.Renamer.Hide()
	var tiles []fyne.CanvasObject
	f.Tiles = map[string]*FileTile{}
	where := f.t("sandbox.files.home")
	if name != "" {
		where += "  ›  " + name
	}
	f.Where.Text = where
	f.Where.Refresh()
	if name == "" {
		for _, d := range f.folders() {
			t := newTile(f, d, true)
			f.Tiles[d] = t
			tiles = append(tiles, t)
		}
	}
	for _, file := range f.inside[name] {
		t := newTile(f, file, false)
		f.Tiles[file] = t
		tiles = append(tiles, t)
	}
	// Objects set at once: Add lays the container out at every call.
	f.grid.Objects = tiles
	f.grid.Refresh()
	var pane []fyne.CanvasObject
	f.Folders = map[string]*widget.Button{}
	home := widget.NewButtonWithIcon(f.t("sandbox.files.home"), theme.HomeIcon(), func() {
		if !f.ended {
			f.record(Action{Kind: "click", Target: "home"})
			f.show("")
		}
	})
	home.Alignment = widget.ButtonAlignLeading
	pane = append(pane, container.New(&minHeight{52}, home))
	for _, d := range f.folders() {
		icon := folderIcon()
		if d == content.USBFolder {
			icon = theme.StorageIcon()
		}
		b := widget.NewButtonWithIcon(d, icon, func() {
			if !f.ended {
				f.record(Action{Kind: "click", Target: d})
				f.show(d)
			}
		})
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		if d == name {
			b.Importance = widget.MediumImportance
		}
		f.Folders[d] = b
		pane = append(pane, container.New(&minHeight{52}, b))
	}
	if f.pr.USB && !f.plugged {
		pane = append(pane, widget.NewSeparator(), container.New(&minHeight{56}, f.PlugUSB))
	}
	f.pane.Objects = pane
	f.pane.Refresh()
}

func (f *Files) plug() {
	if f.ended || f.plugged {
		return
	}
	f.plugged = true
	f.record(Action{Kind: "plug_usb", Target: content.USBFolder})
	f.Toast.Show()
	f.say("say.sandbox.files_usb")
	f.show(f.at)
}

// showGhost draws the dragged file's picture where the mouse took it.
func (f *Files) showGhost(t *FileTile) {
	d := fyne.CurrentApp().Driver()
	at := d.AbsolutePositionForObject(t).Add(t.offset).Subtract(d.AbsolutePositionForObject(f.ghostLayer))
	f.Ghost.Resource = fileIcon(t.Name)
	f.Ghost.Resize(fyne.NewSquareSize(72))
	f.Ghost.Move(at.AddXY(t.Size().Width/2-36, t.Size().Height/2-36))
	f.Ghost.Show()
	f.Ghost.Refresh()
}

// drop moves a dragged file into the folder under its picture, if any.
func (f *Files) drop(t *FileTile) {
	d := fyne.CurrentApp().Driver()
	c := d.AbsolutePositionForObject(t).Add(t.offset).AddXY(t.Size().Width/2, t.Size().Height/2)
	target := ""
	for name, b := range f.Folders {
		if inside(c, d.AbsolutePositionForObject(b), b.Size()) {
			target = name
		}
	}
	for name, o := range f.Tiles {
		if o.Folder && inside(c, d.AbsolutePositionForObject(o), o.Size()) {
			target = name
		}
	}
	if target == "" || target == f.at {
		f.record(Action{Kind: "drag", Target: "", Value: t.Name, X: float64(c.X), Y: float64(c.Y)})
		f.grid.Refresh() // back to its place
		return
	}
	f.record(Action{Kind: "drag", Target: target, Value: t.Name, X: float64(c.X), Y: float64(c.Y)})
	if target != content.USBFolder {
		// Within the computer a file moves; onto a stick it is copied.
		f.inside[f.at] = slices.DeleteFunc(f.inside[f.at], func(s string) bool { return s == t.Name })
	}
	if !slices.Contains(f.inside[target], t.Name) {
		f.inside[target] = append(f.inside[target], t.Name)
	}
	f.show(f.at)
	if f.task == content.TaskMove {
		f.finish(t.Name == f.pr.File && target == f.pr.Goal, nil)
	}
}

func inside(p, at fyne.Position, s fyne.Size) bool {
	return p.X >= at.X && p.Y >= at.Y && p.X <= at.X+s.Width && p.Y <= at.Y+s.Height
}

func (f *Files) startRename() {
	if f.ended {
		return
	}
	t, ok := f.Tiles[f.selected]
	if !ok || t.Folder {
		f.say("say.sandbox.files_select")
		return
	}
	f.record(Action{Kind: "click", Target: "rename_button", Value: t.Name})
	f.RenameEntry.SetText(strings.TrimSuffix(t.Name, path.Ext(t.Name)))
	f.Renamer.Show()
}

func (f *Files) rename() {
	if f.ended || f.selected == "" {
		return
	}
	old := f.selected
	base := strings.TrimSpace(f.RenameEntry.Text)
	if base == "" {
		return
	}
	name := base + path.Ext(old)
	f.record(Action{Kind: "rename", Target: old, Value: name})
	files := f.inside[f.at]
	if i := slices.Index(files, old); i >= 0 {
		files[i] = name
	}
	f.show(f.at)
	if f.task == content.TaskRename {
		want := strings.TrimSuffix(f.pr.Goal, path.Ext(f.pr.Goal))
		f.finish(old == f.pr.File && assessment.MatchText(assessment.FormatWords, []string{want}, base), nil)
	}
}

// View returns the explorer.
func (f *Files) View() fyne.CanvasObject { return f.view }

// ShowHint shows and says the hint.
func (f *Files) ShowHint() { f.hint() }

// ShowSolution shows and says the solution, and marks the file.
func (f *Files) ShowSolution() {
	f.solution()
	if t, ok := f.Tiles[f.pr.File]; ok {
		t.bg.FillColor = highlight
		t.bg.Refresh()
	}
}

// Reset puts every file back in its place.
func (f *Files) Reset() {
	f.restart()
	f.inside = map[string][]string{"": slices.Clone(f.pr.Files)}
	for k, v := range f.pr.Inside {
		f.inside[k] = slices.Clone(v)
	}
	f.plugged = false
	f.lastName = ""
	f.Viewer.Hide()
	f.Toast.Hide()
	f.show("")
}
