package kiosksetup

import (
	"context"
	"log/slog"
	"time"
)

// SessionConfig is what Session needs: how to run the kiosk once, and how
// to wait (tests pass a fake clock).
type SessionConfig struct {
	// Run runs `tremplin --kiosk` until it exits and returns its exit status
	// (non-zero, with err set, when it could not start or was killed).
	Run func(ctx context.Context) (status int, err error)
	// Sleep waits d or until ctx ends.
	Sleep func(ctx context.Context, d time.Duration)
	// Now tells the time.
	Now func() time.Time
}

// Back-off of Session: a kiosk that keeps stopping within quickFail of its
// start is started again after slowRestart instead of at once, so a broken
// install does not spin the processor.
const (
	quickFail    = 10 * time.Second
	quickRestart = time.Second
	slowRestart  = 30 * time.Second
	quickLimit   = 5
)

// Session is the whole X session of a kiosk account: it runs the kiosk and
// starts it again whenever it stops, except when a mediator chose "Quitter"
// (exit status 0): then the session ends and the display manager's login
// screen comes back, for maintenance. It returns when ctx ends (the session
// is being closed) or after a clean exit.
func Session(ctx context.Context, c SessionConfig) {
	quick := 0
	for ctx.Err() == nil {
		start := c.Now()
		status, err := c.Run(ctx)
		if status == 0 && err == nil {
			slog.Info("kiosk quit by a mediator: session ends")
			return
		}
		if ctx.Err() != nil {
			return
		}
		if c.Now().Sub(start) < quickFail {
			quick++
		} else {
			quick = 0
		}
		wait := quickRestart
		if quick > quickLimit {
			wait = slowRestart
		}
		slog.Warn("kiosk stopped: starting it again", "status", status, "err", err, "in", wait)
		c.Sleep(ctx, wait)
	}
}
