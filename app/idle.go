package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/tremplin-numerique/tremplin/sync/event"
)

// How long a shared computer waits for its visitor: after IdleAsk without a
// touch it asks, aloud, whether they are still there; IdleGiveUp later it
// keeps their progress in the journal and shows the welcome screen, so
// nothing of one visitor is left for the next.
const (
	IdleAsk    = 3 * time.Minute // the default; the device settings may change it
	IdleGiveUp = 45 * time.Second
	// MediatorIdle closes the mediator area (behind the PIN) left alone:
	// the next person needs the PIN again.
	MediatorIdle = 2 * time.Minute
)

// TypeSessionPaused is journaled when a visitor leaves mid-diagnostic; its
// payload holds the diagnostic's state so it can be resumed.
const TypeSessionPaused = event.TypeSessionPaused

// StillThere is the "are you still there?" question shown over a screen.
type StillThere struct {
	Yes *widget.Button

	popup *widget.PopUp
}

// touch notes that the visitor did something.
func (k *Kiosk) touch() {
	k.lastTouch = k.now()
	if k.Asking != nil {
		k.Asking.popup.Hide()
		k.Asking = nil
	}
}

func (k *Kiosk) now() time.Time {
	if k.cfg.Now != nil {
		return k.cfg.Now()
	}
	return time.Now()
}

// watchIdle checks for an absent visitor every few seconds.
func (k *Kiosk) watchIdle() {
	go func() {
		for range time.Tick(5 * time.Second) {
			k.cfg.Do(k.CheckIdle)
		}
	}()
}

// CheckIdle asks an idle visitor whether they are still there, and ends
// the visit when nobody answers. Call it on the UI goroutine.
func (k *Kiosk) CheckIdle() {
	if k.Warmup != nil {
		// The warm-up offers help after a while without progress.
		k.Warmup.Check()
	}
	// A PIN set with tremplin pin while the PIN screen is open.
	k.refreshPIN()
	idle := k.now().Sub(k.lastTouch)
	switch {
	case k.inMediatorArea() && idle >= MediatorIdle:
		k.mediatorSession = ""
		k.EndVisit()
	case k.Question != nil && k.Asking != nil && idle >= k.idleAsk()+IdleGiveUp:
		k.leave()
	case k.Question != nil && k.Asking == nil && idle >= k.idleAsk():
		k.askStillThere()
	case k.Question == nil && k.Welcome == nil && idle >= k.idleAsk():
		// Results, a learner's space or the mediator area left open: nothing
		// to save, a fresh visit for the next visitor.
		k.EndVisit()
	case k.Welcome != nil && idle >= k.idleAsk() && k.visit.Settings != k.defaults:
		// Settings changed by someone who left without starting.
		k.EndVisit()
	case k.Question == nil && k.Welcome != nil && k.interrupted != nil && !k.interrupted.Resumable(k.now()):
		// The offer to resume has expired: the next visitor must not see it.
		k.ShowWelcome()
	case k.Question == nil && k.Welcome != nil && k.moduleLeft != nil && !k.moduleLeft.Resumable(k.now()):
		k.ShowWelcome() // the same for a module left
	}
}

func (k *Kiosk) askStillThere() {
	s := &StillThere{}
	s.Yes = widget.NewButtonWithIcon(k.cat.T("idle.yes"), theme.ConfirmIcon(), k.touch)
	s.Yes.Importance = widget.HighImportance
	q := widget.NewLabelWithStyle(k.cat.T("idle.question"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	q.SizeName = theme.SizeNameSubHeadingText
	body := container.NewVBox(q, container.NewCenter(container.NewGridWrap(fyne.NewSize(360, 100), s.Yes)))
	s.popup = widget.NewModalPopUp(container.NewPadded(body), k.win.Canvas())
	s.popup.Show()
	k.Asking = s
	k.cfg.Voice.Say(k.cat.T("say.idle"))
}

// leave keeps an absent visitor's progress and shows a fresh welcome
// screen to the next one.
func (k *Kiosk) leave() {
	if k.Asking != nil {
		k.Asking.popup.Hide()
		k.Asking = nil
	}
	k.EndVisit()
}

// inMediatorArea is true while a screen behind the PIN is on display.
func (k *Kiosk) inMediatorArea() bool {
	return k.Mediator != nil || k.Learners != nil || k.Learner != nil || k.PathEditor != nil ||
		k.Group != nil || k.GroupSummary != nil || k.Device != nil
}
