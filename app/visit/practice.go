package visit

import (
	"context"
	"fmt"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/sync/event"
)

// Practice is a module being practised during a visit: the module runtime
// (app/learn) tells it each action and each attempt; it journals them and
// traces the mastery of the module's skills (Bayesian knowledge tracing,
// assessment.Mastery).
//
// Events: module.started once, practice.action per action, practice.attempt
// per attempt (with the skill's probability of being known after it), and
// module.mastered the first time a skill of the module reaches
// assessment.MasteryThreshold.
type Practice struct {
	v         *Visit
	sessionID string
	module    string
	mastery   *assessment.Mastery
	mastered  map[string]bool
}

// StartModule journals the start of a module's practice. priors are the
// skills' probabilities of being known before (for example
// assessment.SkillPriors of the learner's last diagnostic); nil uses the
// default prior.
func (v *Visit) StartModule(ctx context.Context, module string, priors map[string]float64) (*Practice, error) {
	m, err := assessment.NewMastery(assessment.DefaultBKT(), priors)
	if err != nil {
		return nil, fmt.Errorf("start module %s: %w", module, err)
	}
	if err := v.ensureLearner(ctx); err != nil {
		return nil, err
	}
	p := &Practice{v: v, sessionID: NewID(), module: module, mastery: m, mastered: map[string]bool{}}
	if err := v.append(ctx, event.TypeSessionStarted, event.SessionStarted{SessionID: p.sessionID, Mode: event.ModeModule,
		Pack: v.cfg.Pack, PackVersion: v.cfg.PackVersion, Language: v.Settings.Language, Module: module}); err != nil {
		return nil, err
	}
	if err := v.append(ctx, event.TypeModuleStarted, event.ModuleStarted{SessionID: p.sessionID, Module: module}); err != nil {
		return nil, err
	}
	return p, nil
}

// Module returns the module practised.
func (p *Practice) Module() string { return p.module }

// Action journals one thing the learner did in a practice sandbox.
func (p *Practice) Action(ctx context.Context, itemID, kind, target, value string, x, y float64) error {
	return p.v.append(ctx, event.TypePracticeAction, event.PracticeAction{SessionID: p.sessionID, Module: p.module,
		ItemID: itemID, Kind: kind, Target: target, Value: value, X: x, Y: y})
}

// Attempt journals how an attempt at a practice item of skill ended and,
// when it is evidence (the module's run decides: only a first attempt is,
// see app/learn/progress.Evidence), updates the skill's mastery. It
// returns the probability the skill is known now and whether this attempt
// made it mastered (journaled once as module.mastered).
func (p *Practice) Attempt(ctx context.Context, itemID, skill string, o assessment.Outcome, hints int, evidence bool, measures map[string]float64) (known float64, newlyMastered bool, err error) {
	known = p.mastery.Known(skill)
	if evidence {
		known = p.mastery.Record(skill, o)
	}
	if err := p.v.append(ctx, event.TypePracticeAttempt, event.PracticeAttempt{SessionID: p.sessionID, Module: p.module,
		ItemID: itemID, Skill: skill, Outcome: OutcomeName(o), Hints: hints, Measures: measures, Known: known}); err != nil {
		return known, false, err
	}
	if p.mastery.Mastered(skill) && !p.mastered[skill] {
		p.mastered[skill] = true
		if err := p.v.append(ctx, event.TypeModuleMastered, event.ModuleMastered{SessionID: p.sessionID, Module: p.module,
			Skill: skill, Known: known}); err != nil {
			return known, true, err
		}
		return known, true, nil
	}
	return known, false, nil
}

// Known returns the probability the learner knows skill now.
func (p *Practice) Known(skill string) float64 { return p.mastery.Known(skill) }
