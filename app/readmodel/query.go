package readmodel

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/skills"
)

// refresh folds what other processes wrote since (see journal.Refresh).
func (m *Model) refresh(ctx context.Context) error {
	if _, err := m.j.Refresh(ctx, m); err != nil {
		return fmt.Errorf("read learners: %w", err)
	}
	return nil
}

// Summaries returns every learner not erased, the most recently seen
// first: what learners.Book.Summaries gives.
func (m *Model) Summaries(ctx context.Context) ([]learners.Summary, error) {
	if err := m.refresh(ctx); err != nil {
		return nil, err
	}
	rows, err := m.j.DB().QueryContext(ctx, `SELECT id, name, code, created_ms, last_visit_ms, last_diag_ms,
		diagnostics, mastered, levels, linked FROM rm_learner`)
	if err != nil {
		return nil, fmt.Errorf("read learners: %w", err)
	}
	defer rows.Close()
	var out []learners.Summary
	for rows.Next() {
		var s learners.Summary
		var created, last, lastDiag int64
		var levels, linked string
		if err := rows.Scan(&s.ID, &s.Name, &s.Code, &created, &last, &lastDiag, &s.Diagnostics, &s.Mastered,
			&levels, &linked); err != nil {
			return nil, fmt.Errorf("read learners: %w", err)
		}
		s.Created, s.LastVisit = ms(created), ms(last)
		if s.Diagnostics > 0 {
			s.LastDiagnostic = ms(lastDiag)
		}
		var err error
		if s.Levels, err = decodeLevels(levels); err != nil {
			return nil, fmt.Errorf("read learners: levels of %s: %w", s.ID, err)
		}
		if s.Linked, err = decodeLinked(linked); err != nil {
			return nil, fmt.Errorf("read learners: links of %s: %w", s.ID, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read learners: %w", err)
	}
	learners.SortSummaries(out)
	return out, nil
}

// Learner returns a learner with their whole history, by id or by the id
// of a learner linked into them: what learners.Book.Learner gives. An
// erased or unknown learner is not found.
func (m *Model) Learner(ctx context.Context, id string) (learners.Learner, bool, error) {
	if err := m.refresh(ctx); err != nil {
		return learners.Learner{}, false, err
	}
	db := m.j.DB()
	for range 16 { // links never loop, but a bad journal must not hang us (as Book)
		var to string
		err := db.QueryRowContext(ctx, `SELECT to_id FROM rm_alias WHERE from_id = ?`, id).Scan(&to)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return learners.Learner{}, false, fmt.Errorf("read learner %s: %w", id, err)
		}
		id = to
	}
	var data []byte
	err := db.QueryRowContext(ctx, `SELECT data FROM rm_history WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return learners.Learner{}, false, nil
	}
	if err != nil {
		return learners.Learner{}, false, fmt.Errorf("read learner %s: %w", id, err)
	}
	var l learners.Learner
	if err := json.Unmarshal(data, &l); err != nil {
		return learners.Learner{}, false, fmt.Errorf("read learner %s: %w", id, err)
	}
	return l, true, nil
}

// Skills returns the latest evidence per skill of the learners ids (every
// learner when ids is empty): what skills.Load gives for them.
func (m *Model) Skills(ctx context.Context, ids ...string) (*skills.Table, error) {
	if err := m.refresh(ctx); err != nil {
		return nil, err
	}
	// One row per learner, their skills concatenated by SQLite: an export
	// reads 5 000 rows rather than 170 000.
	q := `SELECT learner_id, group_concat(skill || ' ' || status || ' ' || hlc, char(10)) FROM rm_skill`
	var args []any
	if len(ids) > 0 {
		in, a := inList(ids)
		q += ` WHERE learner_id IN (` + in + `)`
		args = a
	}
	rows, err := m.j.DB().QueryContext(ctx, q+` GROUP BY learner_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read skills: %w", err)
	}
	defer rows.Close()
	t := skills.NewTable()
	for rows.Next() {
		var learner, all string
		if err := rows.Scan(&learner, &all); err != nil {
			return nil, fmt.Errorf("read skills: %w", err)
		}
		for line := range strings.SplitSeq(all, "\n") {
			// The skill may hold spaces; status and clock are the last two.
			rest, at, ok1 := cutLast(line)
			skill, st, ok2 := cutLast(rest)
			status, err1 := strconv.Atoi(st)
			hlc, err2 := strconv.ParseInt(at, 10, 64)
			if !ok1 || !ok2 || err1 != nil || err2 != nil {
				rows.Close()
				return m.skillRows(ctx, q, args) // a skill id holding a line break
			}
			t.Put(learner, skill, skills.Status(status), journalHLC(hlc))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read skills: %w", err)
	}
	return t, nil
}

// skillRows reads the skills one row each, for the journal whose skill
// ids cannot be concatenated.
func (m *Model) skillRows(ctx context.Context, q string, args []any) (*skills.Table, error) {
	q = strings.Replace(q, `group_concat(skill || ' ' || status || ' ' || hlc, char(10))`, `skill, status, hlc`, 1)
	rows, err := m.j.DB().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read skills: %w", err)
	}
	defer rows.Close()
	t := skills.NewTable()
	for rows.Next() {
		var learner, skill string
		var st skills.Status
		var at int64
		if err := rows.Scan(&learner, &skill, &st, &at); err != nil {
			return nil, fmt.Errorf("read skills: %w", err)
		}
		t.Put(learner, skill, st, journalHLC(at))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read skills: %w", err)
	}
	return t, nil
}

func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }
