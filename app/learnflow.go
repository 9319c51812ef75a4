package app

import (
	"context"
	"log/slog"

	"fyne.io/fyne/v2"

	"github.com/tremplin-numerique/tremplin/app/learn"
	learnprogress "github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
)

// learnHost is what the module player needs of the kiosk (learn.Host).
type learnHost struct{ k *Kiosk }

func (h learnHost) T(key string, args ...string) string { return h.k.cat.T(key, args...) }

// Say says texts one after the other when the voice can tell it finished
// (Config.Speaking); otherwise each stops the one before.
func (h learnHost) Say(texts ...string) { h.k.sequence().Say(texts...) }
func (h learnHost) Stop()               { h.k.sequence().Stop() }
func (h learnHost) Slower() bool        { return h.k.visit.Settings.Slower }
func (h learnHost) SetSlower(on bool) {
	h.k.visit.Settings.Slower = on
	h.k.applySettings()
}
func (h learnHost) Resource(name string) fyne.Resource { return h.k.resource(name) }
func (h learnHost) Touched()                           { h.k.touch() }

// voiceSpeaker lends the kiosk's voice to a learn.Sequence.
type voiceSpeaker struct{ k *Kiosk }

func (v voiceSpeaker) Say(text string) { v.k.cfg.Voice.Say(text) }
func (v voiceSpeaker) Stop()           { v.k.cfg.Voice.Stop() }
func (v voiceSpeaker) Speaking() bool {
	return v.k.cfg.Speaking != nil && v.k.cfg.Speaking()
}

func (k *Kiosk) sequence() *learn.Sequence {
	if k.seq == nil {
		k.seq = learn.NewSequence(voiceSpeaker{k})
	}
	return k.seq
}

// showLearn shows the modules grid ("Apprendre"), on domain's modules ("":
// the first domain).
func (k *Kiosk) showLearn(domain string) {
	show := k.Welcome.showError
	if _, err := k.pack(); err != nil {
		slog.Error("load content", "err", err)
		show(k.cat.T("error.pack", "path", "", "err", err.Error()))
		return
	}
	k.clearScreens()
	k.cfg.Voice.Stop()
	g := learn.NewGrid(learnHost{k}, k.cfg.Pack, domain)
	g.OnOpen = func(m *content.Module) { k.openModule(m) }
	g.OnHome = k.EndVisit
	k.LearnGrid = g
	k.touch()
	k.win.SetContent(g.View())
}

// practiseSkill opens the module that teaches skill ("Je m'entraîne" on
// the results).
func (k *Kiosk) practiseSkill(skill string) {
	if ms := k.cfg.Pack.ModulesFor(skill); len(ms) > 0 {
		k.openModule(ms[0])
	}
}

// openModule starts module m for the visitor, at the step they left it at
// if they left it unfinished.
func (k *Kiosk) openModule(m *content.Module) {
	ctx := context.Background()
	if _, err := k.pack(); err != nil {
		slog.Error("load content", "err", err)
		return
	}
	practice, err := k.visit.StartModule(ctx, m.ID, k.skillPriors())
	if err != nil {
		k.saveFailed(err, func(string) {})
		return
	}
	step := 0
	if in, ok, err := learnprogress.Interrupted(ctx, k.cfg.Journal, k.visit.LearnerID()); err == nil && ok && in.Module == m.ID {
		step = in.Step
	}
	run, err := learnprogress.Start(ctx, learnprogress.Options{Pack: k.cfg.Pack, Module: m, LearnerID: k.visit.LearnerID(),
		Store: k.cfg.Journal, Tracker: practice, Step: step, Now: k.now})
	if err != nil {
		k.saveFailed(err, func(string) {})
		return
	}
	k.clearScreens()
	k.cfg.Voice.Stop()
	p := learn.NewPlayer(learnHost{k}, run, learn.Options{Seed: k.visit.Seed(), Now: k.now, OnMove: k.saveModule})
	p.OnQuit = func() { k.ShowWelcome() }
	p.OnOther = func() { k.showLearn(m.Domain) }
	p.OnHome = k.EndVisit
	p.OnRetake = k.retakeDomain
	k.Learn = p
	k.touch()
	k.win.SetContent(p.View())
}

// skillPriors seeds knowledge tracing from the visitor's last diagnostic,
// when there is one.
func (k *Kiosk) skillPriors() map[string]float64 {
	last := k.visit.Last()
	if last == nil {
		return nil
	}
	priors, err := assessment.SkillPriors(ItemBank(k.cfg.Pack), last.Results)
	if err != nil {
		slog.Warn("skill priors", "err", err)
		return nil
	}
	return priors
}

// retakeDomain starts a diagnostic of one domain's questions, after a
// module of that domain.
func (k *Kiosk) retakeDomain(domain string) {
	var bank []assessment.Item
	for _, it := range ItemBank(k.cfg.Pack) {
		if it.Domain == domain {
			bank = append(bank, it)
		}
	}
	seed := k.seeds.Uint64()
	cfg := assessment.ConfigForBank(bank)
	cfg.DomainPriors, _ = k.learntPriors() // one domain: no joint prior over the others
	diag, err := assessment.NewDiagnostic(bank, cfg, int64(seed))
	if err != nil {
		slog.Error("start domain diagnostic", "domain", domain, "err", err)
		return
	}
	if err := k.visit.StartDiagnostic(context.Background(), diag, seed); err != nil {
		k.saveFailed(err, func(string) {})
		return
	}
	k.next()
}
