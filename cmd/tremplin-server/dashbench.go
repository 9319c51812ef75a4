package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/tremplin-numerique/tremplin/sync/dashboard"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// dashbench builds a network of sites, devices and learners, ingests their
// events through the store with the dashboard's indexer running in the
// same process, then times every dashboard page:
//
//	tremplin-server dashbench [--db DSN] [--sites 200] [--devices 2000] [--learners 100000] [--events 20] [--seed 1]
func dashbench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dashbench", flag.ContinueOnError)
	db := fs.String("db", "", "database (default: a temporary SQLite file); an already filled one is reused")
	var cfg benchConfig
	fs.IntVar(&cfg.Sites, "sites", 200, "sites")
	fs.IntVar(&cfg.Devices, "devices", 2000, "devices, spread over the sites")
	fs.IntVar(&cfg.Learners, "learners", 100000, "learners, spread over the devices")
	fs.IntVar(&cfg.EventsPerLearner, "events", 20, "events per learner, about")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
	fs.IntVar(&cfg.Ingest, "ingest", 50000, "events for the ingestion figure, with and without the indexer")
	fs.BoolVar(&cfg.Index, "index", true, "run the dashboard's indexer while ingesting (false: the store alone, for comparison)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dsn := *db
	if dsn == "" {
		dir, err := os.MkdirTemp("", "tremplin-dashbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = "sqlite:" + filepath.Join(dir, "bench.db")
	}
	_, err := runDashBench(ctx, dsn, cfg, stdout)
	return err
}

type benchConfig struct {
	Sites, Devices, Learners, EventsPerLearner int
	Ingest                                     int
	Seed                                       uint64
	Index                                      bool
}

// pageFigure is one page's measurement.
type pageFigure struct {
	Name             string
	Median, Max      time.Duration
	CPU              time.Duration // CPU time per request (the process's)
	Bytes, GzipBytes int
	Status           int
}

type benchFigures struct {
	Events       int
	IngestPerSec float64
	// IngestAlone and IngestIndexing are Store.Push rates of answer
	// batches of 1 000 without and with the indexer folding them.
	IngestAlone, IngestIndexing float64
	IndexPerSec                 float64
	Pages                       []pageFigure
	SlowestPage                 time.Duration
	LargestPageRaw              int
}

var benchDomains = []string{"equipement", "internet", "communiquer", "documents", "demarches"}

var benchSkills = map[string][]string{
	"equipement":  {"equipement.souris.double-clic", "equipement.clavier.majuscules", "equipement.ecran.fenetres"},
	"internet":    {"internet.navigateur.liens", "internet.navigateur.adresse", "internet.recherche.mots-cles"},
	"communiquer": {"communiquer.courriel.lire", "communiquer.courriel.ecrire"},
	"documents":   {"documents.fichiers.ouvrir", "documents.fichiers.enregistrer"},
	"demarches":   {"demarches.compte.creer", "demarches.compte.mot-de-passe"},
}

// benchLearner makes one learner's events as the kiosk journals them.
func benchLearner(rng *rand.Rand, dev string, seq *int64, perLearner int, now time.Time) []wire.Event {
	id := uuid.Must(uuid.NewV7()).String()
	at := now.Add(-time.Duration(rng.IntN(180*24)) * time.Hour)
	var out []wire.Event
	add := func(typ string, p any) {
		*seq++
		at = at.Add(time.Duration(5+rng.IntN(60)) * time.Second)
		raw, _ := json.Marshal(p)
		out = append(out, wire.Event{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: dev, Seq: *seq, WallMS: at.UnixMilli(),
			HLC: at.UnixMilli()<<16 | (*seq & 0xffff), Type: typ, LearnerID: id, Payload: raw})
	}
	add("learner.created", map[string]any{"name": fmt.Sprintf("%s %c.", []string{"Awa", "Bruno", "Chloé", "Driss", "Élise", "Fatou", "Gérard"}[rng.IntN(7)], 'A'+rune(rng.IntN(26))),
		"picture_code": "soleil-arbre-chat"})
	ability := rng.NormFloat64()
	for len(out) < perLearner-1 {
		sess := uuid.Must(uuid.NewV7()).String()
		add("session.started", map[string]any{"session_id": sess, "mode": "diagnostic", "pack_version": "2026.11.1", "language": "fr"})
		var results []map[string]any
		for _, dom := range benchDomains {
			correct := 0
			n := 3
			for i := range n {
				ok := rng.NormFloat64()+ability > 0
				if ok {
					correct++
				}
				sk := benchSkills[dom][i%len(benchSkills[dom])]
				add("answer.recorded", map[string]any{"session_id": sess, "item_id": sk + ".q1", "skill": sk, "domain": dom,
					"kind": "single", "outcome": map[bool]string{true: "correct", false: "incorrect"}[ok], "correct": ok, "response": 1, "shown_ms": 8000})
			}
			var rec []string
			if correct < 2 {
				rec = benchSkills[dom][:1]
			}
			results = append(results, map[string]any{"domain": dom, "band": min(correct, 3), "band_prob": 0.7, "theta": ability, "se": 0.6,
				"items": n, "correct": correct, "recommended": rec})
		}
		add("diagnostic.finished", map[string]any{"session_id": sess, "items": 15, "results": results})
		if rng.IntN(3) == 0 {
			add("module.mastered", map[string]any{"module": benchSkills["internet"][rng.IntN(3)]})
		}
		at = at.Add(time.Duration(1+rng.IntN(30)) * 24 * time.Hour)
		if at.After(now) {
			break
		}
	}
	return out
}

func runDashBench(ctx context.Context, dsn string, cfg benchConfig, w io.Writer) (benchFigures, error) {
	var fig benchFigures
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := server.OpenStore(ctx, dsn)
	if err != nil {
		return fig, err
	}
	defer store.Close()
	dash, err := dashboard.New(ctx, store, dashboard.Config{Logger: quiet, LoginRate: 1000, LoginBurst: 1000})
	if err != nil {
		return fig, err
	}
	sites, err := store.Sites(ctx)
	if err != nil {
		return fig, err
	}
	if len(sites) == 0 {
		if err := benchPopulate(ctx, store, dash, cfg, &fig, w); err != nil {
			return fig, err
		}
	}
	start := time.Now()
	n, err := dash.Index(ctx)
	if err != nil {
		return fig, err
	}
	if n > 0 {
		fmt.Fprintf(w, "index catch-up           %d events in %s\n", n, time.Since(start).Round(time.Millisecond))
	}
	if sites, err = store.Sites(ctx); err != nil {
		return fig, err
	}
	if _, err := dash.AddUser(ctx, "bench-admin", dashboard.RoleAdmin, "bench password 1234", nil); err != nil && !strings.Contains(err.Error(), "exists") {
		return fig, err
	}
	tok, _, err := dash.Login(ctx, "bench-admin", "bench password 1234")
	if err != nil {
		return fig, err
	}
	var site string
	var learner string
	if err := store.DB().QueryRowContext(ctx, `SELECT site_id, learner_id FROM dash_learners ORDER BY diagnostics DESC, learner_id LIMIT 1`).Scan(&site, &learner); err != nil {
		return fig, fmt.Errorf("no learner indexed: %w", err)
	}
	h := dash.Handler()
	pages := []struct{ name, path string }{
		{"overview", "/"}, {"site", "/sites/" + site}, {"site search", "/sites/" + site + "?q=awa"},
		{"learner", "/sites/" + site + "/learners/" + learner}, {"paths", "/paths"}, {"content", "/content"},
		{"exports", "/exports"}, {"audit", "/audit"}, {"users", "/users"}, {"xapi", "/xapi"},
		{"site CSV", "/sites/" + site + "/export.csv"}, {"PDF report", "/sites/" + site + "/report.pdf"},
	}
	if cfg.Ingest > 0 {
		if err := benchIngest(ctx, store, dash, sites[0].ID, cfg.Ingest, &fig, w); err != nil {
			return fig, err
		}
	}
	fmt.Fprintf(w, "database                 %s, %d sites\n", store.Dialect(), len(sites))
	fmt.Fprintf(w, "%-12s %10s %10s %10s %10s %10s\n", "page (admin)", "median", "max", "CPU", "bytes", "gzip'd")
	for _, p := range pages {
		var times []time.Duration
		pf := pageFigure{Name: p.name}
		cpu0 := cpuTime()
		for range 7 {
			req := httptest.NewRequest(http.MethodGet, p.path, nil).WithContext(ctx)
			req.Header.Set("Accept-Encoding", "gzip")
			req.AddCookie(&http.Cookie{Name: "tremplin_session", Value: tok})
			rec := httptest.NewRecorder()
			t0 := time.Now()
			h.ServeHTTP(rec, req)
			times = append(times, time.Since(t0))
			pf.Status = rec.Code
			pf.GzipBytes = rec.Body.Len()
			if rec.Header().Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(rec.Body)
				if err != nil {
					return fig, err
				}
				raw, _ := io.ReadAll(zr)
				pf.Bytes = len(raw)
			} else {
				pf.Bytes = pf.GzipBytes
			}
		}
		pf.CPU = (cpuTime() - cpu0) / 7
		sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
		pf.Median, pf.Max = times[len(times)/2], times[len(times)-1]
		if pf.Status != 200 {
			return fig, fmt.Errorf("page %s: status %d", p.path, pf.Status)
		}
		fig.Pages = append(fig.Pages, pf)
		fig.SlowestPage = max(fig.SlowestPage, pf.Median)
		if !strings.Contains(p.name, "CSV") && !strings.Contains(p.name, "PDF") {
			fig.LargestPageRaw = max(fig.LargestPageRaw, pf.Bytes)
		}
		fmt.Fprintf(w, "%-12s %10s %10s %10s %10d %10d\n", p.name, pf.Median.Round(100*time.Microsecond), pf.Max.Round(100*time.Microsecond),
			pf.CPU.Round(100*time.Microsecond), pf.Bytes, pf.GzipBytes)
	}
	return fig, nil
}

// benchPopulate enrols the devices and pushes every learner's events
// through Store.Push in batches of 1 000, with the dashboard folding them
// in the background, as in a running server.
func benchPopulate(ctx context.Context, store *server.Store, dash *dashboard.Dashboard, cfg benchConfig, fig *benchFigures, w io.Writer) error {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xda5b))
	var devs []server.Device
	for i := range cfg.Sites {
		if _, err := store.AddSite(ctx, fmt.Sprintf("Site %03d", i+1)); err != nil {
			return err
		}
	}
	sites, err := store.Sites(ctx)
	if err != nil {
		return err
	}
	for i := range cfg.Devices {
		code, _, err := store.NewEnrolCode(ctx, sites[i%len(sites)].ID, time.Hour)
		if err != nil {
			return err
		}
		d, _, err := store.Enrol(ctx, code, wire.NewKey())
		if err != nil {
			return err
		}
		devs = append(devs, d)
	}
	ictx, stop := context.WithCancel(ctx)
	indexed := make(chan struct{})
	go func() {
		defer close(indexed)
		if cfg.Index {
			dash.Run(ictx)
		}
	}()
	seqs := make([]int64, len(devs))
	bufs := make([][]wire.Event, len(devs))
	now := time.Now()
	var pushing time.Duration
	flush := func(i int) error {
		if len(bufs[i]) == 0 {
			return nil
		}
		t0 := time.Now()
		_, err := store.Push(ctx, devs[i], bufs[i])
		pushing += time.Since(t0)
		if err != nil {
			return err
		}
		fig.Events += len(bufs[i])
		bufs[i] = bufs[i][:0]
		return nil
	}
	for l := range cfg.Learners {
		i := l % len(devs)
		bufs[i] = append(bufs[i], benchLearner(rng, devs[i].ID, &seqs[i], cfg.EventsPerLearner, now)...)
		if len(bufs[i]) >= wire.MaxBatchEvents-100 {
			if err := flush(i); err != nil {
				stop()
				return err
			}
		}
	}
	for i := range devs {
		if err := flush(i); err != nil {
			stop()
			return err
		}
	}
	stop()
	<-indexed
	fig.IngestPerSec = float64(fig.Events) / pushing.Seconds()
	fmt.Fprintf(w, "ingestion                %d events of %d learners on %d devices in %d sites: %.0f events/s in Store.Push (batches of up to 1 000), indexer running: %v\n",
		fig.Events, cfg.Learners, cfg.Devices, cfg.Sites, fig.IngestPerSec, cfg.Index)
	return nil
}

// benchIngest pushes n answer events in batches of 1 000 from a new device,
// first with the indexer stopped, then with it running as in the server.
func benchIngest(ctx context.Context, store *server.Store, dash *dashboard.Dashboard, site string, n int, fig *benchFigures, w io.Writer) error {
	for _, indexing := range []bool{false, true} {
		code, _, err := store.NewEnrolCode(ctx, site, time.Hour)
		if err != nil {
			return err
		}
		dev, _, err := store.Enrol(ctx, code, wire.NewKey())
		if err != nil {
			return err
		}
		ictx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if indexing {
				dash.Run(ictx) // as in the server: a fold every 2 s
			}
		}()
		start := time.Now()
		for sent := 0; sent < n; sent += wire.MaxBatchEvents {
			k := min(wire.MaxBatchEvents, n-sent)
			if _, err := store.Push(ctx, dev, answerEvents(dev.ID, sent+1, k)); err != nil {
				stop()
				return err
			}
		}
		rate := float64(n) / time.Since(start).Seconds()
		stop()
		<-done
		if indexing {
			fig.IngestIndexing = rate
		} else {
			fig.IngestAlone = rate
		}
	}
	if _, err := dash.Index(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "store ingestion          %.0f events/s alone, %.0f events/s with the dashboard indexing (%d answer events, batches of %d)\n",
		fig.IngestAlone, fig.IngestIndexing, n, wire.MaxBatchEvents)
	return nil
}
