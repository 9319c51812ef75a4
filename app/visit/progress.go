package visit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// How long an interrupted diagnostic (the kiosk closed, the computer
// restarted) can be taken up again. An anonymous visitor's is offered on
// the welcome screen for ResumeWithin only, so the next visitor of a shared
// computer is rarely offered someone else's test; a learner with a picture
// code resumes only after typing it, for ResumeWithCode.
const (
	ResumeWithin   = 10 * time.Minute
	ResumeWithCode = 24 * time.Hour
)

// ProgressKey is the journal state key holding the diagnostic in progress.
const ProgressKey = "kiosk.session"

// Interrupted is the diagnostic in progress, saved after every answer so a
// killed kiosk loses nothing of it.
type Interrupted struct {
	LearnerID   string          `json:"learner_id"`
	SessionID   string          `json:"session_id"`
	Seed        uint64          `json:"seed,omitempty"`
	Pack        string          `json:"pack"`
	PackVersion string          `json:"pack_version"`
	SavedAt     time.Time       `json:"saved_at"`
	State       json.RawMessage `json:"state"`
	// Code is the learner's picture code: resuming asks for it.
	Code string `json:"code,omitempty"`
	// Answered counts the answers saved.
	Answered int `json:"answered,omitempty"`
}

// Resumable reports whether in may still be taken up at now: anonymous
// within ResumeWithin, with a code within ResumeWithCode.
func (in *Interrupted) Resumable(now time.Time) bool {
	limit := ResumeWithin
	if in.Code != "" {
		limit = ResumeWithCode
	}
	age := now.Sub(in.SavedAt)
	return age >= 0 && age <= limit
}

// saveProgress keeps the diagnostic in progress in the journal's state. The
// answers themselves are already journaled: a failure here only costs the
// offer to resume, so it is logged, not returned.
func (v *Visit) saveProgress(ctx context.Context) {
	s := v.sess
	state, err := s.Diag.MarshalState()
	if err != nil {
		slog.Error("save visit in progress", "err", err)
		return
	}
	in := Interrupted{LearnerID: v.learnerID, SessionID: s.ID, Seed: s.Seed, Pack: v.cfg.Pack, PackVersion: v.cfg.PackVersion,
		SavedAt: v.cfg.Now(), State: state, Code: v.code, Answered: s.Answered}
	if err := v.cfg.Journal.SetState(ctx, ProgressKey, marshal(in)); err != nil {
		slog.Error("save visit in progress", "err", err)
	}
}

// SaveProgress saves the diagnostic in progress again (after a code was
// given mid-visit, so resuming asks for it).
func (v *Visit) SaveProgress(ctx context.Context) {
	if v.sess != nil {
		v.saveProgress(ctx)
	}
}

func (v *Visit) clearProgress(ctx context.Context) { ClearProgress(ctx, v.cfg.Journal) }

// ClearProgress forgets the saved diagnostic in progress.
func ClearProgress(ctx context.Context, s StateStore) {
	if err := s.SetState(ctx, ProgressKey, ""); err != nil {
		slog.Error("clear visit in progress", "err", err)
	}
}

// LoadInterrupted returns the diagnostic a previous run left unfinished, or
// nil.
func LoadInterrupted(ctx context.Context, s StateStore) *Interrupted {
	v, err := s.State(ctx, ProgressKey)
	if err != nil || v == "" {
		if err != nil {
			slog.Error("read visit in progress", "err", err)
		}
		return nil
	}
	var in Interrupted
	if err := json.Unmarshal([]byte(v), &in); err != nil || in.SessionID == "" {
		slog.Error("unreadable visit in progress; not offered", "err", err)
		return nil
	}
	return &in
}

// PauseInterrupted journals an interrupted diagnostic nobody took up as a
// paused session (its state kept for mediators), then forgets it.
func PauseInterrupted(ctx context.Context, j Journal, in *Interrupted, reason string) {
	p := event.SessionPaused{SessionID: in.SessionID, Items: in.Answered, Reason: reason, State: string(in.State)}
	if _, err := j.Append(ctx, event.TypeSessionPaused, in.LearnerID, p); err != nil {
		slog.Error("record interrupted session", "err", err)
	}
	ClearProgress(ctx, j)
}

// Restorer rebuilds a diagnostic from its saved state over the pack in use.
type Restorer func(state json.RawMessage) (*assessment.Diagnostic, error)

// Resume takes up the interrupted diagnostic in this visit: restored as it
// was saved, plus any answer journaled after the save (the kiosk may have
// stopped between an answer and the save). The pack must be the one it was
// saved with.
func (v *Visit) Resume(ctx context.Context, in *Interrupted, restore Restorer) error {
	if in.Pack != v.cfg.Pack || in.PackVersion != v.cfg.PackVersion {
		return fmt.Errorf("saved with pack %s %s, now %s %s", in.Pack, in.PackVersion, v.cfg.Pack, v.cfg.PackVersion)
	}
	d, err := restore(in.State)
	if err != nil {
		return err
	}
	var mine []event.AnswerRecorded
	err = v.cfg.Journal.Each(ctx, journal.Filter{LearnerID: in.LearnerID, Type: event.TypeAnswerRecorded}, func(ev journal.Event) error {
		var a event.AnswerRecorded
		if event.DecodeInto(ev.Payload, &a) == nil && a.SessionID == in.SessionID {
			mine = append(mine, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	held := d.Answers()
	if len(mine) < len(held) {
		return errors.New("the journal holds fewer answers than the saved state")
	}
	for i, a := range mine[len(held):] {
		o, ok := OutcomeByName(a.Outcome)
		if !ok {
			return fmt.Errorf("answer %d: unknown outcome %q", len(held)+i+1, a.Outcome)
		}
		if err := d.Record(a.ItemID, o); err != nil {
			return fmt.Errorf("answer %d: %w", len(held)+i+1, err)
		}
	}
	if v.learnerID != "" && v.learnerID != in.LearnerID {
		return errors.New("the interrupted diagnostic is another learner's")
	}
	v.learnerID = in.LearnerID
	if in.Code != "" {
		v.code = in.Code
	}
	if err := v.append(ctx, event.TypeSessionResumed, event.SessionResumed{SessionID: in.SessionID, Items: d.Len()}); err != nil {
		return err
	}
	seed := in.Seed
	if seed == 0 { // saved by an older kiosk
		seed = v.cfg.Seed
	}
	v.sess = &Session{ID: in.SessionID, Seed: seed, Diag: d, Asked: d.Len(), Answered: d.Len(), retake: len(v.history) > 0,
		DomainAsked: map[string]int{}}
	for _, a := range mine {
		v.sess.DomainAsked[a.Domain]++
	}
	v.saveProgress(ctx)
	return nil
}
