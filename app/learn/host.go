// Package learn is the kiosk's module player: it plays a module of the
// content pack one step at a time (one idea, one picture, said aloud on
// open), shows its practice (questions itself, sandboxes and gesture drills
// through app/learn/sandbox), gives kind spoken feedback with Réessayer, a
// hint on the second miss and the solution on the third, and offers the
// modules as a picture grid by domain.
//
// What happens is decided by a progress.Run (Fyne-free, journaled, resumable);
// this package only renders it. It needs from the kiosk only Host, and never
// imports package app.
package learn

import "fyne.io/fyne/v2"

// Host is what the player needs from the kiosk.
type Host interface {
	// T returns the catalogue text of key (learn.*, say.learn.*).
	T(key string, args ...string) string
	// Say speaks texts one after the other, stopping what was playing.
	// Every text has a clip in the pack.
	Say(texts ...string)
	// Stop silences the voice.
	Stop()
	// Slower and SetSlower read and set the slower voice (the same setting
	// as the welcome screen's).
	Slower() bool
	SetSlower(on bool)
	// Resource returns a picture of the pack, nil when missing.
	Resource(name string) fyne.Resource
	// Touched tells the kiosk the learner did something (idle timer).
	Touched()
}
