package dashboard

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The read model: the dash_learners, dash_weeks, dash_modules and
// dash_devices tables are folds of the stored events, kept up to date by
// Index a page of events at a time from a per-site cursor (dash_cursor).
// Pages read only these small tables, so they stay fast whatever the size
// of the event log; like everything derived from the journal, the read
// model can be dropped and rebuilt.

// indexPage is how many events one transaction of the indexer folds.
const indexPage = 5000

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
		pos := t.pos
		for pos < t.last {
			n, next, err := d.indexPage(ctx, t.site, pos, t.last)
			if err != nil {
				return total, fmt.Errorf("index site %s from %d: %w", t.site, pos, err)
			}
			total += n
			pos = next
		}
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
	rows, err := d.db.db.QueryContext(ctx, d.db.q(`SELECT site_pos, id, device_id, type, learner_id, wall_ms, hlc, received_ms, payload
		FROM events WHERE site_id = ? AND site_pos > ? AND site_pos <= ? ORDER BY site_pos LIMIT ?`), site, from, last, indexPage)
	if err != nil {
		return 0, 0, err
	}
	var evs []rawEvent
	for rows.Next() {
		var e rawEvent
		if err := rows.Scan(&e.pos, &e.id, &e.device, &e.typ, &e.learner, &e.wallMS, &e.hlc, &e.receivedMS, &e.payload); err != nil {
			rows.Close()
			return 0, 0, err
		}
		evs = append(evs, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	next := last
	if len(evs) == indexPage {
		next = evs[len(evs)-1].pos
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
	tallies := map[string]*sessionTally{}
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
	for _, e := range evs {
		ds := devices[e.device]
		if ds == nil {
			ds = &devState{}
			devices[e.device] = ds
		}
		ds.last = max(ds.last, e.eventTime())
		switch e.typ {
		case "learner.created", "learner.renamed":
			var p struct {
				Name        string `json:"name"`
				PictureCode string `json:"picture_code"`
			}
			_ = json.Unmarshal(e.payload, &p)
			l := learner(e)
			if l == nil {
				continue
			}
			if e.typ == "learner.created" {
				if l.Sessions == 0 && l.Diagnostics == 0 {
					week(e.eventTime()).learners++
				}
				if p.PictureCode != "" {
					l.PictureCode = p.PictureCode
				}
			}
			if p.Name != "" && e.hlc >= l.NameHLC {
				l.Name, l.NameHLC = clipText(p.Name, 200), e.hlc
			}
		case "session.started":
			var p struct {
				PackVersion string `json:"pack_version"`
			}
			_ = json.Unmarshal(e.payload, &p)
			if p.PackVersion != "" {
				ds.pack = p.PackVersion
			}
			week(e.eventTime()).visits++
			if l := learner(e); l != nil {
				l.Sessions++
			}
		case "answer.recorded":
			var p struct {
				SessionID string `json:"session_id"`
				Skill     string `json:"skill"`
				Domain    string `json:"domain"`
				Correct   bool   `json:"correct"`
			}
			if json.Unmarshal(e.payload, &p) != nil || p.SessionID == "" {
				continue
			}
			learner(e)
			addAnswer(tallies, p.SessionID, p.Domain, p.Skill, p.Correct)
		case "diagnostic.finished":
			l := learner(e)
			if l == nil {
				continue
			}
			sum, err := d.diagnosticSummary(ctx, site, e, tallies)
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
		case "module.mastered", "module.completed":
			var p struct {
				Module   string `json:"module"`
				ModuleID string `json:"module_id"`
				Skill    string `json:"skill"`
			}
			_ = json.Unmarshal(e.payload, &p)
			m := firstNonEmpty(p.ModuleID, p.Module, p.Skill)
			if m != "" {
				modules[clipText(m, 100)]++
			}
			week(e.eventTime()).modules++
			if l := learner(e); l != nil {
				l.Modules++
			}
		case "learner.erased":
			if e.learner != "" {
				erased = append(erased, e.learner)
				delete(learners, e.learner)
			}
		}
	}
	err = d.db.write(ctx, func(tx *sql.Tx) error {
		for _, l := range learners {
			if !l.dirty {
				continue
			}
			if _, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_learners (site_id, learner_id, name, name_hlc, picture_code, first_ms, last_ms,
				sessions, diagnostics, modules, first_diag, last_diag) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (site_id, learner_id) DO UPDATE SET name = excluded.name, name_hlc = excluded.name_hlc,
				picture_code = excluded.picture_code, first_ms = excluded.first_ms, last_ms = excluded.last_ms,
				sessions = excluded.sessions, diagnostics = excluded.diagnostics, modules = excluded.modules,
				first_diag = excluded.first_diag, last_diag = excluded.last_diag`),
				site, l.ID, l.Name, l.NameHLC, l.PictureCode, l.FirstMS, l.LastMS, l.Sessions, l.Diagnostics, l.Modules, l.FirstDiag, l.LastDiag); err != nil {
				return fmt.Errorf("upsert learner: %w", err)
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
		_, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_cursor (site_id, pos) VALUES (?, ?) ON CONFLICT (site_id) DO UPDATE SET pos = excluded.pos`), site, next)
		return err
	})
	return len(evs), next, err
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
func (d *Dashboard) diagnosticSummary(ctx context.Context, site string, e rawEvent, tallies map[string]*sessionTally) (diagSummary, error) {
	var p struct {
		SessionID string `json:"session_id"`
		Results   []struct {
			Domain      string   `json:"domain"`
			Band        int      `json:"band"`
			Items       int      `json:"items"`
			Correct     int      `json:"correct"`
			Recommended []string `json:"recommended"`
		} `json:"results"`
	}
	_ = json.Unmarshal(e.payload, &p)
	sum := diagSummary{AtMS: e.eventTime()}
	if len(p.Results) > 0 {
		for _, r := range p.Results {
			sum.Domains = append(sum.Domains, domainBand{Domain: r.Domain, Band: min(max(r.Band, 0), 3), Items: r.Items, Correct: r.Correct})
			sum.ToWork = append(sum.ToWork, r.Recommended...)
		}
		return sum, nil
	}
	t := tallies[p.SessionID]
	if t == nil && p.SessionID != "" {
		// The answers were folded in an earlier page: read them again.
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
			var a struct {
				SessionID string `json:"session_id"`
				Skill     string `json:"skill"`
				Domain    string `json:"domain"`
				Correct   bool   `json:"correct"`
			}
			if json.Unmarshal(raw, &a) == nil && a.SessionID == p.SessionID {
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
