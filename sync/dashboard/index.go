package dashboard

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// The read model: the dash_learners, dash_weeks, dash_modules and
// dash_devices tables are folds of the stored events, kept up to date by
// Index a page of events at a time from a per-site cursor (dash_cursor).
// Pages read only these small tables, so they stay fast whatever the size
// of the event log; like everything derived from the journal, the read
// model can be dropped and rebuilt.

// indexPage is how many site positions (events) one transaction of the
// indexer folds. Answers cost it little (SQL folds them per learner), so
// pages are large: under a burst of pushes each page waits for the
// SQLite writer behind hundreds of pushes, and fewer, larger pages let
// the read model keep up.
const indexPage = 100_000

// diagSummary is one diagnostic's outcome as the dashboard keeps it.
type diagSummary struct {
	AtMS    int64        `json:"at"`
	Domains []domainBand `json:"domains"`
	ToWork  []string     `json:"to_work,omitempty"` // skills "to work on"
}

// domainBand is one domain's level in a diagnostic.
type domainBand struct {
	Domain  string `json:"d"`
	Band    int    `json:"b"` // 0..3
	Items   int    `json:"i"`
	Correct int    `json:"c"`
}

// learnerRow is a row of dash_learners.
type learnerRow struct {
	ID, Name, PictureCode string
	NameHLC               int64
	FirstMS, LastMS       int64
	Sessions, Diagnostics int
	Modules               int
	FirstDiag, LastDiag   string
	dirty                 bool
}

type weekDelta struct{ visits, diagnostics, modules, learners int }

type tally struct{ items, correct int }

// sessionTally counts one session's answers per domain and per skill, to
// summarise a diagnostic.finished that carries no per-domain results.
type sessionTally struct {
	domains map[string]*tally
	skills  map[string]*tally
}

// Index folds every stored event not yet folded into the read model and
// returns how many it folded.
func (d *Dashboard) Index(ctx context.Context) (int, error) {
	rows, err := d.db.db.QueryContext(ctx, `SELECT s.id, s.last_pos, COALESCE(c.pos, 0) FROM sites s
		LEFT JOIN dash_cursor c ON c.site_id = s.id WHERE s.last_pos > COALESCE(c.pos, 0)`)
	if err != nil {
		return 0, fmt.Errorf("index: list sites: %w", err)
	}
	type todo struct {
		site      string
		last, pos int64
	}
	var sites []todo
	for rows.Next() {
		var t todo
		if err := rows.Scan(&t.site, &t.last, &t.pos); err != nil {
			rows.Close()
			return 0, err
		}
		sites = append(sites, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	total := 0
	for _, t := range sites {
		n, err := d.indexFrom(ctx, t.site, t.pos, t.last)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// indexSite folds one site's new events now (after a change made from the
// dashboard, so the next page shows it).
func (d *Dashboard) indexSite(ctx context.Context, site string) error {
	var last, pos int64
	err := d.db.db.QueryRowContext(ctx, d.db.q(`SELECT s.last_pos, COALESCE(c.pos, 0) FROM sites s LEFT JOIN dash_cursor c ON c.site_id = s.id WHERE s.id = ?`), site).
		Scan(&last, &pos)
	if err != nil {
		return err
	}
	_, err = d.indexFrom(ctx, site, pos, last)
	return err
}

// indexFrom folds a site's events after pos up to last. Folds are
// serialised (the background indexer and a page's indexSite never fold
// the same events twice) and each reads the cursor again under the lock.
func (d *Dashboard) indexFrom(ctx context.Context, site string, pos, last int64) (int, error) {
	d.indexMu.Lock()
	defer d.indexMu.Unlock()
	err := d.db.db.QueryRowContext(ctx, d.db.q(`SELECT COALESCE(MAX(pos), 0) FROM dash_cursor WHERE site_id = ?`), site).Scan(&pos)
	if err != nil {
		return 0, err
	}
	total := 0
	for pos < last {
		n, next, err := d.indexPage(ctx, site, pos, last)
		if err != nil {
			return total, fmt.Errorf("index site %s from %d: %w", site, pos, err)
		}
		total += n
		pos = next
	}
	return total, nil
}

type rawEvent struct {
	pos                      int64
	id, device, typ, learner string
	wallMS, hlc, receivedMS  int64
	payload                  []byte
}

// weekOf returns the Monday 00:00 UTC (ms) of the week holding ms.
func weekOf(ms int64) int64 {
	t := time.UnixMilli(ms).UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	wd := (int(day.Weekday()) + 6) % 7
	return day.AddDate(0, 0, -wd).UnixMilli()
}

// eventTime is when an event happened as the dashboard counts it: the
// device's clock, unless that is after the server received it (a clock in
// the future).
func (e rawEvent) eventTime() int64 { return min(e.wallMS, e.receivedMS) }

func (d *Dashboard) indexPage(ctx context.Context, site string, from, last int64) (int, int64, error) {
	// A page is a range of site positions (dense but for erased events).
	next := min(last, from+indexPage)
	// Answers are most events and only extend their learner's and
	// device's first and last times, in any order: SQL folds them into one
	// row per learner and device, so the indexer's cost follows learners,
	// not answers (the push path's CPU is what they share). They are
	// folded before the page's other events, so a learner erased or linked
	// later in the page is handled after.
	var evs []rawEvent
	n := 0
	rows, err := d.db.db.QueryContext(ctx, d.db.q(`SELECT learner_id, device_id, COUNT(*),
		MIN(CASE WHEN wall_ms < received_ms THEN wall_ms ELSE received_ms END),
		MAX(CASE WHEN wall_ms < received_ms THEN wall_ms ELSE received_ms END)
		FROM events WHERE site_id = ? AND site_pos > ? AND site_pos <= ? AND type = 'answer.recorded'
		GROUP BY learner_id, device_id`), site, from, next)
	if err != nil {
		return 0, 0, err
	}
	for rows.Next() {
		var learner, device string
		var count int
		var first, latest int64
		if err := rows.Scan(&learner, &device, &count, &first, &latest); err != nil {
			rows.Close()
			return 0, 0, err
		}
		n += count
		for _, at := range []int64{first, latest} {
			evs = append(evs, rawEvent{device: device, typ: event.TypeAnswerRecorded, learner: learner, wallMS: at, receivedMS: at})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	rows, err = d.db.db.QueryContext(ctx, d.db.q(`SELECT site_pos, id, device_id, type, learner_id, wall_ms, hlc, received_ms, payload
		FROM events WHERE site_id = ? AND site_pos > ? AND site_pos <= ? AND type <> 'answer.recorded' ORDER BY site_pos`), site, from, next)
	if err != nil {
		return 0, 0, err
	}
	for rows.Next() {
		var e rawEvent
		if err := rows.Scan(&e.pos, &e.id, &e.device, &e.typ, &e.learner, &e.wallMS, &e.hlc, &e.receivedMS, &e.payload); err != nil {
			rows.Close()
			return 0, 0, err
		}
		evs = append(evs, e)
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	links, err := d.siteLinks(ctx, site)
	if err != nil {
		return 0, 0, err
	}
	for i := range evs {
		if into := links[evs[i].learner]; into != "" {
			evs[i].learner = into // a learner linked to another: the person kept
		}
	}
	learners, err := d.loadLearners(ctx, site, evs)
	if err != nil {
		return 0, 0, err
	}
	weeks := map[int64]*weekDelta{}
	week := func(ms int64) *weekDelta {
		w := weekOf(ms)
		if weeks[w] == nil {
			weeks[w] = &weekDelta{}
		}
		return weeks[w]
	}
	modules := map[string]int{}
	type devState struct {
		pack string
		last int64
	}
	devices := map[string]*devState{}
	var erased []string
	learner := func(e rawEvent) *learnerRow {
		if e.learner == "" {
			return nil
		}
		l := learners[e.learner]
		if l == nil {
			l = &learnerRow{ID: e.learner, FirstMS: e.eventTime(), LastMS: e.eventTime()}
			learners[e.learner] = l
		}
		l.dirty = true
		l.FirstMS = min(l.FirstMS, e.eventTime())
		l.LastMS = max(l.LastMS, e.eventTime())
		return l
	}
	var gone []string // learners folded into another
	for _, e := range evs {
		ds := devices[e.device]
		if ds == nil {
			ds = &devState{}
			devices[e.device] = ds
		}
		ds.last = max(ds.last, e.eventTime())
		if into := links[e.learner]; into != "" {
			e.learner = into // linked earlier in this page
		}
		switch e.typ {
		case event.TypeLearnerCreated:
			var p event.LearnerCreated
			_ = event.DecodeInto(e.payload, &p)
			l := learner(e)
			if l == nil {
				continue
			}
			if l.Sessions == 0 && l.Diagnostics == 0 {
				week(e.eventTime()).learners++
			}
			if p.PictureCode != "" {
				l.PictureCode = clipText(p.PictureCode, 200)
			}
			if p.Name != "" && e.hlc >= l.NameHLC {
				l.Name, l.NameHLC = clipText(p.Name, 200), e.hlc
			}
		case event.TypeLearnerRenamed:
			var p event.LearnerRenamed
			_ = event.DecodeInto(e.payload, &p)
			if l := learner(e); l != nil && p.Name != "" && e.hlc >= l.NameHLC {
				l.Name, l.NameHLC = clipText(p.Name, 200), e.hlc
			}
		case event.TypeLearnerCodeAssigned:
			var p event.LearnerCodeAssigned
			_ = event.DecodeInto(e.payload, &p)
			if l := learner(e); l != nil && p.PictureCode != "" {
				l.PictureCode = clipText(p.PictureCode, 200)
			}
		case event.TypeSessionStarted:
			var p event.SessionStarted
			_ = event.DecodeInto(e.payload, &p)
			if p.PackVersion != "" {
				ds.pack = clipText(p.PackVersion, 64)
			}
			week(e.eventTime()).visits++
			if l := learner(e); l != nil {
				l.Sessions++
			}
		case event.TypeAnswerRecorded:
			// Not decoded: answers are most events, and only a
			// diagnostic.finished without results (older kiosks) needs them,
			// read back then.
			learner(e)
		case event.TypeDiagnosticFinished:
			l := learner(e)
			if l == nil {
				continue
			}
			sum, err := d.diagnosticSummary(ctx, site, e)
			if err != nil {
				return 0, 0, err
			}
			raw, _ := json.Marshal(sum)
			if l.FirstDiag == "" {
				l.FirstDiag = string(raw)
			}
			l.LastDiag = string(raw)
			l.Diagnostics++
			week(e.eventTime()).diagnostics++
		case event.TypeModuleMastered:
			var p event.ModuleMastered
			_ = event.DecodeInto(e.payload, &p)
			if m := firstNonEmpty(p.Module, p.Skill); m != "" {
				modules[clipText(m, 100)]++
			}
			week(e.eventTime()).modules++
			if l := learner(e); l != nil {
				l.Modules++
			}
		case event.TypeLearnersLinked:
			var p event.LearnersLinked
			_ = event.DecodeInto(e.payload, &p)
			kept := learner(e)
			if kept == nil {
				continue
			}
			for _, other := range p.Linked {
				if other == "" || other == kept.ID || links[other] != "" {
					continue
				}
				o := learners[other]
				if o == nil {
					row, err := d.learnerOf(ctx, site, other)
					if err != nil && !errors.Is(err, server.ErrNotFound) {
						return 0, 0, err
					}
					o = &row
				}
				kept.merge(*o)
				delete(learners, other)
				links[other] = kept.ID
				gone = append(gone, other)
			}
		case event.TypeLearnerErased:
			if e.learner != "" {
				erased = append(erased, e.learner)
				delete(learners, e.learner)
			}
		}
	}
	err = d.db.write(ctx, func(tx *sql.Tx) error {
		// One statement for every learner of the page, parsed once.
		upsert, err := tx.PrepareContext(ctx, d.db.q(`INSERT INTO dash_learners (site_id, learner_id, name, name_hlc, picture_code, first_ms, last_ms,
				sessions, diagnostics, modules, first_diag, last_diag) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (site_id, learner_id) DO UPDATE SET name = excluded.name, name_hlc = excluded.name_hlc,
				picture_code = excluded.picture_code, first_ms = excluded.first_ms, last_ms = excluded.last_ms,
				sessions = excluded.sessions, diagnostics = excluded.diagnostics, modules = excluded.modules,
				first_diag = excluded.first_diag, last_diag = excluded.last_diag`))
		if err != nil {
			return fmt.Errorf("prepare learner upsert: %w", err)
		}
		defer upsert.Close()
		for _, l := range learners {
			if !l.dirty {
				continue
			}
			if _, err := upsert.ExecContext(ctx,
				site, l.ID, l.Name, l.NameHLC, l.PictureCode, l.FirstMS, l.LastMS, l.Sessions, l.Diagnostics, l.Modules, l.FirstDiag, l.LastDiag); err != nil {
				return fmt.Errorf("upsert learner: %w", err)
			}
		}
		for _, id := range gone {
			if _, err := tx.ExecContext(ctx, d.db.q(`DELETE FROM dash_learners WHERE site_id = ? AND learner_id = ?`), site, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_links (site_id, learner_id, into_id) VALUES (?, ?, ?) ON CONFLICT (site_id, learner_id) DO NOTHING`),
				site, id, links[id]); err != nil {
				return err
			}
		}
		for _, id := range erased {
			if _, err := tx.ExecContext(ctx, d.db.q(`DELETE FROM dash_learners WHERE site_id = ? AND learner_id = ?`), site, id); err != nil {
				return err
			}
		}
		for w, dl := range weeks {
			if _, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_weeks (site_id, week_ms, visits, diagnostics, modules, learners) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (site_id, week_ms) DO UPDATE SET visits = dash_weeks.visits + excluded.visits,
				diagnostics = dash_weeks.diagnostics + excluded.diagnostics, modules = dash_weeks.modules + excluded.modules,
				learners = dash_weeks.learners + excluded.learners`),
				site, w, dl.visits, dl.diagnostics, dl.modules, dl.learners); err != nil {
				return fmt.Errorf("upsert week: %w", err)
			}
		}
		for m, n := range modules {
			if _, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_modules (site_id, module, n) VALUES (?, ?, ?)
				ON CONFLICT (site_id, module) DO UPDATE SET n = dash_modules.n + excluded.n`), site, m, n); err != nil {
				return err
			}
		}
		for id, ds := range devices {
			if _, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_devices (device_id, site_id, pack_version, last_event_ms) VALUES (?, ?, ?, ?)
				ON CONFLICT (device_id) DO UPDATE SET pack_version = CASE WHEN excluded.pack_version = '' THEN dash_devices.pack_version ELSE excluded.pack_version END,
				last_event_ms = CASE WHEN excluded.last_event_ms > dash_devices.last_event_ms THEN excluded.last_event_ms ELSE dash_devices.last_event_ms END`),
				id, site, ds.pack, ds.last); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_cursor (site_id, pos) VALUES (?, ?) ON CONFLICT (site_id) DO UPDATE SET pos = excluded.pos`), site, next)
		return err
	})
	if err == nil && len(erased) > 0 {
		d.db.st.ForgetErased(ctx) // the WAL would keep the erased rows' names
	}
	return n, next, err
}

// merge folds o (another learner found to be the same person) into l.
func (l *learnerRow) merge(o learnerRow) {
	if o.ID == "" {
		return
	}
	l.dirty = true
	if l.Name == "" || (o.Name != "" && o.NameHLC > l.NameHLC) {
		l.Name, l.NameHLC = o.Name, o.NameHLC
	}
	if l.PictureCode == "" {
		l.PictureCode = o.PictureCode
	}
	l.FirstMS, l.LastMS = min(l.FirstMS, o.FirstMS), max(l.LastMS, o.LastMS)
	l.Sessions += o.Sessions
	l.Diagnostics += o.Diagnostics
	l.Modules += o.Modules
	at := func(raw string) int64 {
		var s diagSummary
		if json.Unmarshal([]byte(raw), &s) != nil {
			return -1
		}
		return s.AtMS
	}
	if o.FirstDiag != "" && (l.FirstDiag == "" || at(o.FirstDiag) < at(l.FirstDiag)) {
		l.FirstDiag = o.FirstDiag
	}
	if o.LastDiag != "" && (l.LastDiag == "" || at(o.LastDiag) > at(l.LastDiag)) {
		l.LastDiag = o.LastDiag
	}
}

// siteLinks maps each learner folded into another (learners.linked) to the
// learner kept.
func (d *Dashboard) siteLinks(ctx context.Context, site string) (map[string]string, error) {
	out := map[string]string{}
	err := d.eachRow(ctx, `SELECT learner_id, into_id FROM dash_links WHERE site_id = ?`, []any{site}, func(sc scanner) error {
		var a, b string
		if err := sc.Scan(&a, &b); err != nil {
			return err
		}
		out[a] = b
		return nil
	})
	return out, err
}

func addAnswer(tallies map[string]*sessionTally, session, domain, skill string, correct bool) {
	t := tallies[session]
	if t == nil {
		t = &sessionTally{domains: map[string]*tally{}, skills: map[string]*tally{}}
		tallies[session] = t
	}
	for _, kv := range []struct {
		m map[string]*tally
		k string
	}{{t.domains, domain}, {t.skills, skill}} {
		if kv.k == "" {
			continue
		}
		x := kv.m[kv.k]
		if x == nil {
			x = &tally{}
			kv.m[kv.k] = x
		}
		x.items++
		if correct {
			x.correct++
		}
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// loadLearners reads the rows of the learners the events touch.
func (d *Dashboard) loadLearners(ctx context.Context, site string, evs []rawEvent) (map[string]*learnerRow, error) {
	seen := map[string]bool{}
	var ids []any
	for _, e := range evs {
		if e.learner != "" && !seen[e.learner] {
			seen[e.learner] = true
			ids = append(ids, e.learner)
		}
	}
	out := map[string]*learnerRow{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := d.db.db.QueryContext(ctx, d.db.q(`SELECT learner_id, name, name_hlc, picture_code, first_ms, last_ms, sessions, diagnostics, modules, first_diag, last_diag
			FROM dash_learners WHERE site_id = ? AND learner_id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")+`)`),
			append([]any{site}, chunk...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			l := &learnerRow{}
			if err := rows.Scan(&l.ID, &l.Name, &l.NameHLC, &l.PictureCode, &l.FirstMS, &l.LastMS, &l.Sessions, &l.Diagnostics, &l.Modules, &l.FirstDiag, &l.LastDiag); err != nil {
				rows.Close()
				return nil, err
			}
			out[l.ID] = l
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// diagnosticSummary reads a diagnostic.finished payload: the kiosk's
// per-domain results when it has them, else a summary of the session's
// answers (share right per domain as a band; skills with less than half
// right to work on).
func (d *Dashboard) diagnosticSummary(ctx context.Context, site string, e rawEvent) (diagSummary, error) {
	var p event.DiagnosticFinished
	_ = event.DecodeInto(e.payload, &p)
	sum := diagSummary{AtMS: e.eventTime()}
	if len(p.Results) > 0 {
		for _, r := range p.Results {
			sum.Domains = append(sum.Domains, domainBand{Domain: r.Domain, Band: min(max(r.Band, 0), 3), Items: r.Items, Correct: r.Correct})
			sum.ToWork = append(sum.ToWork, r.Recommended...)
		}
		return sum, nil
	}
	var t *sessionTally
	if p.SessionID != "" {
		// Read the session's answers back (the learner's events only).
		rows, err := d.db.db.QueryContext(ctx, d.db.q(`SELECT payload FROM events WHERE site_id = ? AND learner_id = ? AND type = 'answer.recorded'`), site, e.learner)
		if err != nil {
			return sum, err
		}
		local := map[string]*sessionTally{}
		for rows.Next() {
			var raw []byte
			if err := rows.Scan(&raw); err != nil {
				rows.Close()
				return sum, err
			}
			var a event.AnswerRecorded
			if event.DecodeInto(raw, &a) == nil && a.SessionID == p.SessionID {
				addAnswer(local, a.SessionID, a.Domain, a.Skill, a.Correct)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return sum, err
		}
		t = local[p.SessionID]
	}
	if t == nil {
		return sum, nil
	}
	for dom, x := range t.domains {
		sum.Domains = append(sum.Domains, domainBand{Domain: dom, Band: bandOf(x), Items: x.items, Correct: x.correct})
	}
	sort.Slice(sum.Domains, func(a, b int) bool { return sum.Domains[a].Domain < sum.Domains[b].Domain })
	for sk, x := range t.skills {
		if 2*x.correct < x.items {
			sum.ToWork = append(sum.ToWork, sk)
		}
	}
	sort.Strings(sum.ToWork)
	return sum, nil
}

// bandOf maps a share of right answers to a band 0..3.
func bandOf(x *tally) int {
	if x.items == 0 {
		return 0
	}
	return min(4*x.correct/x.items, 3)
}
