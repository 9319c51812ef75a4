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
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/device"
	"github.com/tremplin-numerique/tremplin/app/group"
	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/app/learn"
	"github.com/tremplin-numerique/tremplin/app/learners"
	"github.com/tremplin-numerique/tremplin/app/pin"
	"github.com/tremplin-numerique/tremplin/app/visit"
	"github.com/tremplin-numerique/tremplin/app/warmup"
	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
)

// Voice speaks texts. Say stops whatever is playing and speaks text; Stop
// silences it. Both return at once.
type Voice interface {
	Say(text string)
	Stop()
}

// Journal is what the kiosk needs of the journal: append, state, read
// (visit.Journal). *journal.Journal is one; a fake must have every method.
type Journal = visit.Journal

// Diagnostic is what the kiosk needs of an adaptive diagnostic.
type Diagnostic = visit.Diagnostic

// Config is what the kiosk runs on.
type Config struct {
	// Pack is the content to show. When nil, LoadPack is called the first
	// time a visitor starts, so start-up does not wait for content.
	Pack     *content.Pack
	LoadPack func() (*content.Pack, error)
	Journal  Journal
	// Roster is the learners' read model the mediator workspace reads
	// (readmodel.Open); nil folds the whole journal at each screen.
	Roster    Roster
	Catalogue *i18n.Catalogue
	// Voice speaks instructions; nil means no sound.
	Voice Voice
	// Sound changes the voice's volume, mute and speed; nil hides the
	// sound panel. Every new visit puts back the settings it had at New.
	Sound SoundSettings
	// Speaking tells whether the voice is still speaking, so a module says
	// its title, transition and step one after the other; nil: each clip
	// stops the one before.
	Speaking func() bool
	// SoundOff, when true, shows the visible "sound off" state.
	SoundOff bool
	// Mediator backs the mediator area; nil hides nothing but keeps it locked.
	Mediator Mediator
	// Sneakernet copies answers to and imports the server's news from a
	// USB stick, in the mediator area; nil hides those buttons.
	Sneakernet Sneakernet
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
	// cards, picture codes), so a test sees the same visits every run; 0
	// seeds from the clock.
	Seed uint64
	// Sheets is where take-home sheets are saved when no printer is
	// configured; "" uses the user's documents folder.
	Sheets string
	// Printer prints a PDF; nil (or an error) saves it to Sheets instead.
	Printer func(pdf []byte) error
	// PrinterName names the printer for the mediator ("" if unknown).
	PrinterName string
	// PrintTo prints a PDF on the named printer, once the mediator named
	// one in the device settings; nil leaves Printer in use.
	PrintTo func(printer string, pdf []byte) error
	// Site names the tiers-lieu on the take-home sheet ("" when the device
	// is not enrolled); the mediator's device settings may name it instead.
	Site string
	// Exports is where the mediator's exports are written; "" asks for a
	// folder (a USB stick) each time.
	Exports string
	// DataDir is the kiosk's data folder, named in the hint to set the
	// mediator PIN (tremplin pin --data-dir DIR).
	DataDir string
}

// Kiosk is the visitor-facing shell: it routes between thin screens, each
// a view of the current visit (package visit), which owns the visitor's
// state. Its exported screen fields point at the screen on display, so
// tests reach buttons without searching the tree.
type Kiosk struct {
	cfg Config
	cat *i18n.Catalogue
	win fyne.Window

	Welcome  *WelcomeScreen
	Question *QuestionScreen
	Results  *ResultsScreen
	PIN      *PINScreen
	Mediator *MediatorScreen
	// Learners and Learner are the mediator workspace's list of learners
	// and one learner's page.
	Learners *LearnersScreen
	Learner  *LearnerScreen
	// PathEditor makes a learning path.
	PathEditor *PathScreen
	// Device is the device settings screen.
	Device *DeviceScreen
	// Group starts or shows a group session; GroupSummary is its summary.
	Group        *GroupScreen
	GroupSummary *GroupSummaryScreen
	// LearnGrid is the modules grid ("Apprendre"); Learn the module player.
	LearnGrid *learn.Grid
	Learn     *learn.Player
	// CodePad is the picture keypad of a returning visitor.
	CodePad *CodePadScreen
	// Space is a returning learner's own page.
	Space *SpaceScreen
	// CodeShown shows the picture code just given.
	CodeShown *CodeScreen
	// Asking is the "are you still there?" question, while it is shown.
	Asking *StillThere
	// Confirm is the "do you really want to stop?" question, while shown.
	Confirm *ConfirmStop
	// ConfirmQuit is the mediator's "really quit Tremplin?" question,
	// while shown.
	ConfirmQuit *ConfirmQuit
	// Warmup is the mouse warm-up a new visitor meets before the first
	// question, while it is shown.
	Warmup *warmup.Screen

	// visit is the current visitor's pass; a new visitor gets a new one.
	visit     *visit.Visit
	defaults  visit.Settings
	soundSign *fyne.Container
	soundText *widget.Label
	// soundMute is the sound panel's mute box on display, nil when the
	// screen has none.
	soundMute *widget.Check

	pinLock *pin.Lockout
	// mediatorSession names the mediator session opened by the last right
	// PIN; the events a mediator writes carry it.
	mediatorSession string
	codeLock        *pin.Lockout
	lastTouch       time.Time

	// seeds draws each visit's seed (see Config.Seed).
	seeds *rand.Rand
	// seq says a module's clips one after the other (see sequence).
	seq *learn.Sequence

	resMu     sync.Mutex
	resources map[string]fyne.Resource
	// loaded is the pack in use, read by the voice's goroutine (Clip).
	loaded atomic.Pointer[content.Pack]

	// population learns the visitors' ability distribution from the
	// journal's finished diagnostics (loaded on the first visitor).
	population *assessment.Population
	popMu      sync.Mutex // guards population: it is loaded in the background
	// interrupted is the diagnostic a killed kiosk left unfinished, while
	// it can be resumed.
	interrupted *visit.Interrupted
	// moduleLeft is a module an anonymous visitor was playing when the
	// kiosk stopped, offered on the welcome screen (see loadModuleLeft).
	moduleLeft *visit.ModuleInProgress

	// codeIndex finds a returning visitor by picture code without reading
	// the whole journal while they wait; built in the background.
	codeMu    sync.Mutex
	codeIndex *learners.Index

	// group is the device's open group session, nil when none is.
	group *group.Group
	// device are the settings the mediator gave this device;
	// baseDefaults the visit defaults New found, which they override.
	device       device.Settings
	baseDefaults visit.Settings
}

// codes returns the picture-code index, building it if the background
// reading has not finished.
func (k *Kiosk) codes(ctx context.Context) (*learners.Index, error) {
	k.codeMu.Lock()
	defer k.codeMu.Unlock()
	if k.codeIndex == nil {
		ix, err := learners.BuildIndex(ctx, k.cfg.Journal, k.cfg.Journal.DeviceID())
		if err != nil {
			return nil, err
		}
		k.codeIndex = ix
	}
	return k.codeIndex, nil
}

// JournalChanged tells the kiosk that events it did not write entered the
// journal (a sync pulled links or erasures, a mediator linked learners): it
// rebuilds the picture-code index in the background, keeping the old one
// until the new one is ready. Safe from any goroutine.
func (k *Kiosk) JournalChanged() {
	go func() {
		ix, err := learners.BuildIndex(context.Background(), k.cfg.Journal, k.cfg.Journal.DeviceID())
		if err != nil {
			slog.Warn("read picture codes", "err", err)
			return
		}
		k.codeMu.Lock()
		k.codeIndex = ix
		k.codeMu.Unlock()
	}()
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
	k.defaults = visit.Settings{Language: k.cat.Language(), Volume: 1}
	if s := cfg.Sound; s != nil {
		k.defaults.Volume, k.defaults.Muted, k.defaults.Slower = s.Volume(), s.Muted(), s.Slower()
	}
	k.pinLock = pin.PINLockout(cfg.Journal, k.now)
	k.codeLock = codeLockout(cfg.Journal, k.now)
	if cfg.Pack != nil {
		k.loaded.Store(cfg.Pack)
	}
	if k.cfg.NewDiagnostic == nil {
		k.cfg.NewDiagnostic = func(p *content.Pack, seed uint64) (Diagnostic, error) {
			priors, mix := k.learntPriors()
			return adaptiveDiagnostic(p, priors, mix, seed)
		}
	}
	k.baseDefaults = k.defaults
	k.loadDevice()
	k.loadGroup()
	k.newVisit()
	return k
}

// newVisit forgets the current visitor: a fresh visit with the kiosk's
// default settings, put back on the voice and the catalogue.
func (k *Kiosk) newVisit() {
	// The visit's journal tags the visitor with the open group session.
	cfg := visit.Config{Journal: &group.Tagger{Journal: k.cfg.Journal, Open: k.openGroup}, Defaults: k.defaults, Seed: k.seeds.Uint64(), Now: k.now, Codes: k.codes}
	if p := k.cfg.Pack; p != nil {
		cfg.Pack, cfg.PackVersion = p.Meta.ID, p.Meta.Version
	}
	k.visit = visit.New(cfg)
	k.applySettings()
}

// applySettings puts the visit's settings on the catalogue and the voice.
func (k *Kiosk) applySettings() {
	st := k.visit.Settings
	if k.cat.Language() != st.Language {
		k.cat.SetLanguage(st.Language)
		if k.win != nil {
			k.win.SetTitle(k.cat.T("app.title"))
		}
	}
	if s := k.cfg.Sound; s != nil {
		s.SetVolume(st.Volume)
		s.SetMuted(st.Muted)
		s.SetSlower(st.Slower)
	}
}

// Visit returns the current visit (for tests and the mediator workspace).
func (k *Kiosk) Visit() *visit.Visit { return k.visit }

// Clip returns the voice clip of text from the pack in use, so a pack
// installed by sync speaks its new and edited texts; ok is false when the
// pack has none (the caller then tries the embedded pack). It is safe to
// call from the voice's goroutine.
func (k *Kiosk) Clip(text string) (name string, data []byte, ok bool) {
	if p := k.loaded.Load(); p != nil {
		return p.Clip(text)
	}
	return "", nil, false
}

// Show puts the kiosk in w, on the welcome screen.
func (k *Kiosk) Show(w fyne.Window) {
	k.win = w
	w.SetTitle(k.cat.T("app.title"))
	go k.loadPopulation()
	go func() {
		if _, err := k.codes(context.Background()); err != nil {
			slog.Warn("read picture codes", "err", err)
		}
	}()
	k.ShowWelcome()
	if k.cfg.WatchIdle {
		k.watchIdle()
	}
}

// ShowWelcome shows the welcome screen to the current visit. Use
// EndVisit when the visitor is gone.
func (k *Kiosk) ShowWelcome() {
	if k.visit.Session() == nil && k.interrupted == nil {
		if in := visit.LoadInterrupted(context.Background(), k.cfg.Journal); in != nil {
			if in.Resumable(k.now()) {
				k.interrupted = in
			} else {
				k.pauseInterrupted("interrupted", in)
			}
		}
	} else if k.interrupted != nil && !k.interrupted.Resumable(k.now()) {
		k.pauseInterrupted("interrupted", k.interrupted)
	}
	k.loadModuleLeft()
	k.clearScreens()
	k.Welcome = newWelcomeScreen(k)
	k.setContent(k.Welcome.root, k.cat.T(k.Welcome.say))
}

// EndVisit forgets the visitor (their progress is journaled already) and
// shows a fresh welcome screen to the next one.
func (k *Kiosk) EndVisit() {
	if k.visit.Session() != nil {
		if err := k.visit.Leave(context.Background(), "idle"); err != nil {
			slog.Error("record paused session", "err", err)
		}
	}
	k.forgetModuleLeft()
	k.newVisit()
	k.ShowWelcome()
}

// clearScreens forgets the screens on display.
func (k *Kiosk) clearScreens() {
	k.Welcome, k.Question, k.Results, k.PIN, k.Mediator = nil, nil, nil, nil, nil
	k.LearnGrid, k.Learn = nil, nil
	k.CodePad, k.Space, k.CodeShown, k.Warmup = nil, nil, nil, nil
	k.Learners, k.Learner, k.PathEditor = nil, nil, nil
	k.Group, k.GroupSummary, k.Device = nil, nil, nil
	if k.Confirm != nil {
		k.Confirm.popup.Hide()
		k.Confirm = nil
	}
	if k.ConfirmQuit != nil {
		k.ConfirmQuit.popup.Hide()
		k.ConfirmQuit = nil
	}
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
		k.loaded.Store(p)
	}
	k.visit.SetPack(k.cfg.Pack.Meta.ID, k.cfg.Pack.Meta.Version)
	return k.cfg.Pack, nil
}

// start begins a diagnostic for the visitor; a new visitor first meets
// the mouse warm-up.
func (k *Kiosk) start() {
	if _, err := k.pack(); err != nil {
		slog.Error("load content", "err", err)
		k.errorShower()(k.cat.T("error.pack", "path", "", "err", err.Error()))
		return
	}
	if k.visit.NeedsWarmup() {
		k.showWarmup()
		return
	}
	k.begin()
}

// errorShower returns how to tell the visitor about a problem: on the
// screen they are on, or on the welcome screen.
func (k *Kiosk) errorShower() func(string) {
	switch {
	case k.Space != nil:
		return k.Space.showError
	case k.Welcome != nil:
		return k.Welcome.showError
	}
	return func(msg string) {
		k.ShowWelcome()
		k.Welcome.showError(msg)
	}
}

// begin starts the diagnostic and shows its first question.
func (k *Kiosk) begin() {
	show := k.errorShower()
	seed := k.seeds.Uint64()
	diag, err := k.cfg.NewDiagnostic(k.cfg.Pack, seed)
	if err != nil {
		slog.Error("start diagnostic", "err", err)
		show(k.cat.T("save.failed"))
		return
	}
	if k.interrupted != nil {
		// A new diagnostic: the interrupted one is kept as a paused session.
		k.pauseInterrupted("interrupted", k.interrupted)
	}
	if err := k.visit.StartDiagnostic(context.Background(), diag, seed); err != nil {
		k.saveFailed(err, show)
		return
	}
	k.next()
}

// showWarmup shows the mouse warm-up before a new visitor's first question.
func (k *Kiosk) showWarmup() {
	k.clearScreens()
	env := warmup.Env{T: k.cat.T, Now: k.now, Say: func(text string) {
		k.touch() // the warm-up speaks when the visitor does something
		k.cfg.Voice.Say(text)
	}}
	k.Warmup = warmup.New(env, k.warmedUp)
	k.setContent(k.Warmup.Object(), k.Warmup.SpokenText())
}

// MouseModule is the module a visitor who struggled with the warm-up is
// offered.
const MouseModule = "la-souris"

// warmedUp journals the warm-up's result, then starts the diagnostic, or,
// when the visitor could not use the mouse yet, does not.
func (k *Kiosk) warmedUp(r warmup.Result) {
	ev := event.WarmupFinished{Outcome: string(r.Outcome), Misses: r.Misses, MS: r.Millis}
	if err := k.visit.WarmedUp(context.Background(), ev); err != nil {
		// Only a measure is lost; the visitor goes on.
		slog.Error("journal warm-up", "err", err)
	}
	if r.Outcome != warmup.Struggled {
		k.begin()
		return
	}
	// Never into questions they could not physically answer: the mouse
	// module when the pack has it, else the welcome screen with a kind word.
	if m, ok := k.cfg.Pack.Module(MouseModule); ok {
		k.openModule(m)
		if k.Learn != nil {
			return
		}
	}
	k.ShowWelcome()
	k.Welcome.showNotice(k.cat.T("newcomer.mouse_later"))
	k.cfg.Voice.Say(k.cat.T("say.newcomer.mouse_later"))
}

// next shows the diagnostic's next item, or the results when it is over.
func (k *Kiosk) next() {
	s := k.visit.Session()
	if s == nil {
		k.ShowWelcome()
		return
	}
	for {
		id, ok := s.Diag.Next()
		if !ok {
			k.finish(false)
			return
		}
		it, found := k.cfg.Pack.Item(id)
		if !found {
			slog.Error("diagnostic chose an item the pack lacks", "item", id)
			_ = s.Diag.Record(id, assessment.DontKnow)
			continue
		}
		s.Asked++
		k.clearScreens()
		k.Question = newQuestionScreen(k, it, k.progress(s, it), s.Seed)
		k.setContent(k.Question.root, it.SpokenText())
		k.Question.focus(k.win.Canvas())
		return
	}
}

// progress places the item on show in the diagnostic: a group of dots per
// domain, as many as the most a domain asks, filled for the items already
// answered there. The diagnostic takes the domains in turn, so every group
// fills a little at a time.
func (k *Kiosk) progress(s *visit.Session, it *content.Item) progress {
	pr := progress{per: assessment.DefaultConfig().MaxPerDomain, current: -1}
	if s.DomainAsked == nil {
		s.DomainAsked = map[string]int{}
	}
	for i, d := range k.cfg.Pack.Domains {
		pr.answered = append(pr.answered, s.DomainAsked[d.ID])
		if d.ID == it.Domain {
			pr.current = i
		}
	}
	s.DomainAsked[it.Domain]++
	return pr
}

// answered records an answer durably, then acknowledges it on screen.
func (k *Kiosk) answered(q *QuestionScreen, o assessment.Outcome, resp assessment.Response) {
	it := q.item
	err := k.visit.Answer(context.Background(), visit.Item{ID: it.ID, Skill: it.Skill, Domain: it.Domain, Kind: it.Kind},
		o, resp, time.Since(q.shown), q.choiceOrder)
	if errors.Is(err, visit.ErrEngine) {
		slog.Error("record answer in diagnostic", "item", it.ID, "err", err)
	} else if err != nil {
		k.saveFailed(err, q.showError)
		return
	}
	q.showFeedback(o)
}

// finish records the diagnostic's result and shows it; stopped when the
// visitor chose to stop.
func (k *Kiosk) finish(stopped bool) {
	if k.visit.Session() == nil {
		k.ShowWelcome()
		return
	}
	k.interrupted = nil
	f, err := k.visit.Finish(context.Background(), stopped)
	if err != nil {
		// The answers are already safe; the result can be derived from them again.
		slog.Error("record diagnostic result", "err", err)
	}
	if f.Answered > 0 {
		k.addResults(f.Results)
	}
	k.showResults(f)
}

func (k *Kiosk) showResults(f *visit.Finished) {
	k.clearScreens()
	k.Results = newResultsScreen(k, f)
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

type silence struct{}

func (silence) Say(string) {}
func (silence) Stop()      {}
