package journal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/journal"
)

func open(t testing.TB, path string, opts ...journal.Option) *journal.Journal {
	t.Helper()
	j, err := journal.Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func TestAppendAndRead(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.db")
	j := open(t, path)
	for i := range 3 {
		if _, err := j.Append(ctx, journal.TypeAnswerRecorded, "L1", map[string]any{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := j.Append(ctx, journal.TypeSessionStarted, "L2", nil); err != nil {
		t.Fatal(err)
	}
	evs, err := j.Events(ctx, journal.Filter{LearnerID: "L1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 {
		t.Fatalf("got %d events for L1, want 3", len(evs))
	}
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Errorf("event %d seq = %d", i, e.Seq)
		}
		if e.DeviceID != j.DeviceID() || e.Type != journal.TypeAnswerRecorded {
			t.Errorf("event %d = %+v", i, e)
		}
		var p struct{ N int }
		if err := json.Unmarshal(e.Payload, &p); err != nil || p.N != i {
			t.Errorf("payload %s", e.Payload)
		}
		if i > 0 && e.HLC <= evs[i-1].HLC {
			t.Errorf("hlc not increasing: %v then %v", evs[i-1].HLC, e.HLC)
		}
		if i > 0 && e.ID <= evs[i-1].ID {
			t.Errorf("UUIDv7 ids not increasing")
		}
	}
}

func TestDeviceIDAndSeqSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := journal.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	dev := j.DeviceID()
	if _, err := j.Append(ctx, "x", "", nil); err != nil {
		t.Fatal(err)
	}
	j.Close()
	j = open(t, path)
	if j.DeviceID() != dev {
		t.Errorf("device id changed: %s → %s", dev, j.DeviceID())
	}
	e, err := j.Append(ctx, "x", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 2 {
		t.Errorf("seq after reopen = %d, want 2", e.Seq)
	}
}

func TestClockGoingBackwardsKeepsOrder(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	j := open(t, filepath.Join(t.TempDir(), "j.db"), journal.WithClock(func() time.Time { return now }))
	a, _ := j.Append(ctx, "x", "", nil)
	now = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC) // clock reset to years ago
	b, err := j.Append(ctx, "x", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.HLC <= a.HLC {
		t.Errorf("hlc went backwards: %v then %v", a.HLC, b.HLC)
	}
	if !b.WallTime.Equal(now) {
		t.Errorf("wall time should record the device clock as is, got %v", b.WallTime)
	}
}

func TestHLCObserve(t *testing.T) {
	now := time.UnixMilli(1000)
	remote := journal.MakeHLC(5000, 3)
	h := journal.Observe(journal.MakeHLC(900, 0), remote, now)
	if h <= remote {
		t.Errorf("observe %v then got %v", remote, h)
	}
	if got := journal.Tick(h, now); got <= h {
		t.Errorf("tick after observe went back: %v", got)
	}
	if journal.MakeHLC(1234, 7).WallMS() != 1234 || journal.MakeHLC(1234, 7).Logical() != 7 {
		t.Error("hlc parts")
	}
}

func TestConcurrentAppendsHaveUniqueSeq(t *testing.T) {
	ctx := context.Background()
	j := open(t, filepath.Join(t.TempDir(), "j.db"))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if _, err := j.Append(ctx, "x", "", nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	evs, _ := j.Events(ctx, journal.Filter{})
	seen := map[int64]bool{}
	for _, e := range evs {
		if seen[e.Seq] {
			t.Fatalf("seq %d twice", e.Seq)
		}
		seen[e.Seq] = true
	}
	if len(evs) != 80 {
		t.Fatalf("%d events, want 80", len(evs))
	}
}

func TestCorruptFileIsRefusedAndKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	junk := bytes.Repeat([]byte("this is not sqlite "), 400)
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := journal.Open(context.Background(), path)
	if !errors.Is(err, journal.ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, junk) {
		t.Error("the damaged journal was modified")
	}
}

func TestUnwritableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		// root writes anywhere; a file in place of the directory fails for everyone.
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, nil, 0o600)
		_, err := journal.Open(context.Background(), filepath.Join(f, "journal.db"))
		if err == nil {
			t.Fatal("opened a journal under a file")
		}
		return
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	_, err := journal.Open(context.Background(), filepath.Join(dir, "journal.db"))
	if err == nil {
		t.Fatal("opened a journal in a read-only directory")
	}
}

func TestFullDiskLosesNothing(t *testing.T) {
	ctx := context.Background()
	j := open(t, filepath.Join(t.TempDir(), "j.db"))
	db := j.DB()
	db.SetMaxOpenConns(1) // the pragma below is per connection
	var pages int
	db.QueryRow("PRAGMA page_count").Scan(&pages)
	if _, err := db.Exec("PRAGMA max_page_count = " + itoa(pages+1)); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 4000)
	var ok int
	var err error
	for range 50 {
		if _, err = j.Append(ctx, "x", "", big); err != nil {
			break
		}
		ok++
	}
	if !errors.Is(err, journal.ErrFull) {
		t.Fatalf("err = %v, want ErrFull", err)
	}
	evs, err := j.Events(ctx, journal.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != ok {
		t.Errorf("%d events kept, %d acknowledged", len(evs), ok)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestWriteJSONLines(t *testing.T) {
	ctx := context.Background()
	j := open(t, filepath.Join(t.TempDir(), "j.db"))
	j.Append(ctx, journal.TypeAnswerRecorded, "L", map[string]bool{"correct": true})
	j.Append(ctx, journal.TypeAnswerRecorded, "L", map[string]bool{"correct": false})
	var buf bytes.Buffer
	if err := j.WriteJSONLines(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	var e journal.Event
	if err := json.Unmarshal([]byte(lines[1]), &e); err != nil {
		t.Fatal(err)
	}
	if e.Seq != 2 || string(e.Payload) != `{"correct":false}` {
		t.Errorf("line 2 = %s", lines[1])
	}
}

// BenchmarkAppend measures one durable answer append (fsync'd transaction).
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	j := open(b, filepath.Join(b.TempDir(), "j.db"))
	payload := map[string]any{"item_id": "eq-souris-1", "skill": "equipement.souris.reconnaitre", "correct": true, "response": map[string]any{"choices": []int{0}}}
	b.ResetTimer()
	for b.Loop() {
		if _, err := j.Append(ctx, journal.TypeAnswerRecorded, "learner", payload); err != nil {
			b.Fatal(err)
		}
	}
}
