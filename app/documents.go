package app

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
)

// printDocument prints a mediator's PDF when a printer is configured, else
// (or when printing fails) saves it as PREFIX-DATE.pdf in documentsDir;
// show says which, or what went wrong, in plain words.
func (k *Kiosk) printDocument(pdf []byte, prefix string, show func(string)) {
	if print := k.printer(); print != nil {
		err := print(pdf)
		if err == nil {
			show(k.cat.T("visit.printed"))
			return
		}
		slog.Warn("print document; saving it instead", "err", err)
	}
	dir := k.sheetsDir()
	path := filepath.Join(dir, fmt.Sprintf("%s-%s.pdf", prefix, k.now().Format("2006-01-02-150405")))
	err := os.MkdirAll(dir, 0o755)
	if err == nil {
		err = os.WriteFile(path, pdf, 0o644)
	}
	if err != nil {
		slog.Error("save document", "path", path, "err", err)
		show(k.cat.T("group.save_failed", "dir", dir))
		return
	}
	show(k.cat.T("visit.saved", "path", path))
}

// printer is how PDFs are printed: on the printer the device settings
// name, else Config.Printer; nil when they are saved instead.
func (k *Kiosk) printer() func(pdf []byte) error {
	if name := k.device.Printer; name != "" && k.cfg.PrintTo != nil {
		return func(pdf []byte) error { return k.cfg.PrintTo(name, pdf) }
	}
	return k.cfg.Printer
}
