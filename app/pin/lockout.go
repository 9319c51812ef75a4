package pin

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Store keeps small device settings; *journal.Journal is one (its state
// table, never synced).
type Store interface {
	State(ctx context.Context, key string) (string, error)
	SetState(ctx context.Context, kv ...string) error
}

// Lockout slows down guessing: after Free wrong tries in a row, each
// further wrong try locks the keypad for Base, then twice as long each
// time, up to Max. Its count lives in the Store under Key, so restarting
// the kiosk does not reset it, and it reads the injectable clock Now.
//
// With the mediator PIN's settings (PINLockout) trying the million 6-digit
// PINs would take centuries; trying the ten thousand 4-digit ones, years.
type Lockout struct {
	Store Store
	Key   string
	Now   func() time.Time
	Free  int
	Base  time.Duration
	Max   time.Duration
}

// PINLockout returns the mediator PIN's lockout: 3 free tries, then 30 s,
// 1 min, 2 min… up to a day.
func PINLockout(s Store, now func() time.Time) *Lockout {
	return &Lockout{Store: s, Key: "mediator.pin_lockout", Now: now, Free: 3, Base: 30 * time.Second, Max: 24 * time.Hour}
}

type lockState struct {
	Failures int       `json:"failures"`
	Until    time.Time `json:"until"`
}

func (l *Lockout) load(ctx context.Context) (lockState, error) {
	var st lockState
	v, err := l.Store.State(ctx, l.Key)
	if err != nil {
		return st, fmt.Errorf("read %s: %w", l.Key, err)
	}
	if v != "" {
		if err := json.Unmarshal([]byte(v), &st); err != nil {
			// A damaged record must not unlock the keypad: treat it as locked
			// for the longest wait from now on.
			return lockState{Failures: 64, Until: l.Now().Add(l.Max)}, nil
		}
	}
	return st, nil
}

// Wait returns how long the keypad stays locked (0: a try is allowed).
func (l *Lockout) Wait(ctx context.Context) (time.Duration, error) {
	st, err := l.load(ctx)
	if err != nil {
		return 0, err
	}
	return max(0, st.Until.Sub(l.Now())), nil
}

// Fail records a wrong try and returns the wait it imposes (0 while the
// free tries last).
func (l *Lockout) Fail(ctx context.Context) (time.Duration, error) {
	st, err := l.load(ctx)
	if err != nil {
		return 0, err
	}
	st.Failures++
	wait := time.Duration(0)
	if n := st.Failures - l.Free; n > 0 {
		wait = l.Base
		for i := 1; i < n && wait < l.Max; i++ {
			wait *= 2
		}
		wait = min(wait, l.Max)
		st.Until = l.Now().Add(wait)
	}
	b, _ := json.Marshal(st)
	if err := l.Store.SetState(ctx, l.Key, string(b)); err != nil {
		return wait, fmt.Errorf("save %s: %w", l.Key, err)
	}
	return wait, nil
}

// Reset forgets the wrong tries, after a right one. It writes only when
// there was one (a write waits for the disk).
func (l *Lockout) Reset(ctx context.Context) error {
	if v, err := l.Store.State(ctx, l.Key); err == nil && v == "" {
		return nil
	}
	if err := l.Store.SetState(ctx, l.Key, ""); err != nil {
		return fmt.Errorf("reset %s: %w", l.Key, err)
	}
	return nil
}
