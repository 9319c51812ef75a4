// Package readmodel keeps the mediator's read model of the learners in the
// journal's own database: one row per learner with what the list of
// learners and the spreadsheet show (name, picture code, first and last
// visit, level per domain, counts), the learner's whole folded history for
// their page, and each learner's latest evidence per skill. It is a
// journal.Projection: the journal folds every new event into it in the
// transaction that stores the event (a visitor's answer, a mediator's
// rename, a sync pull), and rebuilds it from the events when it is missing,
// of another version or behind.
//
// It gives exactly what folding the whole journal gives (learners.Load,
// skills.Load; see Replay), without reading the journal: a large site's
// list of learners, a learner's page and the spreadsheet stay fast.
//
// A learner's events are folded with learners.Book itself: an event about
// a learner refolds that learner's group (the learners linked with them,
// read by learner), so links, late renames and erasures give the answer a
// whole replay gives. The events of an erased learner are ignored as if
// already deleted, and the learner's rows are deleted with them (the
// journal's secure_delete overwrites them in the file).
package readmodel

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/skills"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// version changes with the tables or the rules, so journals built by an
// older program are rebuilt.
const version = 2

// schema is the read model's tables. rm_learner holds what the list
// shows, small rows read all at once; rm_history a learner's whole folded
// history, read one at a time (their page). rm_link keeps every pair of learners
// a learners.linked event joined, both ways, to find a learner's group.
const schema = `
DROP TABLE IF EXISTS rm_learner;
DROP TABLE IF EXISTS rm_history;
DROP TABLE IF EXISTS rm_alias;
DROP TABLE IF EXISTS rm_link;
DROP TABLE IF EXISTS rm_erased;
DROP TABLE IF EXISTS rm_skill;
CREATE TABLE rm_learner (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	code TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	last_visit_ms INTEGER NOT NULL,
	last_diag_ms INTEGER NOT NULL,
	diagnostics INTEGER NOT NULL,
	mastered INTEGER NOT NULL,
	levels TEXT NOT NULL,
	linked TEXT NOT NULL
);
CREATE TABLE rm_history (id TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE rm_alias (from_id TEXT PRIMARY KEY, to_id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE rm_link (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE rm_erased (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE rm_skill (
	learner_id TEXT NOT NULL,
	skill TEXT NOT NULL,
	status INTEGER NOT NULL,
	hlc INTEGER NOT NULL,
	rank INTEGER NOT NULL,
	PRIMARY KEY (learner_id, skill)
) WITHOUT ROWID;
`

// Model is the learners' read model of one journal. It is safe for
// concurrent use.
type Model struct {
	j *journal.Journal
}

// New returns the read model of j, not attached yet: its readers bring it
// up to date (see Attach).
func New(j *journal.Journal) *Model { return &Model{j: j} }

// Open returns the read model of j, attached.
func Open(ctx context.Context, j *journal.Journal) (*Model, error) {
	m := New(j)
	return m, m.Attach(ctx)
}

// Attach makes the journal fold every event it stores into the read model,
// building it from the events when the journal has none (or an outdated
// one): on a large site's journal that takes seconds, once, while the
// kiosk may go on writing; later opens only fold what others wrote.
func (m *Model) Attach(ctx context.Context) error {
	if err := m.j.Attach(ctx, m); err != nil {
		return fmt.Errorf("open learners read model: %w", err)
	}
	return nil
}

// Name names the read model's cursor in the journal.
func (m *Model) Name() string { return "learners" }

// Version is the read model's version.
func (m *Model) Version() int { return version }

// Ready reports whether the read model's tables exist.
func (m *Model) Ready(ctx context.Context, q journal.Querier) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table'
		AND name IN ('rm_learner', 'rm_history', 'rm_alias', 'rm_link', 'rm_erased', 'rm_skill')`).Scan(&n)
	return n == 6, err
}

// bookTypes are the event types learners.Book folds.
var bookTypes = map[string]bool{
	event.TypeLearnerCreated: true, event.TypeLearnerRenamed: true, event.TypeLearnerCodeAssigned: true,
	event.TypeLearnersLinked: true, event.TypeDiagnosticFinished: true, event.TypePracticeAttempt: true,
	event.TypeModuleStarted: true, event.TypeModuleMastered: true, event.TypeLearnerErased: true,
}

// Build folds every event up to position upTo, reading db while the
// kiosk goes on writing, and returns what writes the read model in tx.
func (m *Model) Build(ctx context.Context, db *sql.DB, upTo int64) (func(context.Context, *sql.Tx) error, error) {
	var device string
	if err := db.QueryRowContext(ctx, `SELECT device_id FROM device`).Scan(&device); err != nil {
		return nil, fmt.Errorf("read model: device: %w", err)
	}
	erased := map[string]bool{}
	if err := eachIn(ctx, db, `SELECT id, device_id, seq, wall_ms, hlc, type, learner_id, payload FROM events
		WHERE type = ? AND learner_id <> '' AND pos <= ?`, []any{event.TypeLearnerErased, upTo}, func(ev journal.Event) error {
		erased[ev.LearnerID] = true
		return nil
	}); err != nil {
		return nil, err
	}
	book := learners.NewBook(device)
	evidence := map[[2]string]skills.Evidence{}
	var links [][2]string
	err := eachIn(ctx, db, `SELECT id, device_id, seq, wall_ms, hlc, type, learner_id, payload FROM events
		WHERE learner_id <> '' AND pos <= ? ORDER BY pos`, []any{upTo}, func(ev journal.Event) error {
		if ev.Type == event.TypeLearnersLinked {
			links = append(links, linkPairs(ev)...)
		}
		if erased[ev.LearnerID] && ev.Type != event.TypeLearnerErased {
			return nil // deleted by the erasure, or about to be
		}
		if e, ok := skills.EvidenceOf(ev); ok {
			k := [2]string{e.Learner, e.Skill}
			if old, ok := evidence[k]; !ok || e.Supersedes(old) {
				evidence[k] = e
			}
		}
		if bookTypes[ev.Type] {
			book.Apply(ev)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, tx *sql.Tx) error { return write(ctx, tx, book, erased, links, evidence) }, nil
}

// write replaces the read model's tables with a fold of the whole journal.
func write(ctx context.Context, tx *sql.Tx, book *learners.Book, erased map[string]bool, links [][2]string,
	evidence map[[2]string]skills.Evidence) error {
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create read model: %w", err)
	}
	if err := writeBook(ctx, tx, book); err != nil {
		return err
	}
	for id := range erased {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rm_erased (id) VALUES (?)`, id); err != nil {
			return fmt.Errorf("write read model: %w", err)
		}
	}
	if err := writeLinks(ctx, tx, links); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO rm_skill (learner_id, skill, status, hlc, rank) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("write read model: %w", err)
	}
	defer stmt.Close()
	// In key order: appending to the table's b-tree is much faster than
	// inserting all over it.
	keys := make([][2]string, 0, len(evidence))
	for k := range evidence {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	for _, k := range keys {
		e := evidence[k]
		if _, err := stmt.ExecContext(ctx, e.Learner, e.Skill, int(e.Status), int64(e.At), e.Rank); err != nil {
			return fmt.Errorf("write read model: %w", err)
		}
	}
	return nil
}

// Apply folds events just stored into the read model.
func (m *Model) Apply(ctx context.Context, tx *sql.Tx, evs []journal.Event) error {
	erased := map[string]bool{}
	isErased := func(id string) (bool, error) {
		if v, ok := erased[id]; ok {
			return v, nil
		}
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM rm_erased WHERE id = ?`, id).Scan(&n)
		erased[id] = n > 0
		return n > 0, err
	}
	dirty := map[string]bool{}
	var links [][2]string
	for _, ev := range evs {
		if ev.LearnerID == "" {
			continue
		}
		if ev.Type == event.TypeLearnerErased {
			erased[ev.LearnerID] = true
			dirty[ev.LearnerID] = true
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO rm_erased (id) VALUES (?)`, ev.LearnerID); err != nil {
				return fmt.Errorf("erase from read model: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM rm_skill WHERE learner_id = ?`, ev.LearnerID); err != nil {
				return fmt.Errorf("erase from read model: %w", err)
			}
			continue
		}
		if ev.Type == event.TypeLearnersLinked {
			// Kept even for an erased learner: a group is found through
			// every link ever made, a superset is harmless.
			pairs := linkPairs(ev)
			links = append(links, pairs...)
			for _, p := range pairs {
				dirty[p[1]] = true
			}
		}
		gone, err := isErased(ev.LearnerID)
		if err != nil {
			return fmt.Errorf("read model: %w", err)
		}
		if gone {
			continue // deleted by the erasure, or about to be
		}
		if e, ok := skills.EvidenceOf(ev); ok {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rm_skill (learner_id, skill, status, hlc, rank) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (learner_id, skill) DO UPDATE SET status = excluded.status, hlc = excluded.hlc, rank = excluded.rank
				WHERE excluded.hlc > rm_skill.hlc OR (excluded.hlc = rm_skill.hlc AND excluded.rank >= rm_skill.rank)`,
				e.Learner, e.Skill, int(e.Status), int64(e.At), e.Rank); err != nil {
				return fmt.Errorf("read model: %w", err)
			}
		}
		if bookTypes[ev.Type] {
			dirty[ev.LearnerID] = true
		}
	}
	if err := writeLinks(ctx, tx, links); err != nil {
		return err
	}
	done := map[string]bool{}
	for _, id := range sortedKeys(dirty) {
		if done[id] {
			continue
		}
		group, err := groupOf(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, g := range group {
			done[g] = true
		}
		if err := refold(ctx, tx, group); err != nil {
			return err
		}
	}
	return nil
}

// groupOf returns the learners joined to id by links, id first.
func groupOf(ctx context.Context, tx *sql.Tx, id string) ([]string, error) {
	group := []string{id}
	seen := map[string]bool{id: true}
	for i := 0; i < len(group); i++ {
		rows, err := tx.QueryContext(ctx, `SELECT b FROM rm_link WHERE a = ?`, group[i])
		if err != nil {
			return nil, fmt.Errorf("read model links: %w", err)
		}
		for rows.Next() {
			var o string
			if err := rows.Scan(&o); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read model links: %w", err)
			}
			if !seen[o] {
				seen[o] = true
				group = append(group, o)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read model links: %w", err)
		}
	}
	return group, nil
}

// refold folds the events of a group of linked learners again, as a
// whole replay would, and replaces the group's rows.
func refold(ctx context.Context, tx *sql.Tx, group []string) error {
	device, err := deviceIn(ctx, tx)
	if err != nil {
		return err
	}
	in, args := inList(group)
	var evs []journal.Event
	erased := map[string]bool{}
	if err := eachIn(ctx, tx, `SELECT id, device_id, seq, wall_ms, hlc, type, learner_id, payload FROM events
		WHERE learner_id IN (`+in+`) ORDER BY pos`, args, func(ev journal.Event) error {
		if ev.Type == event.TypeLearnerErased {
			erased[ev.LearnerID] = true
		}
		if bookTypes[ev.Type] {
			evs = append(evs, ev)
		}
		return nil
	}); err != nil {
		return err
	}
	book := learners.NewBook(device)
	for _, ev := range evs {
		if !erased[ev.LearnerID] || ev.Type == event.TypeLearnerErased {
			book.Apply(ev)
		}
	}
	for _, table := range []string{"rm_learner", "rm_history"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id IN (`+in+`)`, args...); err != nil {
			return fmt.Errorf("write read model: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rm_alias WHERE from_id IN (`+in+`)`, args...); err != nil {
		return fmt.Errorf("write read model: %w", err)
	}
	return writeBook(ctx, tx, book)
}

// writeBook stores the book's learners (not erased) and links.
func writeBook(ctx context.Context, tx *sql.Tx, b *learners.Book) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO rm_learner (id, name, code, created_ms, last_visit_ms,
		last_diag_ms, diagnostics, mastered, levels, linked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("write read model: %w", err)
	}
	defer stmt.Close()
	hist, err := tx.PrepareContext(ctx, `INSERT INTO rm_history (id, data) VALUES (?, ?)`)
	if err != nil {
		return fmt.Errorf("write read model: %w", err)
	}
	defer hist.Close()
	for _, l := range b.List() {
		s := l.Summarize()
		data, err := json.Marshal(l)
		if err != nil {
			return fmt.Errorf("write read model: %w", err)
		}
		lastDiag := int64(0)
		if s.Diagnostics > 0 {
			lastDiag = s.LastDiagnostic.UnixMilli()
		}
		if _, err := stmt.ExecContext(ctx, s.ID, s.Name, s.Code, s.Created.UnixMilli(), s.LastVisit.UnixMilli(),
			lastDiag, s.Diagnostics, s.Mastered, encodeLevels(s.Levels), encodeLinked(s.Linked)); err != nil {
			return fmt.Errorf("write read model: %w", err)
		}
		if _, err := hist.ExecContext(ctx, s.ID, data); err != nil {
			return fmt.Errorf("write read model: %w", err)
		}
	}
	for from, to := range b.Aliases() {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rm_alias (from_id, to_id) VALUES (?, ?)
			ON CONFLICT (from_id) DO UPDATE SET to_id = excluded.to_id`, from, to); err != nil {
			return fmt.Errorf("write read model: %w", err)
		}
	}
	return nil
}

func writeLinks(ctx context.Context, tx *sql.Tx, pairs [][2]string) error {
	for _, p := range pairs {
		for _, q := range [][2]string{p, {p[1], p[0]}} {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO rm_link (a, b) VALUES (?, ?)`, q[0], q[1]); err != nil {
				return fmt.Errorf("write read model links: %w", err)
			}
		}
	}
	return nil
}

// linkPairs returns the learners a learners.linked event joins: the
// learner kept with each other one.
func linkPairs(ev journal.Event) [][2]string {
	var p event.LearnersLinked
	if event.DecodeInto(ev.Payload, &p) != nil {
		return nil
	}
	var out [][2]string
	for _, o := range p.Linked {
		if o != "" && o != ev.LearnerID {
			out = append(out, [2]string{ev.LearnerID, o})
		}
	}
	return out
}

func deviceIn(ctx context.Context, tx *sql.Tx) (string, error) {
	var device string
	if err := tx.QueryRowContext(ctx, `SELECT device_id FROM device`).Scan(&device); err != nil {
		return "", fmt.Errorf("read model: device: %w", err)
	}
	return device, nil
}

// querier is a database or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// eachIn calls fn for each event a query returns (its columns those of
// journal.Event).
func eachIn(ctx context.Context, q querier, query string, args []any, fn func(journal.Event) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read model: read journal: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ev journal.Event
		var wall int64
		var payload []byte
		if err := rows.Scan(&ev.ID, &ev.DeviceID, &ev.Seq, &wall, &ev.HLC, &ev.Type, &ev.LearnerID, &payload); err != nil {
			return fmt.Errorf("read model: read journal: %w", err)
		}
		ev.WallTime = time.UnixMilli(wall).UTC()
		ev.Payload = payload
		if err := fn(ev); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read model: read journal: %w", err)
	}
	return nil
}

func inList(ids []string) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(ids)), ","), args
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The list's columns are plain text rather than JSON: decoding 5 000 small
// JSON values is most of the list's time. Ids and domains hold neither a
// space nor the separators; one that did is written as JSON instead.
const (
	levelSep = "\x1e"
	bandSep  = "\x1f"
)

func encodeLevels(levels map[string]int) string {
	var b strings.Builder
	for _, d := range sortedKeys(levels) {
		if strings.ContainsAny(d, levelSep+bandSep+"{") {
			j, _ := json.Marshal(levels)
			return string(j)
		}
		if b.Len() > 0 {
			b.WriteString(levelSep)
		}
		b.WriteString(d)
		b.WriteString(bandSep)
		b.WriteString(strconv.Itoa(levels[d]))
	}
	return b.String()
}

func decodeLevels(s string) (map[string]int, error) {
	out := map[string]int{}
	if strings.HasPrefix(s, "{") {
		return out, json.Unmarshal([]byte(s), &out)
	}
	if s == "" {
		return out, nil
	}
	for _, part := range strings.Split(s, levelSep) {
		d, band, ok := strings.Cut(part, bandSep)
		if !ok {
			return nil, fmt.Errorf("bad level %q", part)
		}
		n, err := strconv.Atoi(band)
		if err != nil {
			return nil, fmt.Errorf("bad level %q", part)
		}
		out[d] = n
	}
	return out, nil
}

func encodeLinked(ids []string) string {
	for _, id := range ids {
		if id == "" || strings.ContainsAny(id, " [") {
			j, _ := json.Marshal(ids)
			return string(j)
		}
	}
	return strings.Join(ids, " ")
}

func decodeLinked(s string) ([]string, error) {
	if strings.HasPrefix(s, "[") {
		var out []string
		return out, json.Unmarshal([]byte(s), &out)
	}
	if s == "" {
		return nil, nil
	}
	return strings.Split(s, " "), nil
}
