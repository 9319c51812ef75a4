package app

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Sneakernet carries this device's answers to the server, and the
// server's news back, on a USB stick, for places with no network
// (docs/sync-protocol.md, "Bundles").
type Sneakernet interface {
	// Sticks lists the folders of the USB sticks plugged in, most likely
	// first; it may be empty.
	Sticks() []string
	// ExportBundle writes the device's unsent answers into a bundle file
	// in dir. It returns what to tell the mediator, or an error in plain
	// words.
	ExportBundle(ctx context.Context, dir string) (string, error)
	// ImportBundle imports the newest server bundle for this device found
	// in dir. It returns what to tell the mediator, or an error in plain
	// words.
	ImportBundle(ctx context.Context, dir string) (string, error)
}

// StickPanel is the mediator area's "no network" part: copy the answers
// to a USB stick, import the server's file from one.
type StickPanel struct {
	Export  *widget.Button
	Import  *widget.Button
	Message *widget.Label

	root fyne.CanvasObject
}

// stickPanel builds the panel, or returns nil when the kiosk has no
// Sneakernet.
func (k *Kiosk) stickPanel() *StickPanel {
	if k.cfg.Sneakernet == nil {
		return nil
	}
	p := &StickPanel{Message: widget.NewLabel("")}
	p.Message.Wrapping = fyne.TextWrapWord
	p.Export = widget.NewButtonWithIcon(k.cat.T("bundle.export_button"), theme.UploadIcon(), func() {
		k.withStick(p, k.cat.T("bundle.choose_folder"), k.cfg.Sneakernet.ExportBundle)
	})
	p.Import = widget.NewButtonWithIcon(k.cat.T("bundle.import_button"), theme.DownloadIcon(), func() {
		k.withStick(p, k.cat.T("bundle.choose_file"), k.cfg.Sneakernet.ImportBundle)
	})
	// Right under "Synchroniser maintenant": the other way to sync, in
	// view without scrolling at 1024×768.
	p.root = container.NewVBox(container.NewHBox(p.Export, p.Import), p.Message)
	return p
}

// withStick runs job on the stick's folder: Config.Exports when set, the
// only stick plugged in, else the folder the mediator picks (starting on
// the first stick).
func (k *Kiosk) withStick(p *StickPanel, prompt string, job func(context.Context, string) (string, error)) {
	k.touch()
	run := func(dir string) {
		p.Export.Disable()
		p.Import.Disable()
		p.Message.SetText(k.cat.T("bundle.working"))
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			msg, err := job(ctx, dir)
			k.cfg.Do(func() {
				p.Export.Enable()
				p.Import.Enable()
				if err != nil {
					slog.Warn("USB stick", "dir", dir, "err", err)
					msg = err.Error()
				} else {
					msg += "\n" + k.cat.T("bundle.remove_ok")
				}
				p.Message.SetText(msg)
				k.refreshMediator()
				// The panel's line may be below the fold: say it where it
				// is seen.
				if k.win != nil {
					info := widget.NewLabel(msg)
					info.Wrapping = fyne.TextWrapWord
					d := dialog.NewCustom(k.cat.T("bundle.done_title"), k.cat.T("bundle.ok"), info, k.win)
					d.Resize(fyne.NewSize(700, 300))
					d.Show()
				}
			})
		}()
	}
	if k.cfg.Exports != "" {
		run(k.cfg.Exports)
		return
	}
	sticks := k.cfg.Sneakernet.Sticks()
	if len(sticks) == 1 {
		run(sticks[0])
		return
	}
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		run(u.Path())
	}, k.win)
	d.SetTitleText(prompt)
	if len(sticks) > 0 {
		if l, err := storage.ListerForURI(storage.NewFileURI(sticks[0])); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(900, 640))
	d.Show()
}
