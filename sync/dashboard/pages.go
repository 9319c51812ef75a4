package dashboard

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// lateAfter is how long without a sync makes a device show red.
const lateAfter = 7 * 24 * time.Hour

// late reports whether a live device has not synced for lateAfter (counted
// from its enrolment when it never synced).
func late(dv server.Device, now time.Time) bool {
	seen := dv.LastSeen
	if dv.Created.After(seen) {
		seen = dv.Created
	}
	return !dv.Revoked && now.Sub(seen) > lateAfter
}

// overviewLateShown is how many late devices a site's row of the overview
// names (the oldest first); the site page lists them all.
const overviewLateShown = 3

// visibleSites lists the sites u may see.
func (d *Dashboard) visibleSites(ctx context.Context, u User) ([]server.Site, error) {
	all, err := d.store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	if u.Admin() {
		return all, nil
	}
	out := all[:0]
	for _, s := range all {
		if u.CanSite(s.ID) {
			out = append(out, s)
		}
	}
	return out, nil
}

type siteRow struct {
	Site                              server.Site
	Devices, Late                     int
	LateDevices                       []server.Device // the oldest overviewLateShown late ones
	LateMore                          int             // late devices not named
	LastSync                          time.Time
	VisitsWeek, Learners, Diagnostics int
	Modules                           int
}

type weekRow struct {
	Week                            time.Time
	Visits, Diagnostics, Modules, N int
}

func (d *Dashboard) overview(w http.ResponseWriter, r *req) {
	ctx := r.Context()
	sites, err := d.visibleSites(ctx, r.user())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	rows := make([]*siteRow, len(sites))
	byID := map[string]*siteRow{}
	for i, s := range sites {
		rows[i] = &siteRow{Site: s}
		byID[s.ID] = rows[i]
	}
	devs, err := d.store.Devices(ctx, "")
	if err != nil {
		d.fail(w, r, err)
		return
	}
	now := d.now()
	for _, dv := range devs {
		row := byID[dv.SiteID]
		if row == nil || dv.Revoked || dv.Reason == server.ReasonServer {
			continue
		}
		row.Devices++
		if late(dv, now) {
			row.Late++
			row.LateDevices = append(row.LateDevices, dv)
		}
		if dv.LastSeen.After(row.LastSync) {
			row.LastSync = dv.LastSeen
		}
	}
	for _, row := range rows {
		sort.Slice(row.LateDevices, func(i, j int) bool { return row.LateDevices[i].LastSeen.Before(row.LateDevices[j].LastSeen) })
		row.LateDevices = row.LateDevices[:min(len(row.LateDevices), overviewLateShown)]
		row.LateMore = row.Late - len(row.LateDevices)
	}
	thisWeek := weekOf(now.UnixMilli())
	since := time.UnixMilli(thisWeek).AddDate(0, 0, -7*25).UnixMilli()
	chart := map[int64]*weekRow{}
	var totals weekRow
	err = d.eachRow(ctx, `SELECT site_id, week_ms, visits, diagnostics, modules, learners FROM dash_weeks`, nil, func(sc scanner) error {
		var site string
		var wk int64
		var v, dg, m, l int
		if err := sc.Scan(&site, &wk, &v, &dg, &m, &l); err != nil {
			return err
		}
		row := byID[site]
		if row == nil {
			return nil
		}
		row.Learners += l
		row.Diagnostics += dg
		row.Modules += m
		totals.Visits += v
		totals.Diagnostics += dg
		totals.Modules += m
		totals.N += l
		if wk == thisWeek {
			row.VisitsWeek += v
		}
		if wk >= since && wk <= thisWeek {
			c := chart[wk]
			if c == nil {
				c = &weekRow{Week: time.UnixMilli(wk)}
				chart[wk] = c
			}
			c.Visits += v
		}
		return nil
	})
	if err != nil {
		d.fail(w, r, err)
		return
	}
	var weeks []weekRow
	for wk := since; wk <= thisWeek; wk = time.UnixMilli(wk).AddDate(0, 0, 7).UnixMilli() {
		c := chart[wk]
		if c == nil {
			c = &weekRow{Week: time.UnixMilli(wk)}
		}
		weeks = append(weeks, *c)
	}
	d.render(w, r, http.StatusOK, "overview", "overview", r.cat.T("dash.nav.overview"), map[string]any{
		"Sites": rows, "Totals": totals, "Chart": visitsChart(weeks, r.cat.T("dash.overview.chart")), "Now": now,
	})
}

type scanner interface{ Scan(...any) error }

// eachRow runs a read query and calls fn on each row.
func (d *Dashboard) eachRow(ctx context.Context, query string, args []any, fn func(scanner) error) error {
	rows, err := d.db.db.QueryContext(ctx, d.db.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// visitsChart draws visits per week as an SVG bar chart, server-side.
func visitsChart(weeks []weekRow, title string) template.HTML {
	const w, h, pad, bottom = 640, 180, 30, 24
	top := 1
	total := 0
	for _, wk := range weeks {
		top = max(top, wk.Visits)
		total += wk.Visits
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-t chart-d"><title id="chart-t">%s</title><desc id="chart-d">%d</desc>`,
		w, h, template.HTMLEscapeString(title), total)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, pad, h-bottom, w, h-bottom)
	fmt.Fprintf(&b, `<text x="0" y="12" class="lbl">%d</text>`, top)
	bw := float64(w-pad) / float64(max(len(weeks), 1))
	for i, wk := range weeks {
		bh := float64(wk.Visits) / float64(top) * float64(h-bottom-16)
		x := float64(pad) + float64(i)*bw
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d</title></rect>`,
			x+1, float64(h-bottom)-bh, bw-2, bh, wk.Week.UTC().Format("2006-01-02"), wk.Visits)
		if i%4 == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="lbl">%s</text>`, x, h-6, wk.Week.UTC().Format("02/01"))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// deviceRow is a device on the site page.
type deviceRow struct {
	server.Device
	Late bool
	Pack string
}

type learnerItem struct {
	ID, Name, PictureCode string
	First, Last           time.Time
	Sessions, Diagnostics int
	Modules               int
}

type bar struct {
	Label      string
	Counts     [4]int
	Total      int
	Up, Stable int
	Down       int
}

type countItem struct {
	Label string
	N     int
}

func (d *Dashboard) siteDevices(ctx context.Context, siteID string) ([]deviceRow, error) {
	devs, err := d.store.Devices(ctx, siteID)
	if err != nil {
		return nil, err
	}
	packs := map[string]string{}
	err = d.eachRow(ctx, `SELECT device_id, pack_version FROM dash_devices WHERE site_id = ?`, []any{siteID}, func(sc scanner) error {
		var id, p string
		if err := sc.Scan(&id, &p); err != nil {
			return err
		}
		packs[id] = p
		return nil
	})
	out := make([]deviceRow, 0, len(devs))
	now := d.now()
	for _, dv := range devs {
		if dv.Reason == server.ReasonServer {
			continue // the dashboard's own events, not a kiosk
		}
		out = append(out, deviceRow{Device: dv, Late: late(dv, now), Pack: packs[dv.ID]})
	}
	return out, err
}

func (d *Dashboard) sitePage(w http.ResponseWriter, r *req) {
	d.showSite(w, r, "")
}

func (d *Dashboard) showSite(w http.ResponseWriter, r *req, code string) {
	ctx := r.Context()
	st := r.site
	devs, err := d.siteDevices(ctx, st.ID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	pageN, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pageN = max(pageN, 0)
	learners, more, err := d.searchLearners(ctx, st.ID, q, pageN)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	stats, err := d.siteStats(ctx, st.ID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	stats.label(d.titles(ctx))
	erasures, err := d.erasures(ctx, st.ID, devs)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "site", "", st.Name, map[string]any{
		"Site": st, "Devices": devs, "Learners": learners, "Q": q, "Page": pageN, "More": more,
		"Stats": stats, "Code": code, "Erasures": erasures,
	})
}

// pageSize is how many learners a list shows at once.
const pageSize = 50

func (d *Dashboard) searchLearners(ctx context.Context, siteID, q string, pageN int) ([]learnerItem, bool, error) {
	query := `SELECT learner_id, name, picture_code, first_ms, last_ms, sessions, diagnostics, modules FROM dash_learners WHERE site_id = ?`
	args := []any{siteID}
	if q != "" {
		like := "%" + strings.NewReplacer("%", "", "_", "").Replace(strings.ToLower(q)) + "%"
		query += ` AND (lower(name) LIKE ? OR lower(picture_code) LIKE ? OR learner_id = ?)`
		args = append(args, like, like, q)
	}
	query += ` ORDER BY last_ms DESC, learner_id LIMIT ? OFFSET ?`
	args = append(args, pageSize+1, pageN*pageSize)
	var out []learnerItem
	err := d.eachRow(ctx, query, args, func(sc scanner) error {
		var l learnerItem
		var f, la int64
		if err := sc.Scan(&l.ID, &l.Name, &l.PictureCode, &f, &la, &l.Sessions, &l.Diagnostics, &l.Modules); err != nil {
			return err
		}
		l.First, l.Last = time.UnixMilli(f), time.UnixMilli(la)
		out = append(out, l)
		return nil
	})
	more := len(out) > pageSize
	if more {
		out = out[:pageSize]
	}
	return out, more, err
}

// siteStats is the site page's summary of its learners' diagnostics.
type siteStats struct {
	Domains  []bar // per domain: learners per band (latest diagnostic), before/after
	ToWork   []countItem
	Modules  []countItem
	Retakers int
	Assessed int
}

func (d *Dashboard) siteStats(ctx context.Context, siteID string) (siteStats, error) {
	var st siteStats
	doms := map[string]*bar{}
	dom := func(name string) *bar {
		b := doms[name]
		if b == nil {
			b = &bar{Label: name}
			doms[name] = b
		}
		return b
	}
	todo := map[string]int{}
	err := d.eachRow(ctx, `SELECT first_diag, last_diag, diagnostics FROM dash_learners WHERE site_id = ? AND diagnostics > 0`, []any{siteID}, func(sc scanner) error {
		var first, last string
		var n int
		if err := sc.Scan(&first, &last, &n); err != nil {
			return err
		}
		var fd, ld diagSummary
		_ = json.Unmarshal([]byte(last), &ld)
		st.Assessed++
		for _, x := range ld.Domains {
			b := dom(x.Domain)
			b.Counts[x.Band]++
			b.Total++
		}
		for _, s := range ld.ToWork {
			todo[s]++
		}
		if n >= 2 {
			st.Retakers++
			_ = json.Unmarshal([]byte(first), &fd)
			before := map[string]int{}
			for _, x := range fd.Domains {
				before[x.Domain] = x.Band
			}
			for _, x := range ld.Domains {
				b0, ok := before[x.Domain]
				if !ok {
					continue
				}
				b := dom(x.Domain)
				switch {
				case x.Band > b0:
					b.Up++
				case x.Band < b0:
					b.Down++
				default:
					b.Stable++
				}
			}
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	for _, b := range doms {
		st.Domains = append(st.Domains, *b)
	}
	sort.Slice(st.Domains, func(a, b int) bool { return st.Domains[a].Label < st.Domains[b].Label })
	st.ToWork = topN(todo, 10)
	mods := map[string]int{}
	err = d.eachRow(ctx, `SELECT module, n FROM dash_modules WHERE site_id = ?`, []any{siteID}, func(sc scanner) error {
		var m string
		var n int
		if err := sc.Scan(&m, &n); err != nil {
			return err
		}
		mods[m] = n
		return nil
	})
	st.Modules = topN(mods, 10)
	return st, err
}

// label replaces ids by their titles.
func (st *siteStats) label(titles map[string]string) {
	for i := range st.Domains {
		st.Domains[i].Label = titleOf(titles, st.Domains[i].Label)
	}
	for _, l := range [][]countItem{st.ToWork, st.Modules} {
		for i := range l {
			l[i].Label = titleOf(titles, l[i].Label)
		}
	}
}

func titleOf(titles map[string]string, id string) string {
	if t := titles[id]; t != "" {
		return t
	}
	return id
}

func topN(m map[string]int, n int) []countItem {
	out := make([]countItem, 0, len(m))
	for k, v := range m {
		out = append(out, countItem{k, v})
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].N != out[b].N {
			return out[a].N > out[b].N
		}
		return out[a].Label < out[b].Label
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// erasure is an erasure asked from the dashboard and which devices have
// synced since (and so deleted the learner).
type erasure struct {
	LearnerID string
	At        time.Time
	By        string
	Confirmed []string
	Waiting   []string
}

func (d *Dashboard) erasures(ctx context.Context, siteID string, devs []deviceRow) ([]erasure, error) {
	return d.erasuresWhere(ctx, siteID, "", devs)
}

// erasuresWhere lists the site's newest erasures, or the one of learner.
func (d *Dashboard) erasuresWhere(ctx context.Context, siteID, learner string, devs []deviceRow) ([]erasure, error) {
	var out []erasure
	err := d.eachRow(ctx, `SELECT learner_id, at_ms, by_user FROM dash_erasures WHERE site_id = ? AND (? = '' OR learner_id = ?)
		ORDER BY at_ms DESC LIMIT 20`, []any{siteID, learner, learner}, func(sc scanner) error {
		var e erasure
		var ms int64
		if err := sc.Scan(&e.LearnerID, &ms, &e.By); err != nil {
			return err
		}
		e.At = time.UnixMilli(ms)
		for _, dv := range devs {
			if dv.Revoked {
				continue
			}
			name := firstNonEmpty(dv.Name, dv.ID[:8])
			// A device syncs by pushing then pulling: one that pushed after
			// the tombstone was stored has pulled it since its previous sync.
			if !dv.LastSeen.Before(e.At) {
				e.Confirmed = append(e.Confirmed, name)
			} else {
				e.Waiting = append(e.Waiting, name)
			}
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

func (d *Dashboard) enrolPost(w http.ResponseWriter, r *req) {
	code, _, err := d.store.NewEnrolCode(r.Context(), r.site.ID, 72*time.Hour)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	_ = d.Audit(r.Context(), AuditEntry{User: r.user().Name, SiteID: r.site.ID, Action: ActEnrolCode})
	d.showSite(w, r, code)
}

func (d *Dashboard) revokePost(w http.ResponseWriter, r *req) {
	devs, err := d.store.Devices(r.Context(), r.site.ID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	id := r.PathValue("device")
	found := false
	for _, dv := range devs {
		found = found || (dv.ID == id && dv.Reason != server.ReasonServer)
	}
	if !found {
		d.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err := d.store.Revoke(r.Context(), id); err != nil && !errors.Is(err, server.ErrNotFound) {
		d.fail(w, r, err)
		return
	}
	_ = d.Audit(r.Context(), AuditEntry{User: r.user().Name, SiteID: r.site.ID, Action: ActDeviceRevoked, Target: id})
	http.Redirect(w, r.Request, "/sites/"+r.site.ID+"#devices", http.StatusSeeOther)
}

// pathLearner reads the {learner} of a site route, answering 404 (or 500)
// itself when it cannot. The page of a learner erased from the dashboard
// says so, and which devices have synced since.
func (d *Dashboard) pathLearner(w http.ResponseWriter, r *req) (learnerRow, bool) {
	l, err := d.learnerOf(r.Context(), r.site.ID, r.PathValue("learner"))
	if errors.Is(err, server.ErrNotFound) {
		if r.Method == http.MethodGet {
			d.erasedPage(w, r)
			return l, false
		}
		d.errorPage(w, r, http.StatusNotFound)
		return l, false
	}
	if err != nil {
		d.fail(w, r, err)
		return l, false
	}
	return l, true
}

// learnerOf reads one learner of the site's read model.
func (d *Dashboard) learnerOf(ctx context.Context, siteID, id string) (learnerRow, error) {
	var l learnerRow
	err := d.db.db.QueryRowContext(ctx, d.db.q(`SELECT learner_id, name, picture_code, first_ms, last_ms, sessions, diagnostics, modules, first_diag, last_diag
		FROM dash_learners WHERE site_id = ? AND learner_id = ?`), siteID, id).
		Scan(&l.ID, &l.Name, &l.PictureCode, &l.FirstMS, &l.LastMS, &l.Sessions, &l.Diagnostics, &l.Modules, &l.FirstDiag, &l.LastDiag)
	if errors.Is(err, sql.ErrNoRows) {
		return l, server.ErrNotFound
	}
	return l, err
}

type historyItem struct {
	At     time.Time
	Device string
	Type   string
	Detail string
}

type skillItem struct {
	Skill          string
	Items, Correct int
	ToWork         bool
}

type domainCompare struct {
	Domain        string
	Before, After int
	HasBefore     bool
}

func (d *Dashboard) learnerPage(w http.ResponseWriter, r *req) {
	ctx := r.Context()
	l, ok := d.pathLearner(w, r)
	if !ok {
		return
	}
	devs, err := d.store.Devices(ctx, r.site.ID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	devName := map[string]string{}
	for _, dv := range devs {
		devName[dv.ID] = firstNonEmpty(dv.Name, dv.ID[:8])
	}
	ids := []any{r.site.ID, l.ID}
	links, err := d.siteLinks(ctx, r.site.ID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	var linked []string
	for other, into := range links {
		if into == l.ID {
			ids = append(ids, other)
			linked = append(linked, other)
		}
	}
	sort.Strings(linked)
	var hist []historyItem
	var notes []historyItem
	skills := map[string]*skillItem{}
	var modules []string
	err = d.eachRow(ctx, `SELECT device_id, type, wall_ms, received_ms, payload FROM events WHERE site_id = ? AND learner_id IN (`+
		strings.TrimSuffix(strings.Repeat("?,", len(ids)-1), ",")+`) ORDER BY hlc, id LIMIT 5000`, ids, func(sc scanner) error {
		var dev, typ string
		var wall, recv int64
		var payload []byte
		if err := sc.Scan(&dev, &typ, &wall, &recv, &payload); err != nil {
			return err
		}
		at := time.UnixMilli(min(wall, recv))
		name := devName[dev]
		if name == "" {
			name = r.cat.T("dash.learner.server")
		}
		var p map[string]any
		_ = json.Unmarshal(payload, &p)
		switch typ {
		case "answer.recorded":
			sk, _ := p["skill"].(string)
			s := skills[sk]
			if s == nil {
				s = &skillItem{Skill: sk}
				skills[sk] = s
			}
			s.Items++
			if c, _ := p["correct"].(bool); c {
				s.Correct++
			}
			return nil
		case "learner.note", "note.added":
			txt, _ := p["text"].(string)
			notes = append(notes, historyItem{At: at, Device: name, Type: typ, Detail: txt})
			return nil
		case "module.mastered":
			m := firstNonEmpty(str(p["module"]), str(p["skill"]))
			modules = append(modules, m)
			hist = append(hist, historyItem{At: at, Device: name, Type: typ, Detail: m})
			return nil
		case "path.assigned":
			hist = append(hist, historyItem{At: at, Device: name, Type: typ, Detail: str(p["name"])})
			return nil
		}
		hist = append(hist, historyItem{At: at, Device: name, Type: typ})
		return nil
	})
	if err != nil {
		d.fail(w, r, err)
		return
	}
	var first, last diagSummary
	_ = json.Unmarshal([]byte(l.FirstDiag), &first)
	_ = json.Unmarshal([]byte(l.LastDiag), &last)
	toWork := map[string]bool{}
	for _, s := range last.ToWork {
		toWork[s] = true
		if skills[s] == nil {
			skills[s] = &skillItem{Skill: s}
		}
	}
	var sk []skillItem
	for _, s := range skills {
		s.ToWork = toWork[s.Skill]
		sk = append(sk, *s)
	}
	sort.Slice(sk, func(a, b int) bool { return sk[a].Skill < sk[b].Skill })
	before := map[string]int{}
	for _, x := range first.Domains {
		before[x.Domain] = x.Band
	}
	var cmp []domainCompare
	for _, x := range last.Domains {
		b, ok := before[x.Domain]
		cmp = append(cmp, domainCompare{Domain: x.Domain, Before: b, After: x.Band, HasBefore: ok && l.Diagnostics > 1})
	}
	titles := d.titles(ctx)
	for i := range sk {
		sk[i].Skill = titleOf(titles, sk[i].Skill)
	}
	for i := range cmp {
		cmp[i].Domain = titleOf(titles, cmp[i].Domain)
	}
	for i := range modules {
		modules[i] = titleOf(titles, modules[i])
	}
	if len(hist) > 300 {
		hist = hist[len(hist)-300:]
	}
	d.render(w, r, http.StatusOK, "learner", "", firstNonEmpty(l.Name, l.PictureCode, l.ID[:min(8, len(l.ID))]), map[string]any{
		"Site": r.site, "L": l, "First": time.UnixMilli(l.FirstMS), "Last": time.UnixMilli(l.LastMS),
		"History": hist, "Notes": notes, "Skills": sk, "Compare": cmp, "Modules": modules, "Linked": linked,
	})
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func (d *Dashboard) erasePost(w http.ResponseWriter, r *req) {
	ctx := r.Context()
	l, ok := d.pathLearner(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		d.errorPage(w, r, http.StatusBadRequest)
		return
	}
	id, err := d.emit(ctx, r.site.ID, event.TypeLearnerErased, l.ID, event.LearnerErased{Reason: "dashboard"})
	if err != nil {
		d.fail(w, r, err)
		return
	}
	// The erasure's time is when the server stored the tombstone (the sync
	// store's clock, the one devices' last-seen times come from).
	var at int64
	if err := d.db.db.QueryRowContext(ctx, d.db.q(`SELECT received_ms FROM events WHERE id = ?`), id).Scan(&at); err != nil {
		d.fail(w, r, err)
		return
	}
	err = d.db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_erasures (site_id, learner_id, event_id, at_ms, by_user) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (site_id, learner_id) DO NOTHING`), r.site.ID, l.ID, id, at, r.user().Name); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, d.db.q(`DELETE FROM dash_learners WHERE site_id = ? AND learner_id = ?`), r.site.ID, l.ID)
		return err
	})
	if err != nil {
		d.fail(w, r, err)
		return
	}
	// The audit line names the learner by id only: the name is what was erased.
	_ = d.Audit(ctx, AuditEntry{User: r.user().Name, SiteID: r.site.ID, Action: ActLearnerErased, Target: l.ID})
	http.Redirect(w, r.Request, "/sites/"+r.site.ID+"/learners/"+l.ID, http.StatusSeeOther)
}

// linkPost says another learner of the site is the same person: a
// learners.linked event (the learner of the page kept) that devices pull,
// and the read model folds at once.
func (d *Dashboard) linkPost(w http.ResponseWriter, r *req) {
	ctx := r.Context()
	l, ok := d.pathLearner(w, r)
	if !ok {
		return
	}
	other := strings.TrimSpace(r.PostFormValue("other"))
	o, err := d.learnerOf(ctx, r.site.ID, other)
	if errors.Is(err, server.ErrNotFound) || other == l.ID {
		d.errorPage(w, r, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if _, err := d.emit(ctx, r.site.ID, event.TypeLearnersLinked, l.ID, event.LearnersLinked{Linked: []string{o.ID}}); err != nil {
		d.fail(w, r, err)
		return
	}
	if err := d.indexSite(ctx, r.site.ID); err != nil {
		d.fail(w, r, err)
		return
	}
	_ = d.Audit(ctx, AuditEntry{User: r.user().Name, SiteID: r.site.ID, Action: ActLearnersLinked, Target: l.ID, Detail: o.ID})
	http.Redirect(w, r.Request, "/sites/"+r.site.ID+"/learners/"+l.ID, http.StatusSeeOther)
}

// erasedPage answers for a learner that is not (or no longer) in the site:
// an erasure asked from the dashboard shows its progress, else 404.
func (d *Dashboard) erasedPage(w http.ResponseWriter, r *req) {
	devs, err := d.siteDevices(r.Context(), r.site.ID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	es, err := d.erasuresWhere(r.Context(), r.site.ID, r.PathValue("learner"), devs)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if len(es) == 0 {
		d.errorPage(w, r, http.StatusNotFound)
		return
	}
	d.render(w, r, http.StatusOK, "erased", "", r.cat.T("dash.erased.title"), map[string]any{"Site": r.site, "E": es[0]})
}
