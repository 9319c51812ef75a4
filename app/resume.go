package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// ResumeWithin is how long after its last answer an interrupted visit (the
// kiosk closed, the computer restarted) can be taken up again from the
// welcome screen: long enough for a restart, short enough that the next
// visitor of a shared computer is not offered someone else's test.
const ResumeWithin = 30 * time.Minute

// TypeSessionResumed is journaled when an interrupted visit is taken up
// again.
const TypeSessionResumed = "session.resumed"

// sessionKey is the journal state key holding the visit in progress.
const sessionKey = "kiosk.session"

// savedSession is the visit in progress, saved after every answer so that
// a killed kiosk loses nothing of it.
type savedSession struct {
	LearnerID   string          `json:"learner_id"`
	SessionID   string          `json:"session_id"`
	Seed        uint64          `json:"seed,omitempty"`
	Pack        string          `json:"pack"`
	PackVersion string          `json:"pack_version"`
	SavedAt     time.Time       `json:"saved_at"`
	State       json.RawMessage `json:"state"`
}

// stateStore is the part of *journal.Journal that keeps small settings.
type stateStore interface {
	State(ctx context.Context, key string) (string, error)
	SetState(ctx context.Context, kv ...string) error
}

type stateMarshaler interface {
	MarshalState() ([]byte, error)
}

// saveSession keeps the visit in progress in the journal's state. The
// answers themselves are already journaled: a failure here only costs the
// offer to resume, so it is logged, not shown.
func (k *Kiosk) saveSession() {
	s := k.session
	st, ok := k.cfg.Journal.(stateStore)
	m, ok2 := s.diag.(stateMarshaler)
	if !ok || !ok2 || k.cfg.Pack == nil {
		return
	}
	state, err := m.MarshalState()
	if err != nil {
		slog.Error("save visit in progress", "err", err)
		return
	}
	b, err := json.Marshal(savedSession{LearnerID: s.learnerID, SessionID: s.sessionID, Seed: s.seed,
		Pack: k.cfg.Pack.Meta.ID, PackVersion: k.cfg.Pack.Meta.Version, SavedAt: k.now(), State: state})
	if err == nil {
		err = st.SetState(context.Background(), sessionKey, string(b))
	}
	if err != nil {
		slog.Error("save visit in progress", "err", err)
	}
}

// clearSession forgets the saved visit: it is over, or its state went to
// the journal as a paused session.
func (k *Kiosk) clearSession() {
	k.interrupted = nil
	if st, ok := k.cfg.Journal.(stateStore); ok {
		if err := st.SetState(context.Background(), sessionKey, ""); err != nil {
			slog.Error("clear visit in progress", "err", err)
		}
	}
}

// loadInterrupted returns the visit a previous run of the kiosk left
// unfinished, if it can still be resumed.
func (k *Kiosk) loadInterrupted() *savedSession {
	st, ok := k.cfg.Journal.(stateStore)
	if !ok {
		return nil
	}
	v, err := st.State(context.Background(), sessionKey)
	if err != nil || v == "" {
		if err != nil {
			slog.Error("read visit in progress", "err", err)
		}
		return nil
	}
	var s savedSession
	if err := json.Unmarshal([]byte(v), &s); err != nil || s.SessionID == "" {
		slog.Error("unreadable visit in progress; not offered", "err", err)
		return nil
	}
	return &s
}

// resumable reports whether s may be offered on the welcome screen now.
func (k *Kiosk) resumable(s *savedSession) bool {
	age := k.now().Sub(s.SavedAt)
	return age >= 0 && age <= ResumeWithin
}

// pauseInterrupted journals an interrupted visit nobody took up again as a
// paused session (its state kept for mediators), then forgets it.
func (k *Kiosk) pauseInterrupted(s *savedSession, reason string) {
	payload := map[string]any{"session_id": s.SessionID, "reason": reason, "state": string(s.State)}
	if _, err := k.cfg.Journal.Append(context.Background(), TypeSessionPaused, s.LearnerID, payload); err != nil {
		slog.Error("record interrupted session", "err", err)
	}
	k.clearSession()
}

// resume takes up the interrupted visit: the diagnostic restored exactly as
// it was, plus any answer journaled after its last save.
func (k *Kiosk) resume() {
	s := k.interrupted
	if s == nil {
		return
	}
	if !k.resumable(s) {
		k.ShowWelcome() // expired while on screen: no longer offered
		return
	}
	if _, err := k.pack(); err != nil {
		slog.Error("load content", "err", err)
		k.Welcome.showError(k.cat.T("error.pack", "path", "", "err", err.Error()))
		return
	}
	diag, asked, err := k.restore(s)
	if err != nil {
		slog.Error("resume interrupted visit; starting afresh", "session", s.SessionID, "err", err)
		k.pauseInterrupted(s, "unresumable")
		k.Welcome.showError(k.cat.T("resume.failed"))
		k.Welcome.Resume.Hide()
		return
	}
	if _, err := k.cfg.Journal.Append(context.Background(), TypeSessionResumed, s.LearnerID, map[string]any{
		"session_id": s.SessionID, "items": asked,
	}); err != nil {
		k.saveFailed(err, k.Welcome.showError)
		return
	}
	k.interrupted = nil
	seed := s.Seed
	if seed == 0 { // saved by an older kiosk
		seed = k.seeds.Uint64()
	}
	k.session = &session{learnerID: s.LearnerID, sessionID: s.SessionID, seed: seed, diag: diag, asked: asked,
		domainAsked: map[string]int{}}
	for _, a := range diag.Answers() {
		if it, ok := k.cfg.Pack.Item(a.Item); ok {
			k.session.domainAsked[it.Domain]++
		}
	}
	k.saveSession()
	k.next()
}

// restore rebuilds the saved diagnostic over the current pack and records
// the session's journaled answers it does not hold yet (the kiosk may have
// stopped between an answer and the save).
func (k *Kiosk) restore(s *savedSession) (*assessment.Diagnostic, int, error) {
	p := k.cfg.Pack
	if p.Meta.ID != s.Pack || p.Meta.Version != s.PackVersion {
		return nil, 0, fmt.Errorf("saved with pack %s %s, now %s %s", s.Pack, s.PackVersion, p.Meta.ID, p.Meta.Version)
	}
	d, err := assessment.RestoreDiagnostic(ItemBank(p), s.State)
	if err != nil {
		return nil, 0, err
	}
	r, ok := k.cfg.Journal.(eventReader)
	if !ok {
		return d, d.Len(), nil
	}
	var answers []journal.Event
	err = r.Each(context.Background(), journal.Filter{LearnerID: s.LearnerID, Type: journal.TypeAnswerRecorded}, func(ev journal.Event) error {
		answers = append(answers, ev)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	var mine []answerPayload
	for _, ev := range answers {
		var a answerPayload
		if json.Unmarshal(ev.Payload, &a) == nil && a.SessionID == s.SessionID {
			mine = append(mine, a)
		}
	}
	held := d.Answers()
	if len(mine) < len(held) {
		return nil, 0, errors.New("the journal holds fewer answers than the saved state")
	}
	for i, a := range mine[len(held):] {
		o, ok := outcomeByName[a.Outcome]
		if !ok {
			return nil, 0, fmt.Errorf("answer %d: unknown outcome %q", len(held)+i+1, a.Outcome)
		}
		if err := d.Record(a.ItemID, o); err != nil {
			return nil, 0, fmt.Errorf("answer %d: %w", len(held)+i+1, err)
		}
	}
	return d, d.Len(), nil
}

// answerPayload is what resume reads back of an answer.recorded event.
type answerPayload struct {
	SessionID string `json:"session_id"`
	ItemID    string `json:"item_id"`
	Outcome   string `json:"outcome"`
}
