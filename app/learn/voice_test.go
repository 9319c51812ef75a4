package learn_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/app/learn"
)

// fakeSpeaker "speaks" each text until the test ends it.
type fakeSpeaker struct {
	mu       sync.Mutex
	said     []string
	speaking bool
}

func (f *fakeSpeaker) Say(t string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.said, f.speaking = append(f.said, t), true
}
func (f *fakeSpeaker) Stop() { f.mu.Lock(); f.speaking = false; f.mu.Unlock() }
func (f *fakeSpeaker) Speaking() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.speaking
}
func (f *fakeSpeaker) finish() { f.Stop() }
func (f *fakeSpeaker) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.said)
}

// waitFor polls until cond holds (the sequence runs in its own goroutine);
// it fails after a generous bound, it does not measure time.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 2000 && !cond(); i++ {
		time.Sleep(time.Millisecond)
	}
	if !cond() {
		t.Fatal("condition never held")
	}
}

func TestSequenceSaysInOrderAndCancels(t *testing.T) {
	f := &fakeSpeaker{}
	s := learn.NewSequence(f)
	s.Poll = time.Millisecond
	s.Say("a", "b", "c")
	if got := f.got(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("said %q at once, want a", got)
	}
	f.finish()
	waitFor(t, func() bool { return len(f.got()) == 2 })
	if f.got()[1] != "b" {
		t.Errorf("said %q", f.got())
	}
	s.Say("x") // a new step: c is dropped
	f.finish()
	time.Sleep(10 * time.Millisecond)
	if got := f.got(); !slices.Equal(got, []string{"a", "b", "x"}) {
		t.Errorf("said %q, want a b x (c cancelled)", got)
	}
}
