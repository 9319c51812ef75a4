package sandbox_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/content"
)

// filesItem is do-dossier-4 of the default pack, with a task.
func filesItem(task string) *content.Item {
	pr := &content.Practice{Files: []string{"facture-edf.pdf", "photo-plage.jpg", "lettre-caf.pdf"},
		Folders: []string{"Factures", "Photos", "Courriers", "Téléchargements"}, File: "facture-edf.pdf", Goal: "Factures"}
	pr.Task = task
	switch task {
	case content.TaskRename:
		pr.Goal = "facture-edf-novembre"
	case content.TaskOpen:
		pr.File, pr.Goal = "attestation-caf.pdf", "Téléchargements"
		pr.Inside = map[string][]string{"Téléchargements": {"attestation-caf.pdf", "billet-train.pdf"}}
	}
	return &content.Item{ID: "files-" + task, Kind: content.KindSandboxFiles, Prompt: "Rangez la facture.", Practice: pr}
}

// usbItem is do-usb-2 with the stick to plug in first.
func usbItem() *content.Item {
	pr := &content.Practice{Files: []string{"mon-cv.pdf", "liste-courses.txt", "photo-chat.jpg"},
		Folders: []string{content.USBFolder, "Documents", "Images"}, File: "mon-cv.pdf", Goal: content.USBFolder}
	pr.USB = true
	return &content.Item{ID: "files-usb", Kind: content.KindSandboxFiles, Prompt: "Copiez votre CV sur la clé USB.", Practice: pr}
}

func TestFilesMove(t *testing.T) {
	r := newRig(t, filesItem(content.TaskMove))
	f := r.s.(*sandbox.Files)
	file, folder := f.Tiles["facture-edf.pdf"], f.Folders["Factures"]
	a, b := r.mid(file), r.mid(folder)
	test.Drag(r.w.Canvas(), a, b.X-a.X, b.Y-a.Y)
	if !r.result().Success {
		t.Fatalf("dropping on the Factures folder fails: %v", r.kinds())
	}
	if _, still := f.Tiles["facture-edf.pdf"]; still {
		t.Error("the file stays in the start folder")
	}
	// Dropped on the Photos folder tile: a miss.
	r = newRig(t, filesItem(content.TaskMove))
	f = r.s.(*sandbox.Files)
	a, b = r.mid(f.Tiles["facture-edf.pdf"]), r.mid(f.Tiles["Photos"])
	test.Drag(r.w.Canvas(), a, b.X-a.X, b.Y-a.Y)
	if r.result().Success {
		t.Error("the wrong folder counted")
	}
	// Dropped on nothing: the file goes back, the attempt goes on.
	r = newRig(t, filesItem(content.TaskMove))
	f = r.s.(*sandbox.Files)
	test.Drag(r.w.Canvas(), r.mid(f.Tiles["facture-edf.pdf"]), 0, 150)
	if len(r.results) != 0 || f.Tiles["facture-edf.pdf"] == nil {
		t.Errorf("a drop on nothing: %+v", r.results)
	}
}

func TestFilesUSB(t *testing.T) {
	r := newRig(t, usbItem())
	f := r.s.(*sandbox.Files)
	if _, ok := f.Folders[content.USBFolder]; ok {
		t.Fatal("the stick shows before it is plugged")
	}
	test.Tap(f.PlugUSB)
	if !f.Toast.Visible() || len(r.said) != 1 || f.Folders[content.USBFolder] == nil {
		t.Fatal("plugging the stick shows no drive")
	}
	a, b := r.mid(f.Tiles["mon-cv.pdf"]), r.mid(f.Folders[content.USBFolder])
	test.Drag(r.w.Canvas(), a, b.X-a.X, b.Y-a.Y)
	if !r.result().Success {
		t.Errorf("copy to the stick fails: %v", r.kinds())
	}
	if f.Tiles["mon-cv.pdf"] == nil {
		t.Error("a copy to a stick removed the file from the computer")
	}
}

func TestFilesRename(t *testing.T) {
	r := newRig(t, filesItem(content.TaskRename))
	f := r.s.(*sandbox.Files)
	test.Tap(f.RenameButton)
	if f.Renamer.Visible() || len(r.said) != 1 {
		t.Fatal("rename with nothing selected opens the box or says nothing")
	}
	test.Tap(f.Tiles["facture-edf.pdf"])
	test.Tap(f.RenameButton)
	if f.RenameEntry.Text != "facture-edf" {
		t.Errorf("rename box holds %q", f.RenameEntry.Text)
	}
	f.RenameEntry.SetText("")
	test.Type(f.RenameEntry, "Facture EDF novembre")
	test.Tap(f.RenameOK)
	if !r.result().Success || f.Tiles["Facture EDF novembre.pdf"] == nil {
		t.Errorf("lenient rename fails: %+v %v", r.results, r.kinds())
	}
	r = newRig(t, filesItem(content.TaskRename))
	f = r.s.(*sandbox.Files)
	test.Tap(f.Tiles["facture-edf.pdf"])
	test.Tap(f.RenameButton)
	f.RenameEntry.SetText("")
	test.Type(f.RenameEntry, "courrier")
	test.Tap(f.RenameOK)
	if r.result().Success {
		t.Error("another name counted")
	}
}

func TestFilesFindDownload(t *testing.T) {
	r := newRig(t, filesItem(content.TaskOpen))
	f := r.s.(*sandbox.Files)
	if f.Tiles["attestation-caf.pdf"] != nil {
		t.Fatal("the download shows outside its folder")
	}
	test.Tap(f.Tiles["Téléchargements"])
	r.wait(300 * time.Millisecond)
	test.Tap(f.Tiles["Téléchargements"])
	test.Tap(f.Tiles["attestation-caf.pdf"])
	r.wait(900 * time.Millisecond)
	test.Tap(f.Tiles["attestation-caf.pdf"])
	if len(r.results) != 0 || f.Viewer.Visible() {
		t.Fatal("two slow clicks opened the file")
	}
	r.wait(200 * time.Millisecond)
	test.Tap(f.Tiles["attestation-caf.pdf"])
	if !r.result().Success || !f.Viewer.Visible() {
		t.Errorf("opening the download fails: %v", r.kinds())
	}
	r = newRig(t, filesItem(content.TaskOpen))
	f = r.s.(*sandbox.Files)
	test.Tap(f.Folders["Téléchargements"])
	test.Tap(f.Tiles["billet-train.pdf"])
	test.Tap(f.Tiles["billet-train.pdf"])
	if r.result().Success {
		t.Error("opening another file counted")
	}
}

// TestFilesDragShowsTheFile checks the dragged file's picture follows the
// mouse over the folder pane (outside the icons' scrolled area).
func TestFilesDragShowsTheFile(t *testing.T) {
	r := newRig(t, filesItem(content.TaskMove))
	f := r.s.(*sandbox.Files)
	file := f.Tiles["facture-edf.pdf"]
	a, b := r.mid(file), r.mid(f.Folders["Factures"])
	file.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: b.X - a.X, DY: b.Y - a.Y}})
	if !f.Ghost.Visible() {
		t.Fatal("no picture follows the mouse")
	}
	if g := r.mid(f.Ghost); g.Subtract(b).X*g.Subtract(b).X+g.Subtract(b).Y*g.Subtract(b).Y > 4 {
		t.Errorf("the picture is at %v, the mouse at %v", g, b)
	}
	file.DragEnd()
	if f.Ghost.Visible() || !r.result().Success {
		t.Errorf("drop: ghost %v, results %+v", f.Ghost.Visible(), r.results)
	}
}
