package app

import (
	"context"
	"log/slog"

	learnprogress "github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/app/visit"
)

// Resuming a module after a kill. A learner with a picture code finds
// their unfinished module again from their space (learnprogress.Interrupted
// reads the journal for their learner id); an anonymous visitor has nothing
// to type, so, as for an interrupted diagnostic, the kiosk keeps the module
// being played in the journal's state (visit.ModuleKey) and the welcome
// screen offers "Reprendre mon module" for visit.ResumeWithin.

// saveModule keeps where the visitor is in a module after each move of the
// player, and forgets it once the module is completed.
func (k *Kiosk) saveModule(run *learnprogress.Run) {
	ctx := context.Background()
	if run.Done() {
		visit.ClearModule(ctx, k.cfg.Journal)
		return
	}
	k.visit.SaveModule(ctx, run.Module().ID, run.Index())
}

// loadModuleLeft finds the module an anonymous visitor was playing when the
// kiosk stopped; an offer that expired is forgotten.
func (k *Kiosk) loadModuleLeft() {
	if k.visit.LearnerID() != "" {
		// This visitor started something of their own (or pressed
		// J'arrête in their module): nothing left by someone else to offer.
		k.moduleLeft = nil
		return
	}
	if k.moduleLeft == nil {
		k.moduleLeft = visit.LoadModule(context.Background(), k.cfg.Journal)
	}
	if m := k.moduleLeft; m != nil && (m.Code != "" || !m.Resumable(k.now())) {
		// A coded learner resumes from their space, after typing their
		// code; an expired offer must not reach the next visitor.
		if m.Code == "" {
			visit.ClearModule(context.Background(), k.cfg.Journal)
		}
		k.moduleLeft = nil
	}
}

// forgetModuleLeft forgets the saved module when its visitor leaves (the
// visit ends), so the next visitor is not offered it.
func (k *Kiosk) forgetModuleLeft() {
	ctx := context.Background()
	if id := k.visit.LearnerID(); id != "" {
		if m := visit.LoadModule(ctx, k.cfg.Journal); m != nil && m.LearnerID == id && m.Code == "" {
			visit.ClearModule(ctx, k.cfg.Journal)
		}
	}
}

// moduleOfferedOnWelcome reports whether the welcome screen offers to
// resume an anonymous visitor's module.
func (k *Kiosk) moduleOfferedOnWelcome() bool {
	m := k.moduleLeft
	if m == nil || !m.Resumable(k.now()) {
		return false
	}
	if k.cfg.Pack == nil {
		return true // the pack loads when taken up
	}
	_, ok := k.cfg.Pack.Module(m.Module)
	return ok
}

// resumeModule takes up the module left, at the step its visitor reached.
func (k *Kiosk) resumeModule() {
	m := k.moduleLeft
	if m == nil {
		return
	}
	if !m.Resumable(k.now()) {
		k.ShowWelcome() // expired while on screen: no longer offered
		return
	}
	p, err := k.pack()
	if err != nil {
		slog.Error("load content", "err", err)
		k.Welcome.showError(k.cat.T("error.pack", "path", "", "err", err.Error()))
		return
	}
	mod, ok := p.Module(m.Module)
	if !ok {
		slog.Warn("module left is not in the pack any more", "module", m.Module)
		k.moduleLeft = nil
		visit.ClearModule(context.Background(), k.cfg.Journal)
		k.ShowWelcome()
		return
	}
	if err := k.visit.ResumeModule(m); err != nil {
		slog.Error("resume module", "module", m.Module, "err", err)
		k.Welcome.showError(k.cat.T("resume.failed"))
		return
	}
	k.moduleLeft = nil
	k.openModule(mod)
}
