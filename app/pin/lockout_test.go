package pin

import (
	"context"
	"testing"
	"time"
)

type memStore map[string]string

func (m memStore) State(_ context.Context, k string) (string, error) { return m[k], nil }
func (m memStore) SetState(_ context.Context, kv ...string) error {
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return nil
}

func TestLockoutIsExponentialAndSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := memStore{}
	var waits []time.Duration
	for range 8 {
		l := PINLockout(store, clock) // a new Lockout each time: a restarted kiosk
		if w, _ := l.Wait(ctx); w != 0 {
			t.Fatalf("locked before the try: %v", w)
		}
		w, err := l.Fail(ctx)
		if err != nil {
			t.Fatal(err)
		}
		waits = append(waits, w)
		if w > 0 {
			if got, _ := PINLockout(store, clock).Wait(ctx); got != w {
				t.Fatalf("after a restart the wait is %v, want %v", got, w)
			}
			now = now.Add(w)
		}
	}
	want := []time.Duration{0, 0, 0, 30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
	// Time to try every 6-digit PIN: the sum of the waits is beyond reach.
	fresh := memStore{}
	l := PINLockout(fresh, clock)
	var total time.Duration
	for range 200 {
		w, _ := l.Fail(ctx)
		total += w
	}
	if total < 100*24*time.Hour {
		t.Errorf("200 tries take only %v", total)
	}
	if err := l.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if w, _ := l.Fail(ctx); w != 0 {
		t.Errorf("after a reset the first wrong try waits %v", w)
	}
	fresh[l.Key] = "garbage"
	if w, _ := l.Wait(ctx); w != l.Max {
		t.Errorf("a damaged record unlocks: wait %v", w)
	}
}
