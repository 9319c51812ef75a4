package readmodel

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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
	q := `SELECT learner_id, skill, status, hlc FROM rm_skill`
	var args []any
	if len(ids) > 0 {
		in, a := inList(ids)
		q += ` WHERE learner_id IN (` + in + `)`
		args = a
	}
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

func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }
