package kiosksetup

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// fakeKiosk plays back exit statuses, each after running for a given time.
type fakeKiosk struct {
	now    time.Time
	runs   []time.Duration // how long each run lasts
	status []int           // how each run ends
	waits  []time.Duration
	calls  int
}

func (f *fakeKiosk) config() SessionConfig {
	return SessionConfig{
		Run: func(ctx context.Context) (int, error) {
			i := f.calls
			f.calls++
			f.now = f.now.Add(f.runs[i])
			if f.status[i] != 0 {
				return f.status[i], errors.New("exit status")
			}
			return 0, nil
		},
		Sleep: func(ctx context.Context, d time.Duration) { f.waits = append(f.waits, d); f.now = f.now.Add(d) },
		Now:   func() time.Time { return f.now },
	}
}

func TestSessionRestartsUntilMediatorQuits(t *testing.T) {
	f := &fakeKiosk{
		runs:   []time.Duration{time.Hour, 2 * time.Hour, time.Minute},
		status: []int{2, 1, 0},
	}
	Session(context.Background(), f.config())
	if f.calls != 3 {
		t.Errorf("ran %d times, want 3 (two crashes, then a mediator's quit)", f.calls)
	}
	if !slices.Equal(f.waits, []time.Duration{quickRestart, quickRestart}) {
		t.Errorf("waits %v", f.waits)
	}
}

func TestSessionBacksOffWhenKioskFailsAtOnce(t *testing.T) {
	f := &fakeKiosk{}
	for i := 0; i < 8; i++ {
		f.runs = append(f.runs, time.Second)
		f.status = append(f.status, 1)
	}
	f.runs = append(f.runs, time.Hour)
	f.status = append(f.status, 0)
	Session(context.Background(), f.config())
	want := []time.Duration{quickRestart, quickRestart, quickRestart, quickRestart, quickRestart, slowRestart, slowRestart, slowRestart}
	if !slices.Equal(f.waits, want) {
		t.Errorf("waits %v, want %v", f.waits, want)
	}
}

func TestSessionEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	Session(ctx, SessionConfig{
		Run: func(context.Context) (int, error) {
			calls++
			cancel() // the display manager closes the session
			return -1, errors.New("signal: terminated")
		},
		Sleep: func(context.Context, time.Duration) { t.Error("slept after the session ended") },
		Now:   time.Now,
	})
	if calls != 1 {
		t.Errorf("ran %d times after the session ended", calls)
	}
}
