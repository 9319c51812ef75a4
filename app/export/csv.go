// Package export writes what a mediator takes away from the kiosk: the
// learners as a spreadsheet (CSV that opens as it should in French Excel
// and LibreOffice Calc: UTF-8 with a byte-order mark, semicolons), one row
// per learner with their level in each domain and the status of each skill
// of the framework, like Pix Orga's export.
//
// Package export imports no Fyne: it writes what the learners' read model
// (package readmodel) gives; the mediator screens choose the folder.
package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/skills"
	"github.com/tremplin-numerique/tremplin/content"
)

// Translator gives the words of the columns and cells in the mediator's
// language.
type Translator interface {
	T(key string, args ...string) string
}

// bom makes Excel read the file as UTF-8 (without it, accents break).
const bom = "\ufeff"

// LearnersCSV writes one row per learner: who (name, picture code, first
// and last visit), the latest level in each domain of the pack (or "not
// tested yet"), the number of diagnostics and modules mastered, then one
// column per skill with its status. Cells that a spreadsheet would read as
// a formula are neutralised.
func LearnersCSV(w io.Writer, p *content.Pack, list []learners.Summary, table *skills.Table, tr Translator) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(bom); err != nil {
		return fmt.Errorf("write learners csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true // what Excel writes and expects

	var skillIDs []string
	header := []string{tr.T("export.col.id"), tr.T("export.col.name"), tr.T("export.col.code"),
		tr.T("export.col.first"), tr.T("export.col.last"), tr.T("export.col.diagnostics")}
	for _, d := range p.Domains {
		header = append(header, tr.T("export.col.level", "domain", d.Title))
	}
	header = append(header, tr.T("export.col.modules"))
	for _, d := range p.Domains {
		for _, c := range d.Competences {
			for _, s := range c.Skills {
				skillIDs = append(skillIDs, s.ID)
				header = append(header, s.Title)
			}
		}
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write learners csv: %w", err)
	}
	status := map[skills.Status]string{}
	for _, s := range []skills.Status{skills.NotSeen, skills.ToWork, skills.Mastered} {
		status[s] = tr.T(s.Key())
	}
	row := make([]string, 0, len(header))
	for _, l := range list {
		row = row[:0]
		first, last := "", ""
		if !l.Created.IsZero() {
			first = l.Created.Format("2006-01-02")
		}
		if l.Diagnostics > 0 {
			last = l.LastDiagnostic.Format("2006-01-02")
		}
		if last == "" {
			last = first
		}
		row = append(row, l.ID, safe(l.Name), strings.ReplaceAll(l.Code, "-", " "), first, last, fmt.Sprint(l.Diagnostics))
		for _, d := range p.Domains {
			row = append(row, levelWords(l, d.ID, tr))
		}
		row = append(row, fmt.Sprint(l.Mastered))
		ids := l.IDs()
		for _, s := range skillIDs {
			row = append(row, status[table.Of(s, ids...)])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write learners csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write learners csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write learners csv: %w", err)
	}
	return nil
}

// levelWords is the learner's latest level in a domain, in words.
func levelWords(l learners.Summary, domain string, tr Translator) string {
	if band, ok := l.Levels[domain]; ok {
		return tr.T(fmt.Sprintf("results.band%d", band))
	}
	return tr.T("visit.not_tested")
}

// safe keeps a typed name from being run as a formula by a spreadsheet
// (CSV injection: a nickname like "=HYPERLINK(…)").
func safe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
