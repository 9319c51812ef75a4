package app

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// SheetSettings is the mediator's control of where take-home sheets go: the
// printer when one is set, else (or when printing fails) the folder kept in
// the journal state SheetsKey, by default Config.Sheets (DATA_DIR/sheets).
type SheetSettings struct {
	// Printer says whether sheets are printed, and on which printer.
	Printer *widget.Label
	// Folder is the folder sheets are saved in; Browse picks it.
	Folder  *widget.Entry
	Browse  *widget.Button
	Save    *widget.Button
	Default *widget.Button
	Message *widget.Label
}

// sheetsDir returns where sheets are saved: the mediator's folder, else
// Config.Sheets, else the user's documents folder.
func (k *Kiosk) sheetsDir() string {
	dir, err := k.cfg.Journal.State(context.Background(), SheetsKey)
	if err != nil {
		slog.Error("read sheets folder", "err", err)
	}
	if dir == "" {
		dir = k.cfg.Sheets
	}
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, "Documents", "Tremplin")
	}
	return dir
}

// Problems with a folder chosen for sheets.
var (
	errDirEmpty    = errors.New("no folder given")
	errDirRelative = errors.New("not an absolute path")
	errDirMissing  = errors.New("folder does not exist")
	errDirNotDir   = errors.New("not a folder")
	errDirReadOnly = errors.New("folder not writable")
)

// checkSheetsDir says whether sheets can be saved in dir: an absolute path
// to an existing folder where a file can be written (a USB stick may be
// mounted read-only, or removed since it was chosen).
func checkSheetsDir(dir string) error {
	switch {
	case dir == "":
		return errDirEmpty
	case !filepath.IsAbs(dir):
		return errDirRelative
	}
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errDirMissing
	case err != nil:
		return errDirReadOnly
	case !st.IsDir():
		return errDirNotDir
	}
	f, err := os.CreateTemp(dir, ".tremplin-check-*")
	if err != nil {
		return errDirReadOnly
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// sheetsDirMessage is the plain message for a folder that cannot be used.
func (k *Kiosk) sheetsDirMessage(dir string, err error) string {
	key := "sheets.bad.unwritable"
	switch {
	case errors.Is(err, errDirEmpty):
		key = "sheets.bad.empty"
	case errors.Is(err, errDirRelative):
		key = "sheets.bad.relative"
	case errors.Is(err, errDirMissing):
		key = "sheets.bad.missing"
	case errors.Is(err, errDirNotDir):
		key = "sheets.bad.not_dir"
	}
	return k.cat.T(key, "dir", dir)
}

// sheetSettings builds the control of where sheets go, for the mediator
// area (behind the PIN). A folder is kept only once it is checked.
func (k *Kiosk) sheetSettings() (*SheetSettings, fyne.CanvasObject) {
	s := &SheetSettings{Printer: widget.NewLabel(""), Folder: widget.NewEntry(), Message: widget.NewLabel("")}
	s.Printer.Wrapping = fyne.TextWrapWord
	s.Message.Wrapping = fyne.TextWrapWord
	switch {
	case k.device.Printer != "" && k.cfg.PrintTo != nil:
		// The printer named in the device settings.
		s.Printer.SetText(k.cat.T("sheets.printer", "name", k.device.Printer))
	case k.cfg.Printer != nil && k.cfg.PrinterName != "":
		s.Printer.SetText(k.cat.T("sheets.printer", "name", k.cfg.PrinterName))
	case k.cfg.Printer != nil:
		s.Printer.SetText(k.cat.T("sheets.printer_default"))
	default:
		s.Printer.SetText(k.cat.T("sheets.no_printer"))
	}
	s.Folder.SetText(k.sheetsDir())
	s.Folder.OnChanged = func(string) { k.touch() }
	s.Save = widget.NewButtonWithIcon(k.cat.T("sheets.save"), theme.DocumentSaveIcon(), func() { k.saveSheetsDir(s, s.Folder.Text) })
	s.Save.Importance = widget.HighImportance
	s.Default = widget.NewButtonWithIcon(k.cat.T("sheets.default"), theme.ContentUndoIcon(), func() {
		k.touch()
		if err := k.cfg.Journal.SetState(context.Background(), SheetsKey, ""); err != nil {
			slog.Error("reset sheets folder", "err", err)
			s.Message.SetText(k.cat.T("save.failed"))
			return
		}
		s.Folder.SetText(k.sheetsDir())
		s.Message.SetText(k.cat.T("sheets.saved", "dir", s.Folder.Text))
	})
	s.Browse = widget.NewButtonWithIcon(k.cat.T("sheets.browse"), theme.FolderOpenIcon(), func() {
		k.touch()
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			k.touch()
			if err == nil && u != nil {
				s.Folder.SetText(u.Path())
			}
		}, k.win)
		d.Resize(fyne.NewSize(900, 600))
		d.Show()
	})
	title := widget.NewLabelWithStyle(k.cat.T("sheets.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	folder := widget.NewLabel(k.cat.T("sheets.folder"))
	box := container.NewVBox(title, s.Printer, folder,
		container.NewBorder(nil, nil, nil, s.Browse, s.Folder),
		container.NewHBox(s.Save, s.Default), s.Message)
	return s, box
}

// saveSheetsDir keeps dir as the sheets folder if sheets can be saved
// there, and says plainly why not otherwise.
func (k *Kiosk) saveSheetsDir(s *SheetSettings, dir string) {
	k.touch()
	dir = filepath.Clean(dir)
	if dir == "." {
		dir = ""
	}
	if err := checkSheetsDir(dir); err != nil {
		s.Message.Importance = widget.DangerImportance
		s.Message.SetText(k.sheetsDirMessage(dir, err))
		return
	}
	if err := k.cfg.Journal.SetState(context.Background(), SheetsKey, dir); err != nil {
		slog.Error("keep sheets folder", "err", err)
		s.Message.Importance = widget.DangerImportance
		s.Message.SetText(k.cat.T("save.failed"))
		return
	}
	s.Folder.SetText(dir)
	s.Message.Importance = widget.SuccessImportance
	s.Message.SetText(k.cat.T("sheets.saved", "dir", dir))
}

// showSheetSettings shows the sheets control in place of the mediator
// screen's body; the mediator screen stays the screen on display (the
// mediator area's idle timeout applies), Retour goes back to it.
func (k *Kiosk) showSheetSettings(m *MediatorScreen) {
	s, box := k.sheetSettings()
	m.SheetsPanel = s
	back := widget.NewButtonWithIcon(k.cat.T("common.back"), theme.NavigateBackIcon(), k.showMediator)
	m.SheetsBack = back
	title := widget.NewLabelWithStyle(k.cat.T("mediator.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	k.setContent(container.NewPadded(container.NewBorder(container.NewBorder(nil, nil, back, nil, title), nil, nil, nil,
		container.NewVScroll(box))), "")
}
