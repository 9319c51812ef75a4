package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/tremplin-numerique/tremplin/sync/dashboard"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// load measures the figures of issue 7 and prints them (with --dashboard,
// while the web dashboard runs in the process as in tremplin-server):
//   - events ingested per second by the store (batches of 1 000);
//   - N devices pushing concurrently over HTTP on loopback, p50/p99 latency;
//   - bytes on the wire per answer event (gzip'd push body / events).
func load(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	db := fs.String("db", "", "database (default: a temporary SQLite file)")
	devices := fs.Int("devices", 200, "concurrent devices")
	batches := fs.Int("batches", 5, "batches each device pushes")
	batch := fs.Int("batch", 100, "events a device batch")
	ingest := fs.Int("ingest", 100000, "events for the ingestion figure")
	patience := fs.Duration("patience", 5*time.Minute, "how long a device keeps retrying a busy push before it counts as stuck")
	dash := fs.Bool("dashboard", false, "run the web dashboard in the same process, its indexer folding the events as they come, as tremplin-server does")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dsn := *db
	if dsn == "" {
		dir, err := os.MkdirTemp("", "tremplin-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = "sqlite:" + filepath.Join(dir, "load.db")
	}
	_, err := runLoad(ctx, dsn, loadConfig{Devices: *devices, Batches: *batches, Batch: *batch, Ingest: *ingest, Patience: *patience,
		Dashboard: *dash}, stdout)
	return err
}

type loadConfig struct {
	Devices, Batches, Batch, Ingest int
	Patience                        time.Duration // how long a device keeps retrying a push
	// Dashboard runs the web dashboard in the process (its indexer
	// folding every 2 s, its pages behind the API), as the server does.
	Dashboard bool
}

type loadFigures struct {
	IngestPerSec   float64
	PushEventsSec  float64
	P50, P99, Max  time.Duration
	BytesPerAnswer float64
	Requests       int
	Retries        int // pushes refused as busy (429, 503) or lost, then retried
	Stuck          int // devices that could not push everything in time
	// Folded is how many events the dashboard's indexer folded while the
	// load ran; Behind how many it still had to fold at the end.
	Folded, Behind int
	// IngestCPU and PushCPU are the process's CPU time per event (server
	// and, for the push, the simulated devices too): unlike rates, they
	// hardly change when other programs share the machine.
	IngestCPU, PushCPU time.Duration
}

// answerEvents makes n realistic answer.recorded events of one device.
func answerEvents(device string, firstSeq, n int) []wire.Event {
	learner := uuid.Must(uuid.NewV7()).String()
	session := uuid.Must(uuid.NewV7()).String()
	now := time.Now().UnixMilli()
	out := make([]wire.Event, n)
	for i := range out {
		p, _ := json.Marshal(map[string]any{"learner_id": learner, "session_id": session,
			"item_id": fmt.Sprintf("internet.search.%03d", i%120), "skill": "internet.search", "domain": "internet",
			"kind": "single", "outcome": []string{"correct", "incorrect", "dont_know"}[i%3], "correct": i%3 == 0, "response": fmt.Sprint(i % 4)})
		out[i] = wire.Event{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: device, Seq: int64(firstSeq + i), WallMS: now + int64(i*4000),
			HLC: (now + int64(i*4000)) << 16, Type: "answer.recorded", LearnerID: learner, Payload: p}
	}
	return out
}

func runLoad(ctx context.Context, dsn string, cfg loadConfig, w io.Writer) (loadFigures, error) {
	var fig loadFigures
	store, err := server.OpenStore(ctx, dsn)
	if err != nil {
		return fig, err
	}
	defer store.Close()
	site, err := store.AddSite(ctx, "load")
	if err != nil {
		return fig, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var dash *dashboard.Dashboard
	var fallback http.Handler
	if cfg.Dashboard {
		if dash, err = dashboard.New(ctx, store, dashboard.Config{Logger: quiet}); err != nil {
			return fig, err
		}
		fallback = dash.Handler()
		ictx, stopIndex := context.WithCancel(ctx)
		indexed := make(chan struct{})
		go func() { defer close(indexed); dash.Run(ictx) }()
		defer func() { stopIndex(); <-indexed }()
	}

	// 1. Wire size of an answer event.
	sample := answerEvents(uuid.Must(uuid.NewV7()).String(), 1, 500)
	body, _ := wire.EncodePush(sample)
	fig.BytesPerAnswer = float64(len(body)) / float64(len(sample))

	// 2. Store ingestion, batches of 1 000 from one device.
	code, _, err := store.NewEnrolCode(ctx, site.ID, time.Hour)
	if err != nil {
		return fig, err
	}
	dev, _, err := store.Enrol(ctx, code, wire.NewKey())
	if err != nil {
		return fig, err
	}
	start, cpu0 := time.Now(), cpuTime()
	for done := 0; done < cfg.Ingest; done += wire.MaxBatchEvents {
		n := min(wire.MaxBatchEvents, cfg.Ingest-done)
		if _, err := store.Push(ctx, dev, answerEvents(dev.ID, done+1, n)); err != nil {
			return fig, err
		}
	}
	fig.IngestPerSec = float64(cfg.Ingest) / time.Since(start).Seconds()
	fig.IngestCPU = (cpuTime() - cpu0) / time.Duration(max(cfg.Ingest, 1))

	// 3. N devices pushing concurrently over HTTP.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fig, err
	}
	// The server's internal errors are printed (a push answered 500 is not
	// retried: it makes a device stuck, and its cause must be seen), not
	// the request lines of busy answers.
	srvLog := slog.New(internalOnly{slog.NewTextHandler(os.Stderr, nil)})
	srv := server.New(store, server.Config{Logger: srvLog, DeviceRate: 1000, DeviceBurst: 1000, Fallback: fallback})
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln, 10*time.Second) }()
	base := "http://" + ln.Addr().String()
	tokens := make([]string, cfg.Devices)
	ids := make([]string, cfg.Devices)
	for i := range tokens {
		code, _, err := store.NewEnrolCode(ctx, site.ID, time.Hour)
		if err != nil {
			stop()
			return fig, err
		}
		tokens[i] = wire.NewKey()
		dev, _, err := store.Enrol(ctx, code, tokens[i])
		if err != nil {
			stop()
			return fig, err
		}
		ids[i] = dev.ID
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Devices}, Timeout: 120 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	fails := map[string]int{}
	var wg sync.WaitGroup
	// The devices' bodies are made beforehand: on a real network the
	// kiosks do that work, and the figures are the server's.
	bodies := make([][][]byte, cfg.Devices)
	for i := range bodies {
		for b := range cfg.Batches {
			body, err := wire.EncodePush(answerEvents(ids[i], b*cfg.Batch+1, cfg.Batch))
			if err != nil {
				stop()
				return fig, err
			}
			bodies[i] = append(bodies[i], body)
		}
	}
	start, cpu0 = time.Now(), cpuTime()
	for i := range cfg.Devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, body := range bodies[i] {
				// Like a kiosk: a busy answer (429, 503) or a transport
				// failure is retried after Retry-After (1 s if none), until
				// the device's deadline; a device that cannot finish is stuck.
				for deadline := time.Now().Add(cfg.Patience); ; {
					req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/sync/push", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Content-Encoding", "gzip")
					req.Header.Set("Authorization", "Bearer "+tokens[i])
					t0 := time.Now()
					resp, err := hc.Do(req)
					d := time.Since(t0)
					why, wait := "", time.Second
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						why = resp.Status
						if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && ra > 0 {
							wait = time.Duration(ra) * time.Second
						}
					} else {
						why = err.Error()
					}
					ok := err == nil && resp.StatusCode == 200
					retry := !ok && (err != nil || resp.StatusCode == 429 || resp.StatusCode == 503)
					mu.Lock()
					fig.Requests++
					if ok {
						lat = append(lat, d)
					} else {
						fig.Retries++
						if fails[why]++; fails[why] == 1 {
							slog.Warn("push refused", "why", why)
						}
					}
					mu.Unlock()
					if ok {
						break
					}
					if !retry || time.Now().Add(wait).After(deadline) {
						mu.Lock()
						fig.Stuck++
						mu.Unlock()
						return
					}
					time.Sleep(wait)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	fig.PushCPU = (cpuTime() - cpu0) / time.Duration(max(cfg.Devices*cfg.Batches*cfg.Batch, 1))
	stop()
	<-done
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	if len(lat) > 0 {
		fig.P50 = lat[len(lat)/2]
		fig.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
		fig.Max = lat[len(lat)-1]
	}
	fig.PushEventsSec = float64(cfg.Devices*cfg.Batches*cfg.Batch) / elapsed.Seconds()
	if dash != nil {
		var pending int64
		if err := store.DB().QueryRowContext(ctx, `SELECT COALESCE(SUM(s.last_pos - COALESCE(c.pos, 0)), 0) FROM sites s
			LEFT JOIN dash_cursor c ON c.site_id = s.id`).Scan(&pending); err != nil {
			return fig, err
		}
		fig.Behind = int(pending)
		var total int64
		if err := store.DB().QueryRowContext(ctx, `SELECT COALESCE(SUM(last_pos), 0) FROM sites`).Scan(&total); err != nil {
			return fig, err
		}
		fig.Folded = int(total) - fig.Behind
	}

	fmt.Fprintf(w, "database                 %s, dashboard in process: %v\n", store.Dialect(), cfg.Dashboard)
	fmt.Fprintf(w, "store ingestion          %.0f events/s (%d events, batches of %d; CPU %s an event)\n", fig.IngestPerSec, cfg.Ingest, wire.MaxBatchEvents,
		fig.IngestCPU.Round(100*time.Nanosecond))
	fmt.Fprintf(w, "concurrent push          %d devices × %d batches × %d events: %.0f events/s over HTTP (CPU %s an event, the devices' HTTP client included)\n",
		cfg.Devices, cfg.Batches, cfg.Batch, fig.PushEventsSec, fig.PushCPU.Round(100*time.Nanosecond))
	fmt.Fprintf(w, "push latency             p50 %s, p99 %s, max %s (%d accepted pushes; %d refused as busy and retried; %d stuck devices)\n",
		fig.P50.Round(time.Millisecond), fig.P99.Round(time.Millisecond), fig.Max.Round(time.Millisecond), len(lat), fig.Retries, fig.Stuck)
	fmt.Fprintf(w, "wire size                %.1f bytes per answer event (gzip'd batch of 500)\n", fig.BytesPerAnswer)
	if dash != nil {
		fmt.Fprintf(w, "dashboard indexer        %d events folded during the run, %d still to fold at its end\n", fig.Folded, fig.Behind)
	}
	if fig.Stuck > 0 {
		return fig, fmt.Errorf("%d of %d devices could not push everything: %v", fig.Stuck, cfg.Devices, fails)
	}
	return fig, nil
}

// internalOnly passes on only the server's "internal error" records.
type internalOnly struct{ slog.Handler }

func (h internalOnly) Handle(ctx context.Context, r slog.Record) error {
	if r.Message != "internal error" {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h internalOnly) WithAttrs(as []slog.Attr) slog.Handler {
	return internalOnly{h.Handler.WithAttrs(as)}
}

func (h internalOnly) WithGroup(name string) slog.Handler {
	return internalOnly{h.Handler.WithGroup(name)}
}
