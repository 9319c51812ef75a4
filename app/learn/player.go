package learn

import (
	"context"
	"image/color"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/app/learn/progress"
	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/app/picture"
	"github.com/tremplin-numerique/tremplin/app/widgets"
	"github.com/tremplin-numerique/tremplin/content"
)

// Options tune a Player.
type Options struct {
	// Seed orders the choices and cards of practice questions; a test
	// fixes it to see the same screens.
	Seed uint64
	// Now is the clock handed to sandboxes; nil means time.Now.
	Now func() time.Time
	// OnMove, when set, is called each time the player shows a step, and
	// after the last one (run.Done() is then true): the kiosk keeps where
	// the visitor is, so a killed kiosk can offer to resume.
	OnMove func(run *progress.Run)
}

// Player plays a module: one step on screen at a time. Its widgets are
// exported so tests tap "Continuer" or "choice 2" directly; they are
// rebuilt at each step.
type Player struct {
	// Top bar.
	Title  *widget.Label
	Dots   *Dots
	Replay *widget.Button
	Slower *widget.Check
	Quit   *widget.Button
	// Grain names the part of the module (Découvrir, S'entraîner…).
	Grain *widget.Label
	// Text is the step's text, or the practice's instruction.
	Text    *widget.Label
	Picture *canvas.Image
	// Question is the practice question on screen, if any; Sandbox the
	// sandbox or gesture drill.
	Question *Question
	Sandbox  sandbox.Sandbox
	// Feedback says how the answer went, or what to do; Retry starts a
	// new attempt after a miss.
	Feedback *widget.Label
	Retry    *widget.Button
	Back     *widget.Button
	Continue *widget.Button
	Validate *widget.Button
	// End is the screen shown after the last step.
	End *EndScreen

	// OnQuit is called when the learner stops (the module stays resumable);
	// OnRetake when they ask to retake the domain's part of the
	// diagnostic; OnOther when they want another module; OnHome after the
	// end screen's "Accueil".
	OnQuit   func()
	OnRetake func(domain string)
	OnOther  func()
	OnHome   func()

	h    Host
	run  *progress.Run
	opts Options
	ctx  context.Context

	root        *fyne.Container
	unavailable bool
	spoken      []string  // what the step says on open (Écouter says it again)
	collect     *[]string // while set, sandbox speech is gathered, not said
}

// EndScreen is shown when a module is completed.
type EndScreen struct {
	Title  *widget.Label
	Retake *widget.Button
	Other  *widget.Button
	Home   *widget.Button
}

// NewPlayer returns a player of run, on the step run is at.
func NewPlayer(h Host, run *progress.Run, opts Options) *Player {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &Player{h: h, run: run, opts: opts, ctx: context.Background(), root: container.NewStack()}
	p.show()
	return p
}

// View returns the player's screen.
func (p *Player) View() fyne.CanvasObject { return p.root }

// Run returns the module run the player shows.
func (p *Player) Run() *progress.Run { return p.run }

// Unavailable reports whether the practice on screen could not be built
// (Continuer then goes on).
func (p *Player) Unavailable() bool { return p.unavailable }

// say speaks texts, dropping empty ones.
func (p *Player) say(texts ...string) {
	var out []string
	for _, t := range texts {
		if strings.TrimSpace(t) != "" {
			out = append(out, t)
		}
	}
	if len(out) > 0 {
		p.h.Say(out...)
	}
}

// sandboxSay is the sandboxes' voice: said at once, or gathered while the
// player builds a feedback that says more than the sandbox.
func (p *Player) sandboxSay(text string) {
	if p.collect != nil {
		*p.collect = append(*p.collect, text)
		return
	}
	p.say(text)
}

// transition returns what is said before the first step of a grain.
func (p *Player) transition(s content.ModuleStepRef) string {
	if !s.First {
		return ""
	}
	if t := p.run.Module().Grains[s.Grain].Transition; t != "" {
		return t
	}
	switch s.Kind {
	case content.GrainPractise, content.GrainChallenge, content.GrainRecap:
		return p.h.T("say.learn.grain." + s.Kind)
	}
	return ""
}

// show builds the screen of the step run is at and says it.
func (p *Player) show() {
	m := p.run.Module()
	s := p.run.Current()
	p.Question, p.Sandbox, p.Picture, p.unavailable = nil, nil, nil, false

	p.Title = widget.NewLabelWithStyle(m.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.Title.Truncation = fyne.TextTruncateEllipsis
	p.Dots = newDots(p.run.Len())
	p.Dots.Set(p.run.Index())
	p.Replay = widget.NewButtonWithIcon(p.h.T("learn.replay"), theme.VolumeUpIcon(), func() {
		p.h.Touched()
		p.say(p.spoken...)
	})
	p.Slower = widget.NewCheck(p.h.T("learn.slower"), nil)
	p.Slower.SetChecked(p.h.Slower())
	p.Slower.OnChanged = func(on bool) {
		p.h.Touched()
		p.h.SetSlower(on)
		p.say(p.spoken...)
	}
	p.Quit = widget.NewButtonWithIcon(p.h.T("learn.stop"), theme.LogoutIcon(), p.quit)
	top := container.NewBorder(nil, nil, nil, container.NewHBox(p.Replay, p.Slower, p.Quit), p.Title)

	grain := p.h.T("learn.grain." + s.Kind)
	if t := p.transition(s); t != "" {
		grain += " · " + t
	}
	p.Grain = widget.NewLabel(grain)
	p.Grain.Importance = widget.HighImportance
	p.Text = widget.NewLabel("")
	p.Text.Wrapping = fyne.TextWrapWord
	p.Text.TextStyle.Bold = true
	p.Text.SizeName = theme.SizeNameSubHeadingText

	p.Feedback = widget.NewLabel("")
	p.Feedback.Wrapping = fyne.TextWrapWord
	p.Feedback.Alignment = fyne.TextAlignCenter
	p.Retry = widget.NewButtonWithIcon(p.h.T("learn.retry"), theme.ViewRefreshIcon(), p.retry)
	p.Retry.Hide()
	p.Back = widget.NewButtonWithIcon(p.h.T("learn.back"), theme.NavigateBackIcon(), p.back)
	if p.run.Index() == 0 {
		p.Back.Disable()
	}
	p.Continue = widget.NewButtonWithIcon(p.h.T("learn.continue"), theme.NavigateNextIcon(), p.next)
	p.Continue.Importance = widget.HighImportance
	p.Continue.IconPlacement = widget.ButtonIconTrailingText
	p.Validate = widget.NewButtonWithIcon(p.h.T("learn.validate"), theme.ConfirmIcon(), p.validate)
	p.Validate.Importance = widget.HighImportance
	p.Validate.Hide()

	var body fyne.CanvasObject
	p.spoken = []string{p.transition(s)}
	if p.run.Index() == 0 {
		p.spoken = append([]string{m.Title}, p.spoken...) // a module opens with its title
	}
	if it, ok := p.run.Item(); ok {
		p.Text.SetText(it.Prompt)
		p.spoken = append(p.spoken, it.SpokenText())
		body = p.practice(it)
	} else {
		p.Text.SetText(s.Text)
		p.spoken = append(p.spoken, s.SpokenText())
		body = layout.NewSpacer()
		if res := p.h.Resource(s.Image); res != nil {
			p.Picture = picture.New(res, fyne.NewSize(360, 280))
			body = container.NewCenter(p.Picture)
		}
	}
	p.refreshContinue()

	button := func(b *widget.Button) fyne.CanvasObject { return container.NewGridWrap(fyne.NewSize(220, 64), b) }
	bottom := container.NewBorder(nil, nil, button(p.Back), container.NewStack(button(p.Continue), button(p.Validate)),
		container.NewBorder(nil, nil, nil, container.NewCenter(p.Retry), p.Feedback))
	head := container.NewVBox(top, container.NewBorder(nil, nil, p.Grain, nil, container.NewCenter(p.Dots.Box)), p.Text)
	p.root.Objects = []fyne.CanvasObject{container.NewBorder(head, bottom, nil, nil, body)}
	p.root.Refresh()
	p.say(p.spoken...)
	p.moved()
}

func (p *Player) moved() {
	if p.opts.OnMove != nil {
		p.opts.OnMove(p.run)
	}
}

// practice builds the answer area of a practice step.
func (p *Player) practice(it *content.Item) fyne.CanvasObject {
	if content.IsQuestion(it.Kind) {
		p.Question = newQuestion(it, p.opts.Seed, p.h.Resource, p.h.T, func(t string) { p.say(t) }, p.h.Touched)
		p.Validate.Show()
		return container.NewVScroll(p.Question.View())
	}
	env := sandbox.Env{T: p.h.T, Say: p.sandboxSay, Resource: p.h.Resource, Now: p.opts.Now,
		Record: func(a sandbox.Action) {
			p.h.Touched()
			err := p.run.Action(p.ctx, progress.PracticeAction{Kind: a.Kind, Target: a.Target, Value: a.Value, X: a.X, Y: a.Y})
			if err != nil {
				slog.Error("journal practice action", "err", err)
			}
		}}
	sb, err := sandbox.New(it, env, p.sandboxDone)
	if err != nil {
		// A pack may hold a practice this kiosk cannot show yet: say so
		// and let the learner go on; step.done says "unavailable".
		slog.Warn("practice unavailable", "item", it.ID, "err", err)
		p.unavailable = true
		p.Feedback.SetText(p.h.T("learn.practice_unavailable"))
		p.spoken = append(p.spoken, p.h.T("say.learn.practice_unavailable"))
		return layout.NewSpacer()
	}
	p.Sandbox = sb
	return sb.View()
}

// SandboxDone is what the sandbox on screen calls at the end of each
// attempt; tests of sandboxes that have no driver yet call it too.
func (p *Player) SandboxDone(r sandbox.Result) { p.sandboxDone(r) }

func (p *Player) sandboxDone(r sandbox.Result) {
	p.h.Touched()
	p.answer(r.Success, nil, r.Measures)
}

// validate checks the question's answer.
func (p *Player) validate() {
	p.h.Touched()
	q := p.Question
	if q == nil {
		return
	}
	r, ok := q.Response()
	if !ok {
		p.Feedback.SetText(p.h.T("learn.choose_first"))
		p.say(p.h.T("say.learn.choose_first"))
		return
	}
	p.answer(q.Check(r), r, nil)
}

// answer journals an attempt and shows its feedback.
func (p *Player) answer(correct bool, response any, measures map[string]float64) {
	it, ok := p.run.Item()
	if !ok {
		return
	}
	v, err := p.run.Answer(p.ctx, correct, response, measures)
	if err != nil {
		slog.Error("journal practice answer", "item", it.ID, "err", err)
		p.Feedback.SetText(p.h.T("learn.save_failed"))
		p.say(p.h.T("say.learn.save_failed"))
		if p.Sandbox != nil {
			p.Sandbox.Reset()
		}
		return
	}
	if p.Question != nil {
		p.Question.Lock(true)
		p.Validate.Hide()
	}
	said := []string{}
	p.collect = &said
	switch v {
	case progress.Right:
		text := it.Feedback.Correct
		if !strings.HasPrefix(text, "Bravo") {
			text = p.h.T("learn.well_done") + " " + text
		}
		p.Feedback.SetText(text)
		said = append(said, it.Feedback.Correct)
	case progress.Retry:
		p.Feedback.SetText(it.Feedback.Incorrect)
		said = append(said, it.Feedback.Incorrect, p.h.T("say.learn.retry"))
		p.Retry.Show()
	case progress.RetryWithHint:
		p.Feedback.SetText(it.Feedback.Incorrect)
		said = append(said, it.Feedback.Incorrect)
		if p.Sandbox != nil {
			p.Sandbox.ShowHint() // shows the hint; says it through sandboxSay
		} else {
			p.Feedback.SetText(it.Feedback.Incorrect + "\n" + p.h.T("learn.hint") + " : " + it.Hint)
			said = append(said, it.Hint)
		}
		p.Retry.Show()
	case progress.Solution:
		said = append(said, p.h.T("say.learn.solution"))
		if p.Sandbox != nil {
			p.Feedback.SetText(p.h.T("learn.solution"))
			p.Sandbox.ShowSolution()
		} else {
			p.showSolution(&said)
		}
	}
	p.collect = nil
	p.say(said...)
	p.refreshContinue()
}

// showSolution marks the right answer of the question on screen.
func (p *Player) showSolution(said *[]string) {
	q := p.Question
	sol := q.Solution()
	for i, c := range q.Choices {
		if q.Item.Choices[q.ChoiceOrder[i]].Correct {
			c.SetVerdict(widgets.Right)
		} else {
			c.SetVerdict(widgets.Neutral)
		}
	}
	if len(sol) == 0 || q.Item.Kind == content.KindText {
		p.Feedback.SetText(p.h.T("learn.solution_is", "answer", strings.Join(sol, ", ")) + "\n" + q.Item.Feedback.Incorrect)
		*said = append(*said, q.Item.Feedback.Incorrect)
		if len(sol) == 0 {
			p.Feedback.SetText(q.Item.Feedback.Incorrect)
		}
		return
	}
	p.Feedback.SetText(p.h.T("learn.solution_is", "answer", strings.Join(sol, " · ")))
	*said = append(*said, sol...)
}

// retry opens a new attempt after a miss.
func (p *Player) retry() {
	p.h.Touched()
	p.run.Retry()
	p.Retry.Hide()
	p.Feedback.SetText("")
	if p.Question != nil {
		p.Question.Clear()
		p.Validate.Show()
	}
	if p.Sandbox != nil {
		p.Sandbox.Reset()
	}
	p.refreshContinue()
}

func (p *Player) refreshContinue() {
	if p.run.CanContinue(p.unavailable) {
		p.Continue.Enable()
		if p.Question == nil || !p.Validate.Visible() {
			p.Continue.Show()
		}
		return
	}
	p.Continue.Disable()
	if p.Question != nil {
		p.Continue.Hide()
	}
}

// next leaves the step going forward.
func (p *Player) next() {
	p.h.Touched()
	if !p.run.CanContinue(p.unavailable) {
		return
	}
	done, err := p.run.Next(p.ctx, p.unavailable)
	if err != nil {
		slog.Error("journal step", "err", err)
		p.Feedback.SetText(p.h.T("learn.save_failed"))
		p.say(p.h.T("say.learn.save_failed"))
		return
	}
	if done {
		p.showEnd()
		return
	}
	p.show()
}

func (p *Player) back() {
	p.h.Touched()
	if p.run.Back() {
		p.show()
	}
}

func (p *Player) quit() {
	p.h.Touched()
	p.h.Stop()
	if p.OnQuit != nil {
		p.OnQuit()
	}
}

// endTint is the background of the end screen.
var endTint = color.NRGBA{R: 0xd8, G: 0xf0, B: 0xdf, A: 0xff}

// showEnd shows the end of the module: what the learner can do now, and
// where to go next.
func (p *Player) showEnd() {
	m := p.run.Module()
	e := &EndScreen{}
	e.Title = widget.NewLabelWithStyle(p.h.T("learn.done_title")+" : "+m.Title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	e.Title.SizeName = theme.SizeNameHeadingText
	e.Title.Wrapping = fyne.TextWrapWord
	list := container.NewVBox(widget.NewLabel(p.h.T("learn.objectives")))
	for _, o := range m.Objectives {
		l := widget.NewLabel(o)
		l.Wrapping = fyne.TextWrapWord
		l.SizeName = theme.SizeNameSubHeadingText
		list.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), nil, l))
	}
	e.Retake = widget.NewButtonWithIcon(p.h.T("learn.retake"), theme.MediaReplayIcon(), func() {
		p.h.Touched()
		if p.OnRetake != nil {
			p.OnRetake(m.Domain)
		}
	})
	e.Retake.Importance = widget.HighImportance
	e.Other = widget.NewButtonWithIcon(p.h.T("learn.other"), theme.GridIcon(), func() {
		p.h.Touched()
		if p.OnOther != nil {
			p.OnOther()
		}
	})
	e.Home = widget.NewButtonWithIcon(p.h.T("learn.home"), theme.HomeIcon(), func() {
		p.h.Touched()
		if p.OnHome != nil {
			p.OnHome()
		}
	})
	if p.OnRetake == nil {
		e.Retake.Hide()
	}
	big := func(b *widget.Button) fyne.CanvasObject { return container.NewGridWrap(fyne.NewSize(420, 72), b) }
	buttons := container.NewVBox(container.NewCenter(big(e.Retake)), container.NewCenter(container.NewHBox(
		container.NewGridWrap(fyne.NewSize(260, 64), e.Other), container.NewGridWrap(fyne.NewSize(260, 64), e.Home))))
	pic := picture.New(p.h.Resource(m.Icon), fyne.NewSize(160, 160))
	p.End = e
	p.spoken = append([]string{p.h.T("say.learn.done")}, m.Objectives...)
	body := container.NewVBox(e.Title, container.NewCenter(pic), container.NewCenter(container.NewGridWrap(fyne.NewSize(640, float32(60+56*len(m.Objectives))), list)), buttons)
	p.root.Objects = []fyne.CanvasObject{canvas.NewRectangle(endTint), container.NewCenter(body)}
	p.root.Refresh()
	p.say(p.spoken...)
	p.moved()
}
