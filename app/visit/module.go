package visit

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"
)

// ModuleKey is the journal state key holding the module a visitor is
// playing, so a killed kiosk can offer it again (the steps themselves are
// journaled by the module's run).
const ModuleKey = "kiosk.module"

// ModuleInProgress is the module a visitor was playing when the kiosk
// stopped.
type ModuleInProgress struct {
	LearnerID string    `json:"learner_id"`
	Module    string    `json:"module"`
	Step      int       `json:"step"`
	SavedAt   time.Time `json:"saved_at"`
	// Code is the learner's picture code: such a learner resumes from
	// their space, after typing it.
	Code string `json:"code,omitempty"`
}

// Resumable reports whether m may still be taken up at now, with the same
// limits as an interrupted diagnostic: anonymous within ResumeWithin, with
// a code within ResumeWithCode.
func (m *ModuleInProgress) Resumable(now time.Time) bool {
	limit := ResumeWithin
	if m.Code != "" {
		limit = ResumeWithCode
	}
	age := now.Sub(m.SavedAt)
	return age >= 0 && age <= limit
}

// SaveModule keeps the module the visitor is at, and its step. Its steps
// are journaled already: a failure here only costs the offer to resume,
// so it is logged, not returned.
func (v *Visit) SaveModule(ctx context.Context, module string, step int) {
	m := ModuleInProgress{LearnerID: v.learnerID, Module: module, Step: step, SavedAt: v.cfg.Now(), Code: v.code}
	if err := v.cfg.Journal.SetState(ctx, ModuleKey, marshal(m)); err != nil {
		slog.Error("save module in progress", "module", module, "err", err)
	}
}

// ClearModule forgets the saved module in progress (completed, or its
// visitor gone).
func ClearModule(ctx context.Context, s StateStore) {
	if err := s.SetState(ctx, ModuleKey, ""); err != nil {
		slog.Error("clear module in progress", "err", err)
	}
}

// LoadModule returns the module a previous run left unfinished, or nil.
func LoadModule(ctx context.Context, s StateStore) *ModuleInProgress {
	v, err := s.State(ctx, ModuleKey)
	if err != nil || v == "" {
		if err != nil {
			slog.Error("read module in progress", "err", err)
		}
		return nil
	}
	var m ModuleInProgress
	if err := json.Unmarshal([]byte(v), &m); err != nil || m.LearnerID == "" || m.Module == "" {
		slog.Error("unreadable module in progress; not offered", "err", err)
		return nil
	}
	return &m
}

// ResumeModule makes this visit the learner of the interrupted module m,
// so the module opens at the step they reached. A visit already someone
// else's cannot take it up.
func (v *Visit) ResumeModule(m *ModuleInProgress) error {
	if v.learnerID != "" && v.learnerID != m.LearnerID {
		return errors.New("the interrupted module is another learner's")
	}
	v.learnerID = m.LearnerID
	if m.Code != "" {
		v.code = m.Code
	}
	return nil
}
