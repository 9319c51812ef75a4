// Package progress is one learner's way through a module, without any
// user interface: which step is on, how many tries the practice on screen
// had, what to journal at each move and how practice answers change the
// knowledge-tracing (BKT) estimate of each skill. The module player
// (app/learn) renders a Run; tests drive it without a window.
//
// Every move is journaled before it counts (durable first), so a kiosk
// killed or left idle resumes the module at its step (Interrupted).
//
// Package progress never imports Fyne.
package progress

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Event types a module run journals.
const (
	TypeModuleStarted    = "module.started"
	TypeStepDone         = "step.done"
	TypePracticeAnswered = "practice.answered"
	TypePracticeAction   = "practice.action"
	TypeModuleCompleted  = "module.completed"
	// TypeModuleMastered (reserved by the sync protocol) is journaled when a
	// practice answer brings a skill of the module to mastery.
	TypeModuleMastered = journal.TypeModuleMastered
)

// ModuleStarted is the payload of module.started: a module opened at Step
// (0, or the step a resumed module comes back to).
type ModuleStarted struct {
	Module      string `json:"module"`
	Pack        string `json:"pack"`
	PackVersion string `json:"pack_version"`
	Steps       int    `json:"steps"`
	Step        int    `json:"step"`
	Resumed     bool   `json:"resumed,omitempty"`
}

// Step outcomes in step.done.
const (
	OutcomeSeen        = "seen"        // a text step
	OutcomeCorrect     = "correct"     // a practice ended well
	OutcomeSolution    = "solution"    // a practice ended with the solution shown
	OutcomeUnavailable = "unavailable" // a practice this kiosk cannot show
)

// StepDone is the payload of step.done: the learner left step Step going
// forward.
type StepDone struct {
	Module     string `json:"module"`
	Step       int    `json:"step"`
	Grain      string `json:"grain"`
	Item       string `json:"item,omitempty"`
	Outcome    string `json:"outcome"`
	Attempts   int    `json:"attempts,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

// PracticeAnswered is the payload of practice.answered: one attempt at the
// practice of step Step.
type PracticeAnswered struct {
	Module   string `json:"module"`
	Step     int    `json:"step"`
	Item     string `json:"item"`
	Skill    string `json:"skill"`
	Kind     string `json:"kind"`
	Attempt  int    `json:"attempt"`
	Correct  bool   `json:"correct"`
	Hinted   bool   `json:"hinted,omitempty"`
	Response any    `json:"response,omitempty"`
	// Measures come from a sandbox (click_error_px, double_click_ms…).
	Measures map[string]float64 `json:"measures,omitempty"`
	// Known is the skill's probability of being known after this answer;
	// only first attempts move it (see Evidence).
	Known      float64 `json:"known"`
	DurationMS int64   `json:"duration_ms"`
}

// PracticeAction is the payload of practice.action: one thing done in a
// sandbox (the fields of sandbox.Action).
type PracticeAction struct {
	Module string  `json:"module"`
	Step   int     `json:"step"`
	Item   string  `json:"item"`
	Kind   string  `json:"kind"`
	Target string  `json:"target,omitempty"`
	Value  string  `json:"value,omitempty"`
	X      float64 `json:"x,omitempty"`
	Y      float64 `json:"y,omitempty"`
}

// ModuleCompleted is the payload of module.completed.
type ModuleCompleted struct {
	Module string `json:"module"`
	Steps  int    `json:"steps"`
	// Practices counts the practice steps, FirstTry those right at the
	// first attempt.
	Practices  int   `json:"practices"`
	FirstTry   int   `json:"first_try"`
	DurationMS int64 `json:"duration_ms"`
	// Known is each skill's probability of being known at the end.
	Known map[string]float64 `json:"known"`
}

// ModuleMastered is the payload of module.mastered: Skill reached
// assessment.MasteryThreshold during Module.
type ModuleMastered struct {
	Module string  `json:"module"`
	Skill  string  `json:"skill"`
	Known  float64 `json:"known"`
}

// Store durably records events; sync/journal.Journal is one.
type Store interface {
	Append(ctx context.Context, typ, learnerID string, payload any) (journal.Event, error)
}

// Tracker takes a module's practice when the kiosk keeps it elsewhere (the
// visit's practice, which journals attempts and actions in its own events
// and traces mastery): the Run then leaves attempts, actions and mastery to
// it, and journals only its steps (step.done, module.completed).
type Tracker interface {
	Action(ctx context.Context, itemID, kind, target, value string, x, y float64) error
	// Attempt journals how an attempt ended (hints: how many hints were
	// shown before it) and returns the skill's probability of being known.
	// evidence says whether the attempt moves that probability (Evidence
	// decides it, for every practice of the kiosk): when false the
	// tracker journals the attempt and leaves the skill's estimate as is.
	Attempt(ctx context.Context, itemID, skill string, o assessment.Outcome, hints int, evidence bool, measures map[string]float64) (known float64, newlyMastered bool, err error)
	Known(skill string) float64
}

// Options start a Run.
type Options struct {
	// Tracker, when set, takes the practice (see Tracker); module.started is
	// then journaled by whoever made the tracker, not by Start.
	Tracker   Tracker
	Pack      *content.Pack
	Module    *content.Module
	LearnerID string
	Store     Store
	// BKT are the knowledge-tracing parameters; the zero value means
	// assessment.DefaultBKT.
	BKT assessment.BKT
	// Priors are the learner's skills' probabilities of being known before
	// this run: from the diagnostic (assessment.SkillPriors) and from past
	// practice (KnownFrom); missing skills start at BKT.Prior.
	Priors map[string]float64
	// Step is where to start: 0, or the step Interrupted returned.
	Step int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Run is a learner's way through one module. It is not safe for concurrent
// use: the player calls it from the UI goroutine.
type Run struct {
	pack    *content.Pack
	mod     *content.Module
	flow    []content.ModuleStepRef
	learner string
	store   Store
	bkt     assessment.BKT
	mastery *assessment.Mastery
	tracker Tracker
	now     func() time.Time

	step      int
	attempts  int
	ended     string // outcome of the practice on screen, "" while open
	stepStart time.Time
	started   time.Time
	practices int
	firstTry  int
	done      bool
}

// ErrDone is returned by moves made after the module ended.
var ErrDone = errors.New("module already completed")

// Start opens a module at opts.Step and journals module.started.
func Start(ctx context.Context, opts Options) (*Run, error) {
	if opts.Pack == nil || opts.Module == nil || opts.Store == nil {
		return nil, errors.New("start module: pack, module and store are required")
	}
	r := &Run{pack: opts.Pack, mod: opts.Module, flow: opts.Module.Flow(), learner: opts.LearnerID,
		store: opts.Store, bkt: opts.BKT, now: opts.Now, tracker: opts.Tracker}
	if len(r.flow) == 0 {
		return nil, fmt.Errorf("start module %s: it has no step", r.mod.ID)
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.bkt == (assessment.BKT{}) {
		r.bkt = assessment.DefaultBKT()
	}
	m, err := assessment.NewMastery(r.bkt, opts.Priors)
	if err != nil {
		return nil, fmt.Errorf("start module %s: %w", r.mod.ID, err)
	}
	r.mastery = m
	r.step = min(max(opts.Step, 0), len(r.flow)-1)
	r.started, r.stepStart = r.now(), r.now()
	if r.tracker != nil {
		return r, nil
	}
	ev := ModuleStarted{Module: r.mod.ID, Pack: r.pack.Meta.ID, PackVersion: r.pack.Meta.Version,
		Steps: len(r.flow), Step: r.step, Resumed: opts.Step > 0}
	if err := r.append(ctx, TypeModuleStarted, ev); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Run) append(ctx context.Context, typ string, payload any) error {
	if _, err := r.store.Append(ctx, typ, r.learner, payload); err != nil {
		return fmt.Errorf("module %s step %d: journal %s: %w", r.mod.ID, r.step, typ, err)
	}
	return nil
}

// Module returns the module being run.
func (r *Run) Module() *content.Module { return r.mod }

// Pack returns the pack the module comes from.
func (r *Run) Pack() *content.Pack { return r.pack }

// LearnerID returns the learner the run journals for.
func (r *Run) LearnerID() string { return r.learner }

// Mastery returns the knowledge tracing the run updates (unused when a
// Tracker takes the practice).
func (r *Run) Mastery() *assessment.Mastery { return r.mastery }

// known returns the skill's probability of being known, from the tracker
// when there is one.
func (r *Run) known(skill string) float64 {
	if r.tracker != nil {
		return r.tracker.Known(skill)
	}
	return r.mastery.Known(skill)
}

// Index returns the step on screen, from 0; Len the number of steps.
func (r *Run) Index() int { return r.step }

// Len returns the number of steps of the module.
func (r *Run) Len() int { return len(r.flow) }

// Current returns the step on screen.
func (r *Run) Current() content.ModuleStepRef { return r.flow[r.step] }

// Done reports whether the module is completed.
func (r *Run) Done() bool { return r.done }

// Item returns the item of the step on screen, when it is a practice.
func (r *Run) Item() (*content.Item, bool) {
	s := r.Current()
	if !s.IsPractice() {
		return nil, false
	}
	return r.pack.Item(s.Practice)
}

// Attempts returns how many answers the practice on screen had.
func (r *Run) Attempts() int { return r.attempts }

// Hints reports whether the step on screen may show hints: not in a
// challenge.
func (r *Run) Hints() bool { return r.Current().Kind != content.GrainChallenge }

// Verdict says what the player shows after an answer.
type Verdict int

// Verdicts after an answer.
const (
	// Right: say the item's positive feedback, then Continuer.
	Right Verdict = iota
	// Retry: say the feedback after a miss and offer Réessayer.
	Retry
	// RetryWithHint: the second miss; show and say the hint, offer Réessayer.
	RetryWithHint
	// Solution: the third miss; show and say the solution, then Continuer.
	Solution
)

// MaxAttempts is the attempt after which the solution is shown.
const MaxAttempts = 3

// Evidence reports whether the attempt-th attempt (from 1) at a practice
// step moves the skill's knowledge-tracing (BKT) estimate. It is the one
// mastery rule of practice, with or without a Tracker: only the first
// attempt counts. A retry comes after the feedback, the second after the
// hint, the third is followed by the solution: they measure how well the
// learner follows help, not whether they knew the skill, and counting
// them would let three tries at one practice (right on the third) look
// like progress a first try did not show.
func Evidence(attempt int) bool { return attempt == 1 }

// Answer journals one attempt at the practice on screen and returns what
// to show. Only an attempt that is Evidence updates the skill's BKT
// estimate.
func (r *Run) Answer(ctx context.Context, correct bool, response any, measures map[string]float64) (Verdict, error) {
	if r.done {
		return Right, ErrDone
	}
	it, ok := r.Item()
	if !ok {
		return Right, fmt.Errorf("module %s step %d: answer on a step without practice", r.mod.ID, r.step)
	}
	if r.ended != "" {
		return r.verdict(), nil
	}
	attempt := r.attempts + 1
	if r.tracker != nil {
		return r.track(ctx, it, attempt, correct, measures)
	}
	known := r.mastery.Known(it.Skill)
	first := Evidence(attempt)
	if first {
		o := assessment.Incorrect
		if correct {
			o = assessment.Correct
		}
		known = r.bkt.Update(known, o)
	}
	ev := PracticeAnswered{Module: r.mod.ID, Step: r.step, Item: it.ID, Skill: it.Skill, Kind: it.Kind,
		Attempt: attempt, Correct: correct, Hinted: attempt > 2 && r.Hints(), Response: response, Measures: measures,
		Known: known, DurationMS: r.now().Sub(r.stepStart).Milliseconds()}
	if err := r.append(ctx, TypePracticeAnswered, ev); err != nil {
		return Retry, err
	}
	r.attempts = attempt
	if first {
		wasMastered := r.mastery.Mastered(it.Skill)
		o := assessment.Incorrect
		if correct {
			o = assessment.Correct
		}
		known = r.mastery.Record(it.Skill, o) // the same update as above, now durable
		r.practices++
		if correct {
			r.firstTry++
		}
		if !wasMastered && r.mastery.Mastered(it.Skill) {
			if err := r.append(ctx, TypeModuleMastered, ModuleMastered{Module: r.mod.ID, Skill: it.Skill, Known: known}); err != nil {
				return Right, err
			}
		}
	}
	r.close(correct)
	return r.verdict(), nil
}

// track hands an attempt to the tracker.
func (r *Run) track(ctx context.Context, it *content.Item, attempt int, correct bool, measures map[string]float64) (Verdict, error) {
	o := assessment.Incorrect
	if correct {
		o = assessment.Correct
	}
	hints := 0
	if attempt > 2 && r.Hints() {
		hints = 1
	}
	if _, _, err := r.tracker.Attempt(ctx, it.ID, it.Skill, o, hints, Evidence(attempt), measures); err != nil {
		return Retry, fmt.Errorf("module %s step %d: %w", r.mod.ID, r.step, err)
	}
	r.attempts = attempt
	if attempt == 1 {
		r.practices++
		if correct {
			r.firstTry++
		}
	}
	r.close(correct)
	return r.verdict(), nil
}

// close ends the practice on screen after a right answer or the last try.
func (r *Run) close(correct bool) {
	switch {
	case correct:
		r.ended = OutcomeCorrect
	case r.attempts >= MaxAttempts:
		r.ended = OutcomeSolution
	}
}

func (r *Run) verdict() Verdict {
	switch {
	case r.ended == OutcomeCorrect:
		return Right
	case r.ended == OutcomeSolution:
		return Solution
	case r.attempts == 2 && r.Hints():
		return RetryWithHint
	}
	return Retry
}

// Action journals one action done in the sandbox on screen.
func (r *Run) Action(ctx context.Context, a PracticeAction) error {
	it, _ := r.Item()
	a.Module, a.Step = r.mod.ID, r.step
	if it != nil {
		a.Item = it.ID
	}
	if r.tracker != nil {
		return r.tracker.Action(ctx, a.Item, a.Kind, a.Target, a.Value, a.X, a.Y)
	}
	return r.append(ctx, TypePracticeAction, a)
}

// CanContinue reports whether Continuer may leave the step: always on a
// text step; on a practice once it ended (right, or solution shown), or
// when the kiosk cannot show it (unavailable).
func (r *Run) CanContinue(unavailable bool) bool {
	_, practice := r.Item()
	return !practice || r.ended != "" || unavailable
}

// Next journals step.done and moves to the next step; after the last one
// it journals module.completed and reports done. unavailable marks a
// practice the kiosk could not show.
func (r *Run) Next(ctx context.Context, unavailable bool) (done bool, err error) {
	if r.done {
		return true, ErrDone
	}
	s := r.Current()
	ev := StepDone{Module: r.mod.ID, Step: r.step, Grain: s.Kind, Item: s.Practice, Outcome: OutcomeSeen,
		Attempts: r.attempts, DurationMS: r.now().Sub(r.stepStart).Milliseconds()}
	if s.IsPractice() {
		switch {
		case r.ended != "":
			ev.Outcome = r.ended
		case unavailable:
			ev.Outcome = OutcomeUnavailable
		default:
			return false, fmt.Errorf("module %s step %d: the practice is not finished", r.mod.ID, r.step)
		}
	}
	if err := r.append(ctx, TypeStepDone, ev); err != nil {
		return false, err
	}
	if r.step == len(r.flow)-1 {
		known := map[string]float64{}
		for _, sk := range r.mod.Skills {
			known[sk] = r.known(sk)
		}
		c := ModuleCompleted{Module: r.mod.ID, Steps: len(r.flow), Practices: r.practices, FirstTry: r.firstTry,
			DurationMS: r.now().Sub(r.started).Milliseconds(), Known: known}
		if err := r.append(ctx, TypeModuleCompleted, c); err != nil {
			return false, err
		}
		r.done = true
		return true, nil
	}
	r.enter(r.step + 1)
	return false, nil
}

// Back goes to the step before, if any; it is not journaled (resuming
// comes back to the furthest step reached).
func (r *Run) Back() bool {
	if r.done || r.step == 0 {
		return false
	}
	r.enter(r.step - 1)
	return true
}

// Retry opens a new attempt at the practice on screen after a miss.
func (r *Run) Retry() {
	r.stepStart = r.now()
}

func (r *Run) enter(step int) {
	r.step, r.attempts, r.ended, r.stepStart = step, 0, "", r.now()
}

// Known returns the module's skills with their probability of being known.
func (r *Run) Known() map[string]float64 {
	out := map[string]float64{}
	for _, s := range r.mod.Skills {
		out[s] = r.known(s)
	}
	return out
}

// Mastered returns the module's skills that reached mastery.
func (r *Run) Mastered() []string {
	var out []string
	for _, s := range r.mod.Skills {
		if r.known(s) >= assessment.MasteryThreshold {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}
