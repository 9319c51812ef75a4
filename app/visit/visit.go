// Package visit owns one visitor's pass at the kiosk: who they are
// (anonymous, or a learner who came back with their picture code), their
// settings (language, volume, mute, slower voice), the diagnostic they take,
// what they practise, and every event journaled about them. Screens are thin
// views of a Visit: they tell it what the visitor did and show what it says.
// A new visitor gets a new Visit, so nothing of the previous one survives.
//
// Package visit never imports Fyne (TestNoFyne checks it) and reaches the
// journal only through the small interfaces below.
package visit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Appender durably records events; Append returns once the event is on disk.
type Appender interface {
	Append(ctx context.Context, typ, learnerID string, payload any) (journal.Event, error)
}

// StateStore keeps small device settings (never synced).
type StateStore interface {
	State(ctx context.Context, key string) (string, error)
	SetState(ctx context.Context, kv ...string) error
}

// Reader reads the journal back, and names the device it belongs to (picture
// codes are per device).
type Reader interface {
	Each(ctx context.Context, f journal.Filter, fn func(journal.Event) error) error
	DeviceID() string
}

// Journal is everything the kiosk needs of the journal; *journal.Journal
// is one. A fake lacking a method does not compile.
type Journal interface {
	Appender
	StateStore
	Reader
}

// Diagnostic is what a visit needs of an adaptive diagnostic.
type Diagnostic interface {
	Next() (itemID string, ok bool)
	Record(itemID string, o assessment.Outcome) error
	Results() []assessment.DomainResult
	// MarshalState returns the diagnostic's resumable state.
	MarshalState() ([]byte, error)
}

// Settings are a visitor's own choices. Every new visit starts from the
// kiosk's defaults: a visitor who cannot read never meets a silent kiosk in
// English left by the previous one.
type Settings struct {
	Language string
	Volume   float64
	Muted    bool
	Slower   bool
}

// Item is what a visit journals of a question answered.
type Item struct {
	ID, Skill, Domain, Kind string
}

// Config is what a visit runs on.
type Config struct {
	Journal Journal
	// Defaults are the settings every visit starts with.
	Defaults Settings
	// Seed fixes the visit's random choices (diagnostic draws, choice order).
	Seed uint64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Pack and PackVersion name the content in use, journaled with each session.
	Pack, PackVersion string
	// Codes is the device's picture-code index, kept by the kiosk across
	// visits; nil reads the journal at each look-up.
	Codes func(ctx context.Context) (*learners.Index, error)
}

// Visit is one visitor's pass.
type Visit struct {
	cfg Config
	// Settings are the visitor's current settings.
	Settings Settings

	learnerID string
	returning bool // came back with a code
	code      string
	history   []learners.Diagnostic
	learner   learners.Learner // as folded when they came back
	sess      *Session
	last      *Finished
	warmedUp  bool // the mouse warm-up was shown in this visit
}

// Session is the diagnostic in progress.
type Session struct {
	ID   string
	Seed uint64
	Diag Diagnostic
	// Asked counts the questions shown, Answered those answered.
	Asked, Answered int
	// DomainAsked counts the questions shown per domain (the kiosk's
	// progress dots).
	DomainAsked map[string]int
	retake      bool
}

// New starts a visit for a new, anonymous visitor.
func New(cfg Config) *Visit {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Visit{cfg: cfg, Settings: cfg.Defaults}
}

// Seed returns the visit's seed.
func (v *Visit) Seed() uint64 { return v.cfg.Seed }

// SetPack names the content in use, once it is loaded.
func (v *Visit) SetPack(id, version string) { v.cfg.Pack, v.cfg.PackVersion = id, version }

// LearnerID returns the visitor's learner id, "" before anything was journaled.
func (v *Visit) LearnerID() string { return v.learnerID }

// Returning reports whether the visitor came back with their picture code.
func (v *Visit) Returning() bool { return v.returning }

// Code returns the visitor's picture code, "" if they have none.
func (v *Visit) Code() string { return v.code }

// Learner returns the returning learner as the journal knew them when they
// typed their code (zero for a new visitor).
func (v *Visit) Learner() learners.Learner { return v.learner }

// History returns the visitor's finished diagnostics, oldest first (those
// before this visit, then this visit's).
func (v *Visit) History() []learners.Diagnostic { return v.history }

// Session returns the diagnostic in progress, nil if none.
func (v *Visit) Session() *Session { return v.sess }

// Last returns the diagnostic finished during this visit, nil if none.
func (v *Visit) Last() *Finished { return v.last }

// ErrWrongCode is returned by Identify for a code no learner of this
// device holds.
var ErrWrongCode = errors.New("no learner has this picture code on this device")

// Identify makes the visitor the learner holding code on this device.
func (v *Visit) Identify(ctx context.Context, code string) error {
	ix, err := v.codes(ctx)
	if err != nil {
		return err
	}
	l, ok, err := ix.Find(ctx, v.cfg.Journal, code)
	if err != nil {
		return err
	}
	if !ok {
		return ErrWrongCode
	}
	v.learnerID, v.returning, v.code, v.history, v.learner = l.ID, true, code, l.Diagnostics, l
	return nil
}

// codes returns the picture-code index.
func (v *Visit) codes(ctx context.Context) (*learners.Index, error) {
	if v.cfg.Codes != nil {
		return v.cfg.Codes(ctx)
	}
	return learners.BuildIndex(ctx, v.cfg.Journal, v.cfg.Journal.DeviceID())
}

func (v *Visit) append(ctx context.Context, typ string, payload any) error {
	if _, err := v.cfg.Journal.Append(ctx, typ, v.learnerID, payload); err != nil {
		return fmt.Errorf("journal %s: %w", typ, err)
	}
	return nil
}

// ensureLearner journals the anonymous visitor as a learner the first
// time they start something.
func (v *Visit) ensureLearner(ctx context.Context) error {
	if v.learnerID != "" {
		return nil
	}
	id := NewID()
	if _, err := v.cfg.Journal.Append(ctx, event.TypeLearnerCreated, id, event.LearnerCreated{Anonymous: true}); err != nil {
		return fmt.Errorf("journal %s: %w", event.TypeLearnerCreated, err)
	}
	v.learnerID = id
	return nil
}

// NeedsWarmup reports whether the visitor should meet the mouse warm-up
// before a diagnostic: a new visitor who has not met it in this visit. A
// returning learner (retake) or a resumed diagnostic goes straight on.
func (v *Visit) NeedsWarmup() bool {
	return !v.warmedUp && !v.returning && len(v.history) == 0 && v.sess == nil
}

// WarmedUp journals how the visitor's mouse warm-up ended. One who passed
// or skipped it does not meet it again in this visit; one who struggled
// meets it again before any diagnostic.
func (v *Visit) WarmedUp(ctx context.Context, r event.WarmupFinished) error {
	v.warmedUp = r.Outcome != event.WarmupStruggled
	if err := v.ensureLearner(ctx); err != nil {
		return err
	}
	return v.append(ctx, event.TypeWarmupFinished, r)
}

// StartDiagnostic journals a new diagnostic session over diag, whose
// random choices (and the order of choices shown) come from seed: each
// diagnostic draws its own, so a retake does not show the same order.
func (v *Visit) StartDiagnostic(ctx context.Context, diag Diagnostic, seed uint64) error {
	if err := v.ensureLearner(ctx); err != nil {
		return err
	}
	s := &Session{ID: NewID(), Seed: seed, Diag: diag, retake: len(v.history) > 0}
	if err := v.append(ctx, event.TypeSessionStarted, event.SessionStarted{SessionID: s.ID, Mode: event.ModeDiagnostic,
		Pack: v.cfg.Pack, PackVersion: v.cfg.PackVersion, Language: v.Settings.Language, Retake: s.retake}); err != nil {
		return err
	}
	v.sess, v.last = s, nil
	v.saveProgress(ctx)
	return nil
}

// Answer durably records an answer, then tells the diagnostic. The answer
// is safe once Answer returns nil; only then may the screen acknowledge it.
func (v *Visit) Answer(ctx context.Context, it Item, o assessment.Outcome, resp assessment.Response, shown time.Duration, choiceOrder []int) error {
	s := v.sess
	if s == nil {
		return errors.New("answer outside a diagnostic")
	}
	if err := v.append(ctx, event.TypeAnswerRecorded, event.AnswerRecorded{
		LearnerID: v.learnerID, SessionID: s.ID, ItemID: it.ID, Skill: it.Skill, Domain: it.Domain, Kind: it.Kind,
		Outcome: OutcomeName(o), Correct: o == assessment.Correct, Response: ResponseEvent(resp),
		ShownMS: shown.Milliseconds(), ChoiceOrder: choiceOrder,
	}); err != nil {
		return err
	}
	s.Answered++
	if err := s.Diag.Record(it.ID, o); err != nil {
		// The answer is journaled; the engine refusing it is a bug to log,
		// not a reason to tell the visitor it was lost.
		return fmt.Errorf("%w: %w", ErrEngine, err)
	}
	v.saveProgress(ctx)
	return nil
}

// ErrEngine wraps an answer the journal kept but the diagnostic refused.
var ErrEngine = errors.New("diagnostic engine refused the answer")

// Finished is a diagnostic's end as the results screen shows it.
type Finished struct {
	Results []assessment.DomainResult
	// Answered is the number of answers given.
	Answered int
	Stopped  bool
	// Before is the learner's previous diagnostic, nil on a first one.
	Before    *learners.Diagnostic
	Evolution map[string]assessment.Evolution
}

// Finish ends the diagnostic (stopped: the visitor chose to stop) and
// journals its result, compared with the learner's previous one. Domains
// with no answer keep Items = 0: they are "not tested yet", never a level.
func (v *Visit) Finish(ctx context.Context, stopped bool) (*Finished, error) {
	s := v.sess
	if s == nil {
		return nil, errors.New("no diagnostic to finish")
	}
	res := s.Diag.Results()
	f := &Finished{Results: res, Answered: s.Answered, Stopped: stopped, Evolution: map[string]assessment.Evolution{}}
	p := event.DiagnosticFinished{SessionID: s.ID, Items: s.Answered, Results: ResultsEvent(res), Stopped: stopped}
	if n := len(v.history); n > 0 {
		before := v.history[n-1]
		f.Before = &before
		p.Previous = before.SessionID
		for _, r := range res {
			b, ok := before.Result(r.Domain)
			if !ok || r.Items == 0 {
				continue
			}
			e := evolution(b, r)
			f.Evolution[r.Domain] = e
			p.Evolution = append(p.Evolution, event.DomainEvolution{Domain: r.Domain, BeforeBand: b.Band, AfterBand: r.Band,
				Delta: r.Theta - b.Theta, Label: e.String()})
		}
	}
	v.sess, v.last = nil, f
	v.clearProgress(ctx)
	if s.Answered == 0 {
		// Nothing answered: no result to keep, only the session's end.
		return f, v.append(ctx, event.TypeSessionPaused, event.SessionPaused{SessionID: s.ID, Reason: "stopped"})
	}
	if err := v.append(ctx, event.TypeDiagnosticFinished, p); err != nil {
		return f, err
	}
	v.history = append(v.history, learners.Diagnostic{SessionID: s.ID, At: v.cfg.Now(), Device: v.cfg.Journal.DeviceID(),
		Items: s.Answered, Stopped: stopped, Results: p.Results, Previous: p.Previous, Evolution: p.Evolution})
	return f, nil
}

// evolution compares a domain's result with the previous one. Each
// domain's own estimate is put under the earlier visit's prior first: the
// population prior is learnt again between visits, and its shift alone once
// told a visitor who answered "Je ne sais pas" to everything twice that
// they did worse. Results journaled without their prior use the plain rule.
func evolution(before event.DomainResult, after assessment.DomainResult) assessment.Evolution {
	bp := assessment.Normal{Mean: before.Prior.Mean, SD: before.Prior.SD}
	if bp.SD > 0 && after.Prior.SD > 0 && before.PlainSE > 0 && after.PlainSE > 0 {
		return assessment.EvolveUnder(before.PlainTheta, before.PlainSE, bp, after.PlainTheta, after.PlainSE, after.Prior)
	}
	return assessment.Evolve(before.Theta, before.SE, after.Theta, after.SE)
}

// Leave ends the visit of a visitor who went away mid-diagnostic: their
// progress goes to the journal as a paused session.
func (v *Visit) Leave(ctx context.Context, reason string) error {
	s := v.sess
	if s == nil {
		return nil
	}
	v.sess = nil
	p := event.SessionPaused{SessionID: s.ID, Items: s.Answered, Reason: reason}
	if st, err := s.Diag.MarshalState(); err == nil {
		p.State = string(st)
	}
	v.clearProgress(ctx)
	return v.append(ctx, event.TypeSessionPaused, p)
}

// KeepCode gives the visitor a picture code no learner of the site known here ever
// had, drawn from r, and journals it. A visitor who has one keeps it.
func (v *Visit) KeepCode(ctx context.Context, r *rand.Rand) (string, error) {
	if v.code != "" {
		return v.code, nil
	}
	if err := v.ensureLearner(ctx); err != nil {
		return "", err
	}
	ix, err := v.codes(ctx)
	if err != nil {
		return "", err
	}
	code, err := learners.NewCode(r, ix.Taken)
	if err != nil {
		return "", err
	}
	if err := v.append(ctx, event.TypeLearnerCodeAssigned, event.LearnerCodeAssigned{PictureCode: code}); err != nil {
		return "", err
	}
	ix.Add(code, v.learnerID)
	v.code = code
	return code, nil
}

// OutcomeName is the journaled name of an outcome.
func OutcomeName(o assessment.Outcome) string {
	switch o {
	case assessment.Correct:
		return event.OutcomeCorrect
	case assessment.DontKnow:
		return event.OutcomeDontKnow
	}
	return event.OutcomeIncorrect
}

// OutcomeByName is OutcomeName's inverse.
func OutcomeByName(name string) (assessment.Outcome, bool) {
	switch name {
	case event.OutcomeCorrect:
		return assessment.Correct, true
	case event.OutcomeIncorrect:
		return assessment.Incorrect, true
	case event.OutcomeDontKnow:
		return assessment.DontKnow, true
	}
	return 0, false
}

// ResponseEvent is the journaled form of a response.
func ResponseEvent(r assessment.Response) event.Response {
	return event.Response{DontKnow: r.DontKnow, Choices: r.Choices, Text: r.Text, X: r.X, Y: r.Y, Order: r.Order, Groups: r.Groups}
}

// ResultsEvent is the journaled form of a diagnostic's results.
func ResultsEvent(rs []assessment.DomainResult) []event.DomainResult {
	out := make([]event.DomainResult, len(rs))
	for i, r := range rs {
		out[i] = event.DomainResult{Domain: r.Domain, Band: r.Band, BandProb: r.BandProb, Theta: r.Theta, SE: r.SE,
			PlainTheta: r.PlainTheta, PlainSE: r.PlainSE, Prior: event.Normal{Mean: r.Prior.Mean, SD: r.Prior.SD},
			Items: r.Items, Correct: r.Correct, DontKnow: r.DontKnow, Done: r.Done, Recommended: r.Recommended}
	}
	return out
}

// NewID returns a new UUIDv7.
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}

// marshal is json.Marshal for values that cannot fail.
func marshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
