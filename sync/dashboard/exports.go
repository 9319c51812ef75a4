package dashboard

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// CSV exports are what French Excel and LibreOffice open with a double
// click: UTF-8 with a byte-order mark, semicolons, CRLF line ends.

func (d *Dashboard) exportsPage(w http.ResponseWriter, r *req) {
	ctx := r.Context()
	sites, err := d.visibleSites(ctx, r.user())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	paths, err := d.paths(ctx, sites)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	now := d.now().UTC()
	d.render(w, r, http.StatusOK, "exports", "exports", r.cat.T("dash.nav.exports"), map[string]any{
		"Sites": sites, "Paths": paths,
		"From": now.AddDate(0, -3, 0).Format("2006-01-02"), "To": now.Format("2006-01-02"),
	})
}

// csvCell neutralises cells a spreadsheet would run as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeCSV(w http.ResponseWriter, name string, rows [][]string) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	cw.Comma = ';'
	cw.UseCRLF = true
	for _, row := range rows {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	_, _ = w.Write(b.Bytes())
}

// skillStatus is a skill's state for a learner in exports.
func skillStatus(r *req, last diagSummary, skill string, pack *content.Pack) string {
	for _, s := range last.ToWork {
		if s == skill {
			return r.cat.T("dash.status.to_work")
		}
	}
	sk, ok := pack.Skill(skill)
	if !ok {
		return ""
	}
	for _, x := range last.Domains {
		if x.Domain == sk.Domain {
			return r.cat.T("dash.status.ok")
		}
	}
	return r.cat.T("dash.status.not_assessed")
}

func filename(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// learnerExport reads every learner of a site (or one) for an export.
func (d *Dashboard) learnerExport(r *req, siteID, only string) ([]learnerRow, error) {
	query := `SELECT learner_id, name, picture_code, first_ms, last_ms, sessions, diagnostics, modules, first_diag, last_diag FROM dash_learners WHERE site_id = ?`
	args := []any{siteID}
	if only != "" {
		query += ` AND learner_id = ?`
		args = append(args, only)
	}
	query += ` ORDER BY name, learner_id`
	var out []learnerRow
	err := d.eachRow(r.Context(), query, args, func(sc scanner) error {
		var l learnerRow
		if err := sc.Scan(&l.ID, &l.Name, &l.PictureCode, &l.FirstMS, &l.LastMS, &l.Sessions, &l.Diagnostics, &l.Modules, &l.FirstDiag, &l.LastDiag); err != nil {
			return err
		}
		out = append(out, l)
		return nil
	})
	return out, err
}

func (d *Dashboard) siteCSV(w http.ResponseWriter, r *req) {
	pack, err := d.framework(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	ls, err := d.learnerExport(r, r.site.ID, "")
	if err != nil {
		d.fail(w, r, err)
		return
	}
	T := r.cat.T
	head := []string{T("dash.csv.learner_id"), T("dash.csv.name"), T("dash.csv.picture_code"), T("dash.csv.first"), T("dash.csv.last"),
		T("dash.csv.sessions"), T("dash.csv.diagnostics"), T("dash.csv.modules")}
	for _, dm := range pack.Domains {
		head = append(head, T("dash.csv.level_first", "domain", dm.ID), T("dash.csv.level_last", "domain", dm.ID))
	}
	var skills []string
	for _, dm := range pack.Domains {
		for _, c := range dm.Competences {
			for _, s := range c.Skills {
				skills = append(skills, s.ID)
				head = append(head, s.ID)
			}
		}
	}
	rows := [][]string{head}
	for _, l := range ls {
		var first, last diagSummary
		_ = json.Unmarshal([]byte(l.FirstDiag), &first)
		_ = json.Unmarshal([]byte(l.LastDiag), &last)
		row := []string{l.ID, l.Name, l.PictureCode, msDay(l.FirstMS), msDay(l.LastMS), strconv.Itoa(l.Sessions), strconv.Itoa(l.Diagnostics), strconv.Itoa(l.Modules)}
		for _, dm := range pack.Domains {
			row = append(row, bandText(first, dm.ID), bandText(last, dm.ID))
		}
		for _, s := range skills {
			row = append(row, skillStatus(r, last, s, pack))
		}
		rows = append(rows, row)
	}
	writeCSV(w, "tremplin-"+filename(r.site.Name)+".csv", rows)
}

func msDay(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02") }

// bandText is a domain's level (1 to 4, as people count) or empty.
func bandText(s diagSummary, domain string) string {
	for _, x := range s.Domains {
		if x.Domain == domain {
			return strconv.Itoa(x.Band + 1)
		}
	}
	return ""
}

func (d *Dashboard) pathCSV(w http.ResponseWriter, r *req) {
	p, err := d.path(r.Context(), r.site.ID, r.PathValue("path"))
	if errors.Is(err, server.ErrNotFound) {
		d.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	pack, err := d.framework(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	ls, err := d.learnerExport(r, r.site.ID, p.LearnerID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	T := r.cat.T
	head := []string{T("dash.csv.path"), T("dash.csv.learner_id"), T("dash.csv.name"), T("dash.csv.picture_code"), T("dash.csv.last")}
	domains := map[string]bool{}
	for _, s := range p.Skills {
		if sk, ok := pack.Skill(s); ok {
			domains[sk.Domain] = true
		}
	}
	var doms []string
	for dm := range domains {
		doms = append(doms, dm)
	}
	sort.Strings(doms)
	for _, dm := range doms {
		head = append(head, T("dash.csv.level_last", "domain", dm))
	}
	head = append(head, p.Skills...)
	rows := [][]string{head}
	for _, l := range ls {
		var last diagSummary
		_ = json.Unmarshal([]byte(l.LastDiag), &last)
		row := []string{p.Name, l.ID, l.Name, l.PictureCode, msDay(l.LastMS)}
		for _, dm := range doms {
			row = append(row, bandText(last, dm))
		}
		for _, s := range p.Skills {
			row = append(row, skillStatus(r, last, s, pack))
		}
		rows = append(rows, row)
	}
	writeCSV(w, "tremplin-"+filename(p.Name)+".csv", rows)
}

// reportAny is the exports page's report form: the site is a field, so
// it is checked here like a site route's (another site's is not found).
func (d *Dashboard) reportAny(w http.ResponseWriter, r *req) {
	id := r.URL.Query().Get("site")
	st, err := d.store.FindSite(r.Context(), id)
	if err != nil || st.ID != id || !r.user().CanSite(st.ID) {
		if err != nil && !errors.Is(err, server.ErrNotFound) {
			d.fail(w, r, err)
			return
		}
		d.errorPage(w, r, http.StatusNotFound)
		return
	}
	r.site = st
	d.reportPDF(w, r)
}

// reportPDF is the activity report for funders: a site over a period.
func (d *Dashboard) reportPDF(w http.ResponseWriter, r *req) {
	ctx := r.Context()
	now := d.now().UTC()
	from, err1 := time.Parse("2006-01-02", r.URL.Query().Get("from"))
	to, err2 := time.Parse("2006-01-02", r.URL.Query().Get("to"))
	if r.URL.Query().Get("from") == "" {
		from, err1 = now.AddDate(0, -3, 0), nil
	}
	if r.URL.Query().Get("to") == "" {
		to, err2 = now, nil
	}
	if err1 != nil || err2 != nil || to.Before(from) {
		d.errorPage(w, r, http.StatusBadRequest)
		return
	}
	end := to.AddDate(0, 0, 1)
	var visits, diags, mods, newL int
	err := d.eachRow(ctx, `SELECT visits, diagnostics, modules, learners FROM dash_weeks WHERE site_id = ? AND week_ms >= ? AND week_ms < ?`,
		[]any{r.site.ID, weekOf(from.UnixMilli()), end.UnixMilli()}, func(sc scanner) error {
			var v, dg, m, l int
			if err := sc.Scan(&v, &dg, &m, &l); err != nil {
				return err
			}
			visits, diags, mods, newL = visits+v, diags+dg, mods+m, newL+l
			return nil
		})
	if err != nil {
		d.fail(w, r, err)
		return
	}
	var people int
	if err := d.db.db.QueryRowContext(ctx, d.db.q(`SELECT count(*) FROM dash_learners WHERE site_id = ? AND last_ms >= ? AND first_ms < ?`),
		r.site.ID, from.UnixMilli(), end.UnixMilli()).Scan(&people); err != nil {
		d.fail(w, r, err)
		return
	}
	stats, err := d.siteStats(ctx, r.site.ID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	stats.label(d.titles(ctx))
	T := r.cat.T
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to the core fonts' cp1252
	pdf.SetTitle(tr(T("dash.report.title")), false)
	pdf.SetCreator("Tremplin", false)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 18)
	pdf.MultiCell(0, 9, tr(T("dash.report.title")), "", "L", false)
	pdf.SetFont("Helvetica", "", 12)
	pdf.MultiCell(0, 7, tr(r.site.Name), "", "L", false)
	pdf.MultiCell(0, 7, tr(T("dash.report.period", "from", from.Format("02/01/2006"), "to", to.Format("02/01/2006"))), "", "L", false)
	pdf.Ln(4)
	line := func(label string, n int) {
		pdf.CellFormat(120, 8, tr(label), "B", 0, "L", false, 0, "")
		pdf.CellFormat(40, 8, strconv.Itoa(n), "B", 1, "R", false, 0, "")
	}
	pdf.SetFont("Helvetica", "B", 13)
	pdf.CellFormat(0, 9, tr(T("dash.report.activity")), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 11)
	line(T("dash.report.visits"), visits)
	line(T("dash.report.people"), people)
	line(T("dash.report.new_people"), newL)
	line(T("dash.report.diagnostics"), diags)
	line(T("dash.report.modules"), mods)
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "B", 13)
	pdf.CellFormat(0, 9, tr(T("dash.report.before_after", "n", strconv.Itoa(stats.Retakers))), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "B", 10)
	for i, h := range []string{T("dash.site.domain"), T("dash.site.up"), T("dash.site.stable"), T("dash.site.down")} {
		wdt := 40.0
		if i == 0 {
			wdt = 70
		}
		pdf.CellFormat(wdt, 7, tr(h), "1", 0, "L", false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 10)
	for _, b := range stats.Domains {
		n := b.Up + b.Stable + b.Down
		pdf.CellFormat(70, 7, tr(b.Label), "1", 0, "L", false, 0, "")
		for _, v := range []int{b.Up, b.Stable, b.Down} {
			pct := 0
			if n > 0 {
				pct = (100*v + n/2) / n
			}
			pdf.CellFormat(40, 7, fmt.Sprintf("%d (%d %%)", v, pct), "1", 0, "R", false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "I", 9)
	pdf.MultiCell(0, 5, tr(T("dash.report.footer", "date", now.Format("02/01/2006"))), "", "L", false)
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		d.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="tremplin-%s-%s.pdf"`, filename(r.site.Name), to.Format("2006-01-02")))
	_, _ = w.Write(b.Bytes())
}
