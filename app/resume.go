package app

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/tremplin-numerique/tremplin/app/visit"
	"github.com/tremplin-numerique/tremplin/assessment"
)

// ResumeWithin is how long an anonymous visitor's interrupted diagnostic
// is offered on the welcome screen (visit.ResumeWithin); a learner with a
// picture code resumes from their space, after typing it.
const ResumeWithin = visit.ResumeWithin

// TypeSessionResumed is journaled when an interrupted visit is taken up
// again.
const TypeSessionResumed = "session.resumed"

// pauseInterrupted journals an interrupted diagnostic nobody took up as a
// paused session, then forgets it.
func (k *Kiosk) pauseInterrupted(reason string, in *visit.Interrupted) {
	visit.PauseInterrupted(context.Background(), k.cfg.Journal, in, reason)
	k.interrupted = nil
}

// offeredOnWelcome reports whether the welcome screen offers to resume:
// only an anonymous visitor's diagnostic; one with a code asks for it.
func (k *Kiosk) offeredOnWelcome() bool {
	return k.interrupted != nil && k.interrupted.Code == "" && k.interrupted.Resumable(k.now())
}

// resume takes up the interrupted diagnostic in the current visit.
func (k *Kiosk) resume() {
	in := k.interrupted
	show := func(msg string) {
		if k.Space != nil {
			k.Space.showError(msg)
		} else if k.Welcome != nil {
			k.Welcome.showError(msg)
		}
	}
	if in == nil {
		return
	}
	if !in.Resumable(k.now()) {
		k.ShowWelcome() // expired while on screen: no longer offered
		return
	}
	if in.Code != "" && k.visit.Code() != in.Code {
		return // only its learner, after typing their code
	}
	p, err := k.pack()
	if err != nil {
		slog.Error("load content", "err", err)
		show(k.cat.T("error.pack", "path", "", "err", err.Error()))
		return
	}
	restore := func(state json.RawMessage) (*assessment.Diagnostic, error) {
		return assessment.RestoreDiagnostic(ItemBank(p), state)
	}
	if err := k.visit.Resume(context.Background(), in, restore); err != nil {
		slog.Error("resume interrupted visit; starting afresh", "session", in.SessionID, "err", err)
		k.pauseInterrupted("unresumable", in)
		show(k.cat.T("resume.failed"))
		if k.Welcome != nil {
			k.Welcome.Resume.Hide()
		}
		if k.Space != nil {
			k.Space.Resume.Hide()
		}
		return
	}
	k.interrupted = nil
	k.next()
}
