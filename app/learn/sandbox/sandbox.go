// Package sandbox holds Tremplin's native practice sandboxes: a mock browser,
// mailbox, online form and file explorer, and the gesture drills (click,
// double-click, drag, scroll, type). Each is a set of Fyne widgets that looks
// like the program a French adult meets, works offline, and reports every
// action through Env.Record; the rule that decides success is data of the
// pack (content.Practice).
//
// Package sandbox imports Fyne, content and the pure-Go answer checker of
// assessment; it never imports app, the journal or the visit: the module
// player (app/learn) gives it what it needs through Env.
package sandbox

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"github.com/tremplin-numerique/tremplin/content"
)

// Env is what a sandbox needs from the kiosk; the module player fills it.
// Nil functions are replaced by harmless defaults (no text, no voice, no
// picture, no journal, the real clock).
type Env struct {
	T        func(key string, args ...string) string // catalogue text (French or English)
	Say      func(text string)                       // speak text (stops what was playing)
	Resource func(name string) fyne.Resource         // a picture of the loaded pack (nil when missing)
	Record   func(a Action)                          // journal one action (the player appends a practice.action event)
	Now      func() time.Time                        // the clock (tests inject one)
}

// Action is one thing the learner did in a sandbox; journaled as is.
type Action struct {
	Kind   string  `json:"kind"`             // "click", "double_click", "drag", "scroll", "type", "open", "attach", "send", "delete", "close_tab"…
	Target string  `json:"target,omitempty"` // what it was done on (a link, a message id, a field, a file…)
	Value  string  `json:"value,omitempty"`  // what was typed or chosen
	X      float64 `json:"x,omitempty"`      // where, in the sandbox's own coordinates, when it matters
	Y      float64 `json:"y,omitempty"`
}

// Result is how one attempt at a practice ended.
type Result struct {
	Success  bool               `json:"success"`
	Measures map[string]float64 `json:"measures,omitempty"` // e.g. click_error_px, double_click_ms, drag_success, target_px
}

// Sandbox is a running practice.
type Sandbox interface {
	View() fyne.CanvasObject // the whole practice area; fits 1024×768 below a one-line instruction and the player's buttons
	ShowHint()               // after the 2nd miss: show (and say via Env.Say) the item's hint
	ShowSolution()           // after the 3rd miss: show (and say) the solution
	Reset()                  // "Réessayer": start the attempt over
}

// ViewSize is the area a sandbox is designed for: a 1024×768 screen less a
// one-line instruction and the player's row of buttons.
var ViewSize = fyne.NewSize(1024, 560)

// MinTarget is the smallest side, in Fyne units, of anything a learner must
// click.
const MinTarget = 48

// New builds the sandbox for a practice item of the pack (content.Item whose
// Kind is one of the content.KindSandbox*/KindGesture* kinds, data in
// it.Practice); done is called once per attempt.
func New(it *content.Item, env Env, done func(Result)) (Sandbox, error) {
	if it == nil {
		return nil, fmt.Errorf("new sandbox: no item")
	}
	if done == nil {
		done = func(Result) {}
	}
	b := newBase(it, env, done)
	var (
		s   Sandbox
		err error
	)
	switch it.Kind {
	case content.KindGestureClick:
		s, err = newClickDrill(b)
	case content.KindGestureDoubleClick:
		s, err = newDoubleClickDrill(b)
	case content.KindGestureDrag:
		s, err = newDragDrill(b)
	case content.KindGestureScroll:
		s, err = newScrollDrill(b)
	case content.KindGestureType:
		s, err = newTypeDrill(b)
	case content.KindSandboxBrowser:
		s, err = newBrowser(b)
	case content.KindSandboxMail:
		s, err = newMailbox(b)
	case content.KindSandboxForm:
		s, err = newForm(b)
	case content.KindSandboxFiles:
		s, err = newFiles(b)
	default:
		return nil, fmt.Errorf("new sandbox for item %s: kind %q is not a practice kind", it.ID, it.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("new sandbox for item %s: %w", it.ID, err)
	}
	return s, nil
}
