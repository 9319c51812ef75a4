package sandbox_test

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/content"
)

// example is a practice item and, when the picture should show it in the
// middle of the task, what the learner did first.
type example struct {
	name string
	it   *content.Item
	prep func(s sandbox.Sandbox)
}

// examples returns one practice item of every practice kind and task, with
// the data a module would give it.
func examples() []example {
	return []example{
		{"click", clickItem(), nil},
		{"double-click", dblItem(), nil},
		{"drag", dragItem(), nil},
		{"scroll", scrollItem(), nil},
		{"type", typeItem(), func(s sandbox.Sandbox) { test.Type(s.(*sandbox.TypeDrill).Entry, "Angoul") }},
		{"mail-list", mailItem("attach"), nil},
		{"mail-read", mailItem("attach"), func(s sandbox.Sandbox) { test.Tap(s.(*sandbox.Mailbox).Messages[0]) }},
		{"mail-compose", mailItem("attach"), func(s sandbox.Sandbox) {
			m := s.(*sandbox.Mailbox)
			test.Tap(m.Messages[0])
			test.Tap(m.Reply)
			test.Type(m.Body, "Bonjour, voici mon attestation. Cordialement.")
			test.Tap(m.AttachButton)
			test.Tap(m.Files[0])
		}},
		{"mail-picker", mailItem("attach"), func(s sandbox.Sandbox) {
			m := s.(*sandbox.Mailbox)
			test.Tap(m.Messages[0])
			test.Tap(m.Reply)
			test.Tap(m.AttachButton)
		}},
		{"browser-link", linkItem(), nil},
		{"browser-search", searchItem(content.TaskSpotAd), func(s sandbox.Sandbox) {
			b := s.(*sandbox.Browser)
			test.Type(b.AddressBar, "caf allocations")
			enter(b.AddressBar)
		}},
		{"browser-official", searchItem(content.TaskReach), func(s sandbox.Sandbox) {
			b := s.(*sandbox.Browser)
			test.Type(b.AddressBar, "caf.fr")
			enter(b.AddressBar)
		}},
		{"browser-tabs", tabsItem(), nil},
		{"form", formItem(false), nil},
		{"form-full", formItem(true), func(s sandbox.Sandbox) {
			fm := s.(*sandbox.Form)
			test.Type(fm.Entries["nom"], "Martin")
			test.Type(fm.Entries["courriel"], "jean.martin@gmail")
			test.Type(fm.Entries["mdp"], "Soleil-2026")
			test.Tap(fm.SendCode)
			test.Tap(fm.Submit)
		}},
		{"form-picker", formItem(true), func(s sandbox.Sandbox) { test.Tap(s.(*sandbox.Form).Browse["justificatif"]) }},
		{"files", filesItem(content.TaskMove), nil},
		{"files-drag", filesItem(content.TaskMove), func(s sandbox.Sandbox) {
			f := s.(*sandbox.Files)
			a := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.Tiles["facture-edf.pdf"])
			b := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.Folders["Factures"])
			f.Tiles["facture-edf.pdf"].Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: b.X - a.X, DY: b.Y - a.Y}})
		}},
		{"files-usb", usbItem(), func(s sandbox.Sandbox) { test.Tap(s.(*sandbox.Files).PlugUSB) }},
		{"files-rename", filesItem(content.TaskRename), func(s sandbox.Sandbox) {
			f := s.(*sandbox.Files)
			test.Tap(f.Tiles["facture-edf.pdf"])
			test.Tap(f.RenameButton)
		}},
		{"files-open", filesItem(content.TaskOpen), func(s sandbox.Sandbox) {
			f := s.(*sandbox.Files)
			test.Tap(f.Folders["Téléchargements"])
			test.Tap(f.Tiles["attestation-caf.pdf"])
			test.Tap(f.Tiles["attestation-caf.pdf"])
		}},
	}
}

// playerFrame stands for the module player around a sandbox: a one-line
// instruction above, a row of big buttons below.
func playerFrame(it *content.Item, view fyne.CanvasObject) fyne.CanvasObject {
	instr := widget.NewLabelWithStyle(it.Prompt, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	row := container.NewHBox(widget.NewButton("Écouter", nil), widget.NewButton("Réessayer", nil), widget.NewButton("Continuer", nil))
	return container.NewBorder(instr, container.New(&fixedHeight{80}, row), nil, nil, view)
}

type fixedHeight struct{ h float32 }

func (f *fixedHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
	}
}
func (f *fixedHeight) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, f.h) }

// TestSandboxesFit shows every sandbox in the player's frame at 1024×768
// and 1920×1080 with the kiosk's theme: nothing widens the window, and every
// button, entry and practice surface is at least 48 high and inside it.
// With TREMPLIN_SHOTS set, the pictures are kept there to be looked at.
func TestSandboxesFit(t *testing.T) {
	seen := map[string]bool{}
	for _, ex := range examples() {
		it := ex.it
		for _, size := range []fyne.Size{{Width: 1024, Height: 768}, {Width: 1920, Height: 1080}} {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(theme.New())
			s, err := sandbox.New(it, sandbox.Env{T: catalogue(t, "fr")}, nil)
			if err != nil {
				t.Fatal(err)
			}
			seen[it.Kind] = true
			w := test.NewWindow(playerFrame(it, s.View()))
			w.Resize(size)
			if ex.prep != nil {
				ex.prep(s)
			}

			if got := w.Canvas().Size(); got.Width > size.Width || got.Height > size.Height {
				t.Errorf("%s: needs %v, more than %v", ex.name, got, size)
			}
			checkTargets(t, ex.name, w, s.View())
			if dir := os.Getenv("TREMPLIN_SHOTS"); dir != "" {
				os.MkdirAll(dir, 0o755)
				f, err := os.Create(filepath.Join(dir, "sandbox-"+ex.name+"-"+sizeName(size)+".png"))
				if err != nil {
					t.Fatal(err)
				}
				png.Encode(f, w.Canvas().Capture())
				f.Close()
			}
			w.Close()
		}
	}
	for _, k := range content.Kinds {
		if !content.IsQuestion(k) && !seen[k] {
			t.Errorf("no example of %s", k)
		}
	}
}

func sizeName(s fyne.Size) string {
	if s.Width > 1024 {
		return "1920"
	}
	return "1024"
}

// checkTargets checks every visible clickable object of view.
func checkTargets(t *testing.T, id string, w fyne.Window, view fyne.CanvasObject) {
	t.Helper()
	win := w.Canvas().Size()
	d := fyne.CurrentApp().Driver()
	for _, o := range test.LaidOutObjects(view) {
		switch o.(type) {
		case *widget.Button, *widget.Entry, *sandbox.Pad, *sandbox.Draggable, *sandbox.FileTile:
		default:
			continue
		}
		shown, scrolled := visible(o, view)
		if !shown {
			continue
		}
		pos, sz := d.AbsolutePositionForObject(o), o.Size()
		if sz.Height < sandbox.MinTarget || sz.Width < sandbox.MinTarget {
			t.Errorf("%s: %T %q is %v: too small a target", id, o, label(o), sz)
		}
		if !scrolled && (pos.X < 0 || pos.Y < 0 || pos.X+sz.Width > win.Width+1 || pos.Y+sz.Height > win.Height+1) {
			t.Errorf("%s: %T %q at %v size %v is outside the %v window", id, o, label(o), pos, sz, win)
		}
	}
}

func label(o fyne.CanvasObject) string {
	if b, ok := o.(*widget.Button); ok {
		return b.Text
	}
	return ""
}

// visible reports whether o and every container above it are shown, and
// whether one of them scrolls (o may then lie below the window).
func visible(o, root fyne.CanvasObject) (shown, scrolled bool) {
	var walk func(n fyne.CanvasObject, path []fyne.CanvasObject) []fyne.CanvasObject
	walk = func(n fyne.CanvasObject, path []fyne.CanvasObject) []fyne.CanvasObject {
		path = append(path, n)
		if n == o {
			return path
		}
		var kids []fyne.CanvasObject
		switch x := n.(type) {
		case *fyne.Container:
			kids = x.Objects
		case fyne.Widget:
			kids = test.WidgetRenderer(x).Objects()
		}
		for _, k := range kids {
			if p := walk(k, path); p != nil {
				return p
			}
		}
		return nil
	}
	for _, n := range walk(root, nil) {
		if !n.Visible() {
			return false, false
		}
		if _, ok := n.(*container.Scroll); ok {
			scrolled = true
		}
	}
	return true, scrolled
}
