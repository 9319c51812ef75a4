// Package app is the kiosk's Fyne user interface: the shell that moves a
// visitor from the welcome screen through the diagnostic to the results,
// its screens, theme and widgets. It asks package assessment for the next
// step and to check answers, package content for what to show, the voice for
// what to say, and the journal to keep every answer; it never computes a
// score or writes SQL itself.
//
// Nothing here imports fyne.io/fyne/v2/app, so the UI builds and tests
// without cgo; cmd/tremplin creates the Fyne application and window.
package app

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Voice speaks texts. Say stops whatever is playing and speaks text; Stop
// silences it. Both return at once.
type Voice interface {
	Say(text string)
	Stop()
}

// Journal durably records events; Append returns once the event is on disk.
type Journal interface {
	Append(ctx context.Context, typ, learnerID string, payload any) (journal.Event, error)
}

// Diagnostic is what the kiosk needs of an adaptive diagnostic.
type Diagnostic interface {
	Next() (itemID string, ok bool)
	Record(itemID string, o assessment.Outcome) error
	Results() []assessment.DomainResult
}

// Config is what the kiosk runs on.
type Config struct {
	// Pack is the content to show. When nil, LoadPack is called the first
	// time a visitor starts, so start-up does not wait for content.
	Pack      *content.Pack
	LoadPack  func() (*content.Pack, error)
	Journal   Journal
	Catalogue *i18n.Catalogue
	// Voice speaks instructions; nil means no sound.
	Voice Voice
	// SoundOff, when true, shows the visible "sound off" state.
	SoundOff bool
	// Mediator backs the mediator area; nil hides nothing but keeps it locked.
	Mediator Mediator
	// WatchIdle makes the kiosk ask an idle visitor whether they are still
	// there, then end the visit (see IdleAsk).
	WatchIdle bool
	// Now is the clock, for tests; nil means time.Now.
	Now func() time.Time
	// Do runs a function on the UI goroutine; nil uses fyne.Do. Tests that
	// check what a background job shows set it to hand the function to the
	// test's own goroutine (Fyne's test driver runs fyne.Do on the caller's).
	Do func(func())
	// NewDiagnostic starts a diagnostic over the pack's items, its random
	// choices drawn from seed; nil uses the assessment package's adaptive
	// diagnostic.
	NewDiagnostic func(p *content.Pack, seed uint64) (Diagnostic, error)
	// Seed fixes every random choice of the kiosk (each visit's seed is
	// drawn from it: the diagnostic's draws, the order of choices and
	// cards), so a test sees the same visits every run; 0 seeds from the
	// clock.
	Seed uint64
}

// Kiosk is the visitor-facing shell. Its exported screen fields point at the
// screen on display, so tests reach buttons without searching the tree.
type Kiosk struct {
	cfg Config
	cat *i18n.Catalogue
	win fyne.Window

	Welcome  *WelcomeScreen
	Question *QuestionScreen
	Results  *ResultsScreen
	PIN      *PINScreen
	Mediator *MediatorScreen
	// Asking is the "are you still there?" question, while it is shown.
	Asking *StillThere

	session   *session
	soundSign *fyne.Container

	pinFailures    int
	pinLockedUntil time.Time
	lastTouch      time.Time

	// seeds draws each visit's seed (see Config.Seed).
	seeds *rand.Rand

	resMu     sync.Mutex
	resources map[string]fyne.Resource

	// population learns the visitors' ability distribution from the
	// journal's finished diagnostics (loaded on the first visitor).
	population *assessment.Population
	popMu      sync.Mutex // guards population: it is loaded in the background
	// interrupted is the visit a killed kiosk left unfinished, offered on
	// the welcome screen while it can be resumed.
	interrupted *savedSession
}

// session is one visitor's pass through the diagnostic.
type session struct {
	learnerID string
	sessionID string
	// seed fixes the visit's random choices; it is saved with the visit so
	// a resumed visit shows the same choice order.
	seed  uint64
	diag  Diagnostic
	asked int
	// domainAsked counts the items shown in each domain, for the progress
	// dots.
	domainAsked map[string]int
}

// New returns a kiosk over cfg.
func New(cfg Config) *Kiosk {
	if cfg.Voice == nil {
		cfg.Voice = silence{}
	}
	if cfg.Do == nil {
		cfg.Do = fyne.Do
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	k := &Kiosk{cfg: cfg, cat: cfg.Catalogue, resources: map[string]fyne.Resource{},
		seeds: rand.New(rand.NewPCG(seed, 0x5eed))}
	if k.cfg.NewDiagnostic == nil {
		k.cfg.NewDiagnostic = func(p *content.Pack, seed uint64) (Diagnostic, error) {
			priors, mix := k.learntPriors()
			return adaptiveDiagnostic(p, priors, mix, seed)
		}
	}
	return k
}

// Show puts the kiosk in w, on the welcome screen.
func (k *Kiosk) Show(w fyne.Window) {
	k.win = w
	w.SetTitle(k.cat.T("app.title"))
	if _, ok := k.cfg.Journal.(eventReader); ok {
		go k.loadPopulation()
	}
	k.ShowWelcome()
	if k.cfg.WatchIdle {
		k.watchIdle()
	}
}

// ShowWelcome forgets the current visitor and shows the welcome screen.
func (k *Kiosk) ShowWelcome() {
	if k.session == nil && k.interrupted == nil {
		if s := k.loadInterrupted(); s != nil {
			if k.resumable(s) {
				k.interrupted = s
			} else {
				k.pauseInterrupted(s, "interrupted")
			}
		}
	} else if k.interrupted != nil && !k.resumable(k.interrupted) {
		k.pauseInterrupted(k.interrupted, "interrupted")
	}
	k.session = nil
	k.Question, k.Results, k.PIN, k.Mediator = nil, nil, nil, nil
	k.Welcome = newWelcomeScreen(k)
	k.setContent(k.Welcome.root, k.cat.T(k.Welcome.say))
}

func (k *Kiosk) setContent(o fyne.CanvasObject, spoken string) {
	k.touch()
	k.cfg.Voice.Stop()
	k.win.SetContent(o)
	if spoken != "" {
		k.cfg.Voice.Say(spoken)
	}
}

// pack returns the content, loading it on first use.
func (k *Kiosk) pack() (*content.Pack, error) {
	if k.cfg.Pack == nil {
		if k.cfg.LoadPack == nil {
			return nil, errors.New("no content pack")
		}
		p, err := k.cfg.LoadPack()
		if err != nil {
			return nil, err
		}
		k.cfg.Pack = p
	}
	return k.cfg.Pack, nil
}

// start begins a diagnostic for a new anonymous visitor.
func (k *Kiosk) start() {
	if _, err := k.pack(); err != nil {
		slog.Error("load content", "err", err)
		k.Welcome.showError(k.cat.T("error.pack", "path", "", "err", err.Error()))
		return
	}
	seed := k.seeds.Uint64()
	diag, err := k.cfg.NewDiagnostic(k.cfg.Pack, seed)
	if err != nil {
		slog.Error("start diagnostic", "err", err)
		k.Welcome.showError(k.cat.T("save.failed"))
		return
	}
	if k.interrupted != nil {
		// A new visitor: the interrupted visit is kept as a paused session.
		k.pauseInterrupted(k.interrupted, "interrupted")
	}
	s := &session{learnerID: newID(), sessionID: newID(), seed: seed, diag: diag}
	ctx := context.Background()
	if _, err := k.cfg.Journal.Append(ctx, journal.TypeLearnerCreated, s.learnerID, map[string]any{"anonymous": true}); err != nil {
		k.saveFailed(err, k.Welcome.showError)
		return
	}
	if _, err := k.cfg.Journal.Append(ctx, journal.TypeSessionStarted, s.learnerID, map[string]any{
		"session_id": s.sessionID, "mode": "diagnostic", "pack": k.cfg.Pack.Meta.ID, "pack_version": k.cfg.Pack.Meta.Version,
		"language": k.cat.Language(),
	}); err != nil {
		k.saveFailed(err, k.Welcome.showError)
		return
	}
	k.session = s
	k.saveSession()
	k.next()
}

// next shows the diagnostic's next item, or the results when it is over.
func (k *Kiosk) next() {
	s := k.session
	for {
		id, ok := s.diag.Next()
		if !ok {
			k.finish()
			return
		}
		it, found := k.cfg.Pack.Item(id)
		if !found {
			slog.Error("diagnostic chose an item the pack lacks", "item", id)
			_ = s.diag.Record(id, assessment.DontKnow)
			continue
		}
		s.asked++
		k.Results = nil
		k.Question = newQuestionScreen(k, it, k.progress(s, it), s.seed)
		k.setContent(k.Question.root, it.SpokenText())
		k.Question.focus(k.win.Canvas())
		return
	}
}

// progress places the item on show in the diagnostic: a group of dots per
// domain, as many as the most a domain asks, filled for the items already
// answered there. The diagnostic takes the domains in turn, so every group
// fills a little at a time.
func (k *Kiosk) progress(s *session, it *content.Item) progress {
	pr := progress{per: assessment.DefaultConfig().MaxPerDomain, current: -1}
	if s.domainAsked == nil {
		s.domainAsked = map[string]int{}
	}
	for i, d := range k.cfg.Pack.Domains {
		pr.answered = append(pr.answered, s.domainAsked[d.ID])
		if d.ID == it.Domain {
			pr.current = i
		}
	}
	s.domainAsked[it.Domain]++
	return pr
}

// answered records an answer durably, then acknowledges it on screen.
func (k *Kiosk) answered(q *QuestionScreen, o assessment.Outcome, resp assessment.Response) {
	s := k.session
	it := q.item
	payload := map[string]any{
		"learner_id": s.learnerID,
		"session_id": s.sessionID,
		"item_id":    it.ID,
		"skill":      it.Skill,
		"domain":     it.Domain,
		"kind":       it.Kind,
		"outcome":    outcomeName(o),
		"correct":    o == assessment.Correct,
		"response":   resp,
		"shown_ms":   time.Since(q.shown).Milliseconds(),
	}
	if q.choiceOrder != nil {
		// The pack's choice shown in each place, so the position a visitor
		// picked can be studied.
		payload["choice_order"] = q.choiceOrder
	}
	if _, err := k.cfg.Journal.Append(context.Background(), journal.TypeAnswerRecorded, s.learnerID, payload); err != nil {
		k.saveFailed(err, q.showError)
		return
	}
	if err := s.diag.Record(it.ID, o); err != nil {
		slog.Error("record answer in diagnostic", "item", it.ID, "err", err)
	}
	k.saveSession()
	q.showFeedback(o)
}

// finish records the diagnostic's result and shows it.
func (k *Kiosk) finish() {
	s := k.session
	if s == nil {
		k.ShowWelcome()
		return
	}
	results := s.diag.Results()
	k.clearSession()
	k.addResults(results)
	if _, err := k.cfg.Journal.Append(context.Background(), journal.TypeDiagnosticFinished, s.learnerID, map[string]any{
		"session_id": s.sessionID, "items": s.asked, "results": results,
	}); err != nil {
		// The answers are already safe; the result can be derived from them again.
		slog.Error("record diagnostic result", "err", err)
	}
	k.Question = nil
	k.Results = newResultsScreen(k, results)
	k.setContent(k.Results.root, k.cat.T("say.results"))
}

// saveFailed tells the visitor, kindly, that an answer was not kept.
func (k *Kiosk) saveFailed(err error, show func(string)) {
	slog.Error("journal append failed", "err", err)
	msg, say := k.cat.T("save.failed"), k.cat.T("say.save_failed")
	if errors.Is(err, journal.ErrFull) {
		msg = k.cat.T("error.disk_full")
		say = msg
	}
	show(msg)
	k.cfg.Voice.Say(say)
}

// resource returns a picture of the pack as a Fyne resource, cached.
func (k *Kiosk) resource(name string) fyne.Resource {
	if name == "" {
		return nil
	}
	k.resMu.Lock()
	defer k.resMu.Unlock()
	if r, ok := k.resources[name]; ok {
		return r
	}
	b, err := k.cfg.Pack.File(name)
	if err != nil {
		slog.Warn("picture missing", "name", name, "err", err)
		return nil
	}
	r := fyne.NewStaticResource(name, b)
	k.resources[name] = r
	return r
}

// outcomeByName is outcomeName's inverse.
var outcomeByName = map[string]assessment.Outcome{
	"correct": assessment.Correct, "incorrect": assessment.Incorrect, "dont_know": assessment.DontKnow,
}

func outcomeName(o assessment.Outcome) string {
	switch o {
	case assessment.Correct:
		return "correct"
	case assessment.DontKnow:
		return "dont_know"
	}
	return "incorrect"
}

type silence struct{}

func (silence) Say(string) {}
func (silence) Stop()      {}
