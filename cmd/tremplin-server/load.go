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
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// load measures the figures of issue 7 and prints them:
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
	_, err := runLoad(ctx, dsn, loadConfig{Devices: *devices, Batches: *batches, Batch: *batch, Ingest: *ingest}, stdout)
	return err
}

type loadConfig struct {
	Devices, Batches, Batch, Ingest int
}

type loadFigures struct {
	IngestPerSec    float64
	PushEventsSec   float64
	P50, P99, Max   time.Duration
	BytesPerAnswer  float64
	Requests, Fails int
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
	start := time.Now()
	for done := 0; done < cfg.Ingest; done += wire.MaxBatchEvents {
		n := min(wire.MaxBatchEvents, cfg.Ingest-done)
		if _, err := store.Push(ctx, dev, answerEvents(dev.ID, done+1, n)); err != nil {
			return fig, err
		}
	}
	fig.IngestPerSec = float64(cfg.Ingest) / time.Since(start).Seconds()

	// 3. N devices pushing concurrently over HTTP.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fig, err
	}
	srv := server.New(store, server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DeviceRate: 1000, DeviceBurst: 1000})
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
	start = time.Now()
	for i := range cfg.Devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range cfg.Batches {
				body, _ := wire.EncodePush(answerEvents(ids[i], b*cfg.Batch+1, cfg.Batch))
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/sync/push", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Content-Encoding", "gzip")
				req.Header.Set("Authorization", "Bearer "+tokens[i])
				t0 := time.Now()
				resp, err := hc.Do(req)
				d := time.Since(t0)
				ok := err == nil && resp.StatusCode == 200
				why := ""
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					why = resp.Status
				} else {
					why = err.Error()
				}
				mu.Lock()
				lat = append(lat, d)
				fig.Requests++
				if !ok {
					fig.Fails++
					if fails[why]++; fails[why] == 1 {
						slog.Warn("push failed", "why", why)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	stop()
	<-done
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	if len(lat) > 0 {
		fig.P50 = lat[len(lat)/2]
		fig.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
		fig.Max = lat[len(lat)-1]
	}
	fig.PushEventsSec = float64(cfg.Devices*cfg.Batches*cfg.Batch) / elapsed.Seconds()

	fmt.Fprintf(w, "database                 %s\n", store.Dialect())
	fmt.Fprintf(w, "store ingestion          %.0f events/s (%d events, batches of %d)\n", fig.IngestPerSec, cfg.Ingest, wire.MaxBatchEvents)
	fmt.Fprintf(w, "concurrent push          %d devices × %d batches × %d events: %.0f events/s over HTTP\n", cfg.Devices, cfg.Batches, cfg.Batch, fig.PushEventsSec)
	fmt.Fprintf(w, "push latency             p50 %s, p99 %s, max %s (%d requests, %d failed)\n",
		fig.P50.Round(time.Millisecond), fig.P99.Round(time.Millisecond), fig.Max.Round(time.Millisecond), fig.Requests, fig.Fails)
	fmt.Fprintf(w, "wire size                %.1f bytes per answer event (gzip'd batch of 500)\n", fig.BytesPerAnswer)
	if fig.Fails > 0 {
		return fig, fmt.Errorf("%d of %d pushes failed: %v", fig.Fails, fig.Requests, fails)
	}
	return fig, nil
}
