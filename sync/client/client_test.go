package client_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/client"
	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

func TestBackoff(t *testing.T) {
	for attempt := range 50 {
		d := client.Backoff(attempt, time.Second, 10*time.Minute, 0)
		ceil := 10 * time.Minute
		if attempt < 10 {
			ceil = time.Second << attempt
		}
		if d < 500*time.Millisecond || d > ceil {
			t.Fatalf("attempt %d: %s outside [0.5s, %s]", attempt, d, ceil)
		}
	}
	if d := client.Backoff(0, time.Second, time.Minute, 30*time.Second); d < 30*time.Second {
		t.Fatalf("Retry-After ignored: %s", d)
	}
	// Jitter: 200 devices do not retry in lockstep.
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[client.Backoff(5, time.Second, time.Hour, 0).Round(time.Millisecond)] = true
	}
	if len(seen) < 40 {
		t.Fatalf("only %d distinct pauses out of 50", len(seen))
	}
}

func TestNotEnrolled(t *testing.T) {
	j, err := journal.Open(context.Background(), filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	_, err = client.SyncOnce(context.Background(), j)
	if err == nil || !strings.Contains(err.Error(), "not-enrolled") {
		t.Fatalf("err = %v", err)
	}
	st, _ := client.Status(j)
	if st.Enrolled || st.LastError == "" || st.ErrorKind != "not-enrolled" {
		t.Fatalf("status %+v", st)
	}
	if err := client.Enroll(context.Background(), j, "ftp://x", "CODE"); err == nil {
		t.Fatal("ftp server accepted")
	}
}

// TestRunBacksOffAndRecovers: the server refuses twice with 503 and
// Retry-After: 1; Run waits at least that long, then syncs everything.
func TestRunBacksOffAndRecovers(t *testing.T) {
	ctx := context.Background()
	store, err := server.OpenStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	site, _ := store.AddSite(ctx, "A")
	code, _, _ := store.NewEnrolCode(ctx, site.ID, time.Hour)
	h := server.New(store, server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
	var refusals atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/push") && refusals.Add(1) <= 2 {
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(503)
			io.WriteString(w, `{"type":"urn:tremplin:problem:unavailable","title":"Service Unavailable","status":503}`)
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	j, _ := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	defer j.Close()
	if err := client.Enroll(ctx, j, srv.URL, code); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		j.Append(ctx, journal.TypeAnswerRecorded, "L", map[string]bool{"correct": true})
	}
	var mu sync.Mutex
	var times []time.Time
	var errs []error
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		client.Run(rctx, j, client.Options{MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Interval: time.Hour,
			OnSync: func(r client.Report, err error) {
				mu.Lock()
				times = append(times, time.Now())
				errs = append(errs, err)
				if err == nil {
					cancel()
				}
				mu.Unlock()
			}})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not recover")
	}
	if len(times) != 3 || errs[0] == nil || errs[1] == nil || errs[2] != nil {
		t.Fatalf("attempts %v", errs)
	}
	for i := 1; i < 3; i++ {
		if gap := times[i].Sub(times[i-1]); gap < 900*time.Millisecond {
			t.Errorf("retry %d after %s, Retry-After said 1 s", i, gap)
		}
	}
	if n, _ := j.Pending(ctx); n != 0 {
		t.Errorf("pending %d", n)
	}
	st, _ := client.Status(j)
	if st.LastError != "" || st.LastSuccess.IsZero() {
		t.Errorf("status %+v", st)
	}
}

// TestServerURLMustBeEncrypted: a device refuses a plain http:// server
// unless it is on this machine or --insecure was given.
func TestServerURLMustBeEncrypted(t *testing.T) {
	for _, tc := range []struct {
		url      string
		insecure bool
		ok       bool
	}{
		{"https://sync.exemple.fr", false, true},
		{"http://sync.exemple.fr", false, false},
		{"http://192.168.1.10:8080", false, false},
		{"http://sync.exemple.fr", true, true},
		{"http://127.0.0.1:8080", false, true},
		{"http://[::1]:8080", false, true},
		{"http://localhost:8080/", false, true},
		{"ftp://sync.exemple.fr", true, false},
	} {
		_, err := client.CheckServerURL(tc.url, tc.insecure)
		if (err == nil) != tc.ok {
			t.Errorf("%s insecure=%v: %v", tc.url, tc.insecure, err)
		}
		var se *client.Error
		if !tc.ok && tc.url != "ftp://sync.exemple.fr" && (!errors.As(err, &se) || se.Kind != "insecure" || !se.Permanent()) {
			t.Errorf("%s: want a permanent insecure error, got %v", tc.url, err)
		}
	}
}
