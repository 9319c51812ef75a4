package journal_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func TestUnsentMarkSentPending(t *testing.T) {
	ctx := context.Background()
	j := open(t, filepath.Join(t.TempDir(), "j.db"))
	var ids []string
	for i := range 5 {
		ev, err := j.Append(ctx, journal.TypeAnswerRecorded, "L1", map[string]int{"n": i})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID)
	}
	un, err := j.Unsent(ctx, 3)
	if err != nil || len(un) != 3 || un[0].ID != ids[0] || un[2].ID != ids[2] {
		t.Fatalf("unsent = %v, %v", un, err)
	}
	if err := j.MarkSent(ctx, ids[:3]); err != nil {
		t.Fatal(err)
	}
	if n, _ := j.Pending(ctx); n != 2 {
		t.Fatalf("pending = %d", n)
	}
	un, _ = j.Unsent(ctx, 10)
	if len(un) != 2 || un[0].ID != ids[3] {
		t.Fatalf("unsent after mark = %v", un)
	}
}

func TestMergeIsUnionObservesClockAndSavesCursor(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := open(t, filepath.Join(dir, "a.db"))
	// b's clock is 20 minutes ahead of a's (within journal.MaxClockAhead).
	b := open(t, filepath.Join(dir, "b.db"), journal.WithClock(func() time.Time { return time.Now().Add(20 * time.Minute) }))
	evB, err := b.Append(ctx, journal.TypeLearnerCreated, "LB", map[string]string{"name": "Awa"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // merging twice is harmless
		n, err := a.Merge(ctx, []journal.Event{evB}, "42")
		if err != nil {
			t.Fatal(err)
		}
		_ = n
	}
	all, _ := a.Events(ctx, journal.Filter{})
	if len(all) != 1 || all[0].ID != evB.ID {
		t.Fatalf("a holds %v", all)
	}
	if n, _ := a.Pending(ctx); n != 0 {
		t.Fatalf("merged events must not be re-sent, pending = %d", n)
	}
	if c, _ := a.State(ctx, journal.StatePullCursor); c != "42" {
		t.Fatalf("cursor = %q", c)
	}
	evA, _ := a.Append(ctx, journal.TypeLearnerRenamed, "LB", map[string]string{"name": "Awa D."})
	if evA.HLC <= evB.HLC {
		t.Fatalf("local event after merge sorts before the remote one: %v <= %v", evA.HLC, evB.HLC)
	}
	ls, _ := a.Learners(ctx)
	if len(ls) != 1 || ls[0].Name != "Awa D." || ls[0].CreatedBy != b.DeviceID() {
		t.Fatalf("learners = %+v", ls)
	}
}

func TestErasure(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := open(t, filepath.Join(dir, "a.db"))
	b := open(t, filepath.Join(dir, "b.db"))
	for _, j := range []*journal.Journal{a, b} {
		j.Append(ctx, journal.TypeLearnerCreated, "L1", map[string]string{"name": "Jo"})
		j.Append(ctx, journal.TypeAnswerRecorded, "L1", map[string]bool{"correct": true})
		j.Append(ctx, journal.TypeLearnerCreated, "L2", map[string]string{"name": "Li"})
	}
	tomb, err := a.Erase(ctx, "L1", "request")
	if err != nil {
		t.Fatal(err)
	}
	left, _ := a.Events(ctx, journal.Filter{LearnerID: "L1"})
	if len(left) != 1 || left[0].Type != journal.TypeLearnerErased {
		t.Fatalf("a still holds %v", left)
	}
	// Pulled by b: the learner disappears from b too, sent or not.
	if _, err := b.Merge(ctx, []journal.Event{tomb}, ""); err != nil {
		t.Fatal(err)
	}
	left, _ = b.Events(ctx, journal.Filter{LearnerID: "L1"})
	if len(left) != 1 {
		t.Fatalf("b still holds %v", left)
	}
	ls, _ := b.Learners(ctx)
	if len(ls) != 1 || ls[0].ID != "L2" {
		t.Fatalf("b learners = %+v", ls)
	}
	// A late event about L1 arriving after the tombstone is dropped.
	late, _ := a.Append(ctx, journal.TypeAnswerRecorded, "L1", nil)
	b.Merge(ctx, []journal.Event{late}, "")
	if left, _ = b.Events(ctx, journal.Filter{LearnerID: "L1"}); len(left) != 1 {
		t.Fatalf("late event resurrected L1: %v", left)
	}
	if _, err := a.Erase(ctx, "", ""); err == nil {
		t.Fatal("erase of nobody accepted")
	}
}

func TestStateAndStatus(t *testing.T) {
	ctx := context.Background()
	j := open(t, filepath.Join(t.TempDir(), "j.db"))
	s, err := j.SyncStatus(ctx)
	if err != nil || s.Enrolled || !s.LastSuccess.IsZero() {
		t.Fatalf("fresh status = %+v, %v", s, err)
	}
	if err := j.SetState(ctx, journal.StateServerURL, "http://x", journal.StateToken, "t"); err != nil {
		t.Fatal(err)
	}
	if err := j.SetState(ctx, "odd"); err == nil {
		t.Fatal("odd args accepted")
	}
	j.Append(ctx, "x.y", "", nil)
	now := time.Now()
	j.RecordSync(ctx, now, "network", "Le serveur ne répond pas.")
	s, _ = j.SyncStatus(ctx)
	if !s.Enrolled || s.Pending != 1 || s.LastError == "" || s.ErrorKind != "network" || !s.LastSuccess.IsZero() {
		t.Fatalf("status = %+v", s)
	}
	j.RecordSync(ctx, now, "", "")
	s, _ = j.SyncStatus(ctx)
	if s.LastError != "" || !s.LastSuccess.Equal(now.UTC()) {
		t.Fatalf("status after success = %+v", s)
	}
	j.SetState(ctx, journal.StateToken, "")
	if v, _ := j.State(ctx, journal.StateToken); v != "" {
		t.Fatal("empty value did not delete")
	}
}

// TestClockBounds: a remote clock beyond journal.MaxClockAhead is not
// adopted, the clock never wraps, and a journal whose clock was poisoned
// (as v1 kiosks were by one wild event) re-stamps its unsent events so
// they can be sent, in the same order.
func TestClockBounds(t *testing.T) {
	ctx := context.Background()
	if h := journal.Tick(journal.MaxHLC, time.Now()); h != journal.MaxHLC {
		t.Errorf("tick at the end of time wrapped: %d", h)
	}
	if h := journal.MakeHLC(1<<62, 0); h < 0 {
		t.Errorf("MakeHLC overflowed: %d", h)
	}
	dir := t.TempDir()
	a := open(t, filepath.Join(dir, "a.db"))
	wild := journal.Event{ID: "0190a000-0000-7000-8000-000000000001", DeviceID: "0190a000-0000-7000-8000-0000000000ff", Seq: 1,
		WallTime: time.Now(), HLC: journal.MaxHLC - 2, Type: "learner.created", LearnerID: "LW", Payload: []byte(`{"name":"W"}`)}
	if _, err := a.Merge(ctx, []journal.Event{wild}, ""); err != nil {
		t.Fatal(err)
	}
	ev, _ := a.Append(ctx, journal.TypeAnswerRecorded, "L1", nil)
	if ev.HLC > journal.Limit(time.Now()) || ev.HLC <= 0 {
		t.Fatalf("a adopted a wild clock: its next event is at %v", ev.HLC)
	}
	// A v1 journal that adopted the wild clock before the fix.
	if _, err := a.DB().Exec(`UPDATE device SET last_hlc = ?`, int64(journal.MaxHLC-70)); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for range 63 {
		ev, err := a.Append(ctx, journal.TypeAnswerRecorded, "L1", nil)
		if err != nil {
			t.Fatal(err)
		}
		if ev.HLC < 0 {
			t.Fatalf("clock wrapped to %d", ev.HLC)
		}
		ids = append(ids, ev.ID)
	}
	n, err := a.RestampAhead(ctx)
	if err != nil || n != 63 {
		t.Fatalf("restamped %d, %v; want 63", n, err)
	}
	un, _ := a.Unsent(ctx, 100)
	var prev journal.HLC
	k := 0
	for _, e := range un {
		if e.HLC > journal.Limit(time.Now()) {
			t.Errorf("event %s still at %v", e.ID, e.HLC)
		}
		if e.HLC <= prev {
			t.Errorf("order lost: %v after %v", e.HLC, prev)
		}
		prev = e.HLC
		if k < len(ids) && e.ID == ids[k] {
			k++
		}
	}
	if k != 63 {
		t.Errorf("restamped events out of journal order")
	}
	next, _ := a.Append(ctx, journal.TypeAnswerRecorded, "L1", nil)
	if next.HLC <= prev || next.HLC > journal.Limit(time.Now()) {
		t.Errorf("after restamp the clock is at %v (last restamped %v)", next.HLC, prev)
	}
}
