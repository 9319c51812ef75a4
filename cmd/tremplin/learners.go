package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/app/learners"
)

// printLearners prints every learner of the journal folded by the read
// model the kiosk uses: picture code, each diagnostic with its level per
// domain (band 0–3, "-" when not tested), and the evolution of a retake.
func printLearners(dir string, cat *i18n.Catalogue, stdout, stderr io.Writer) int {
	if _, err := os.Stat(filepath.Join(dir, "journal.db")); err != nil {
		return 0
	}
	j, ok := openJournal(dir, cat, stderr)
	if !ok {
		return 1
	}
	defer j.Close()
	book, err := learners.Load(context.Background(), j, j.DeviceID())
	if err != nil {
		fmt.Fprintln(stderr, "tremplin journal:", err)
		return 1
	}
	for _, l := range book.List() {
		fmt.Fprintf(stdout, "learner %s", l.ID)
		if l.Name != "" {
			fmt.Fprintf(stdout, " name %q", l.Name)
		}
		if l.Code != "" {
			fmt.Fprintf(stdout, " code %s", l.Code)
		}
		fmt.Fprintln(stdout)
		for _, d := range l.Diagnostics {
			var levels []string
			for _, r := range d.Results {
				band := "-"
				if r.Items > 0 {
					band = fmt.Sprint(r.Band)
				}
				levels = append(levels, r.Domain+" "+band)
			}
			stopped := ""
			if d.Stopped {
				stopped = " (stopped)"
			}
			fmt.Fprintf(stdout, "  diagnostic %s %s, %d answers%s: %s\n", d.SessionID, d.At.Local().Format("2006-01-02 15:04"), d.Items, stopped, strings.Join(levels, ", "))
			if len(d.Evolution) > 0 {
				var evo []string
				for _, e := range d.Evolution {
					evo = append(evo, fmt.Sprintf("%s %s (%d→%d, %+.2f)", e.Domain, e.Label, e.BeforeBand, e.AfterBand, e.Delta))
				}
				fmt.Fprintf(stdout, "    evolution since %s: %s\n", d.Previous, strings.Join(evo, ", "))
			}
		}
		if len(l.Practised) > 0 {
			fmt.Fprintf(stdout, "  practised: %s\n", strings.Join(l.Practised, ", "))
		}
	}
	return 0
}
