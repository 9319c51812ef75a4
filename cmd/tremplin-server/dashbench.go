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
	"strconv"
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
//
// The full data set of the dashboard's target is --events 200 (20 million
// events); give --db a file to keep it, then later runs only time the pages.
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
	Events      int
	BuildPerSec float64
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

// benchIDs makes UUIDv7 ids that increase from a fixed instant, so the
// data set is the same for a seed and the events' primary key grows at its
// end (random ids would make a 20-million-row build rewrite the index all
// over the disk).
type benchIDs struct {
	base, n uint64
	rng     *rand.Rand
}

func newBenchIDs(seed uint64) *benchIDs {
	return &benchIDs{base: uint64(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()), rng: rand.New(rand.NewPCG(seed, 0x1d5))}
}

func (g *benchIDs) next() string {
	var u uuid.UUID
	ms := g.base + g.n>>12
	for i := range 6 {
		u[i] = byte(ms >> (40 - 8*i))
	}
	u[6] = 0x70 | byte(g.n>>8&0x0f)
	u[7] = byte(g.n)
	r := g.rng.Uint64()
	for i := range 8 {
		u[8+i] = byte(r >> (56 - 8*i))
	}
	u[8] = u[8]&0x3f | 0x80
	g.n++
	return u.String()
}

// benchGen makes learners' events as the kiosk journals them, writing the
// JSON payloads directly (encoding/json on maps was most of the build
// time of a large data set).
type benchGen struct {
	rng *rand.Rand
	ids *benchIDs
	now time.Time
	buf []byte
}

// payload builds a JSON object from alternating keys and values (string,
// int, bool, float64 or json.RawMessage).
func (g *benchGen) payload(kv ...any) json.RawMessage {
	b := g.buf[:0]
	b = append(b, '{')
	for i := 0; i < len(kv); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(append(b, '"'), kv[i].(string)...), '"', ':')
		switch v := kv[i+1].(type) {
		case string:
			b = append(append(append(b, '"'), v...), '"') // the generator's own strings: nothing to escape
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case bool:
			b = strconv.AppendBool(b, v)
		case float64:
			b = strconv.AppendFloat(b, v, 'f', 3, 64)
		case json.RawMessage:
			b = append(b, v...)
		}
	}
	b = append(b, '}')
	g.buf = b
	return append(json.RawMessage(nil), b...)
}

var benchNames = []string{"Awa", "Bruno", "Chloé", "Driss", "Élise", "Fatou", "Gérard"}

// learner appends one learner's events (about perLearner) to out: visits of
// a diagnostic (15 answers, results per domain), a module now and then,
// spread over the last 6 months.
func (g *benchGen) learner(out []wire.Event, dev string, seq *int64, perLearner int) []wire.Event {
	rng := g.rng
	id := g.ids.next()
	at := g.now.Add(-time.Duration(rng.IntN(180*24)) * time.Hour)
	visits := max(1, (perLearner-1+16)/17)
	gap := g.now.Sub(at) / time.Duration(visits+1)
	add := func(typ string, p json.RawMessage) {
		*seq++
		at = at.Add(time.Duration(5+rng.IntN(60)) * time.Second)
		out = append(out, wire.Event{ID: g.ids.next(), DeviceID: dev, Seq: *seq, WallMS: at.UnixMilli(),
			HLC: at.UnixMilli()<<16 | (*seq & 0xffff), Type: typ, LearnerID: id, Payload: p})
	}
	add("learner.created", g.payload("name", fmt.Sprintf("%s %c.", benchNames[rng.IntN(len(benchNames))], 'A'+rune(rng.IntN(26))),
		"picture_code", "soleil-arbre-chat"))
	ability := rng.NormFloat64()
	var results []byte
	for range visits {
		sess := g.ids.next()
		add("session.started", g.payload("session_id", sess, "mode", "diagnostic", "pack_version", "2026.11.1", "language", "fr"))
		results = append(results[:0], '[')
		for d, dom := range benchDomains {
			correct := 0
			const n = 3
			for i := range n {
				ok := rng.NormFloat64()+ability > 0
				outcome := "incorrect"
				if ok {
					correct++
					outcome = "correct"
				}
				sk := benchSkills[dom][i%len(benchSkills[dom])]
				add("answer.recorded", g.payload("session_id", sess, "item_id", sk+".q1", "skill", sk, "domain", dom,
					"kind", "single", "outcome", outcome, "correct", ok, "response", 1, "shown_ms", 8000))
			}
			rec := json.RawMessage("[]")
			if correct < 2 {
				rec = json.RawMessage(strconv.Quote(benchSkills[dom][0]))
				rec = append(append(json.RawMessage("["), rec...), ']')
			}
			if d > 0 {
				results = append(results, ',')
			}
			results = append(results, g.payload("domain", dom, "band", min(correct, 3), "band_prob", 0.7, "theta", ability, "se", 0.6,
				"items", n, "correct", correct, "recommended", rec)...)
		}
		results = append(results, ']')
		add("diagnostic.finished", g.payload("session_id", sess, "items", 15, "results", json.RawMessage(results)))
		if rng.IntN(3) == 0 {
			add("module.mastered", g.payload("module", benchSkills["internet"][rng.IntN(3)]))
		}
		at = at.Add(gap/2 + time.Duration(rng.Int64N(int64(gap/2)+1)))
		if at.After(g.now) {
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
		if err := benchPopulate(ctx, store, cfg, &fig, w); err != nil {
			return fig, err
		}
	}
	start, cpu0 := time.Now(), cpuTime()
	n, err := dash.Index(ctx)
	if err != nil {
		return fig, err
	}
	if n > 0 {
		el := time.Since(start)
		fig.IndexPerSec = float64(n) / el.Seconds()
		fmt.Fprintf(w, "read model               %d events folded by the dashboard's indexer in %s (%.0f events/s; CPU %s)\n", n, el.Round(time.Millisecond),
			fig.IndexPerSec, (cpuTime() - cpu0).Round(time.Millisecond))
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

// benchPopulate enrols the devices, then builds every site's events (one
// goroutine) while the previous site's are stored with Store.BulkLoad (big
// transactions, one prepared INSERT, no fsync on SQLite): 20 million
// events in minutes instead of hours through Push. The dashboard's read
// model is then folded by its own indexer (runDashBench), as a server
// started on this database would.
func benchPopulate(ctx context.Context, store *server.Store, cfg benchConfig, fig *benchFigures, w io.Writer) error {
	start := time.Now()
	for i := range cfg.Sites {
		if _, err := store.AddSite(ctx, fmt.Sprintf("Site %03d", i+1)); err != nil {
			return err
		}
	}
	sites, err := store.Sites(ctx)
	if err != nil {
		return err
	}
	devs := make([]server.Device, cfg.Devices)
	bySite := make([][]int, len(sites))
	for i := range cfg.Devices {
		code, _, err := store.NewEnrolCode(ctx, sites[i%len(sites)].ID, time.Hour)
		if err != nil {
			return err
		}
		if devs[i], _, err = store.Enrol(ctx, code, wire.NewKey()); err != nil {
			return err
		}
		bySite[i%len(sites)] = append(bySite[i%len(sites)], i)
	}
	fmt.Fprintf(w, "enrolment                %d sites, %d devices in %s\n", len(sites), len(devs), time.Since(start).Round(time.Millisecond))
	type siteEvents struct {
		site   string
		events []wire.Event
	}
	ch := make(chan siteEvents, 1)
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(ch)
		ids := newBenchIDs(cfg.Seed)
		now := time.Now()
		seqs := make([]int64, len(devs))
		for si, site := range sites {
			g := &benchGen{rng: rand.New(rand.NewPCG(cfg.Seed, uint64(si))), ids: ids, now: now}
			var evs []wire.Event
			for _, i := range bySite[si] {
				for l := i; l < cfg.Learners; l += len(devs) {
					evs = g.learner(evs, devs[i].ID, &seqs[i], cfg.EventsPerLearner)
				}
			}
			select {
			case ch <- siteEvents{site.ID, evs}:
			case <-gctx.Done():
				return
			}
		}
	}()
	t0, cpu0 := time.Now(), cpuTime()
	var loading time.Duration
	done := 0
	for se := range ch {
		t1 := time.Now()
		if err := store.BulkLoad(ctx, se.site, se.events); err != nil {
			return err
		}
		loading += time.Since(t1)
		fig.Events += len(se.events)
		done++
		if done%20 == 0 || done == len(sites) {
			el := time.Since(t0)
			fmt.Fprintf(os.Stderr, "dashbench: %d/%d sites, %d events, %s (%.0f events/s)\n", done, len(sites), fig.Events,
				el.Round(time.Second), float64(fig.Events)/el.Seconds())
		}
	}
	el := time.Since(t0)
	fig.BuildPerSec = float64(fig.Events) / el.Seconds()
	fmt.Fprintf(w, "build                    %d events of %d learners on %d devices in %d sites in %s: %.0f events/s (Store.BulkLoad %s of it; CPU %s)\n",
		fig.Events, cfg.Learners, cfg.Devices, cfg.Sites, el.Round(time.Second), fig.BuildPerSec, loading.Round(time.Second), (cpuTime() - cpu0).Round(100*time.Millisecond))
	return nil
}

// benchIngest pushes n answer events in batches of 1 000 from a new device,
// first with the indexer stopped, then with it running as in the server.
func benchIngest(ctx context.Context, store *server.Store, dash *dashboard.Dashboard, site string, n int, fig *benchFigures, w io.Writer) error {
	var cpu [2]time.Duration
	for k, indexing := range []bool{false, true} {
		// The read model first catches up, so the indexer then folds only
		// what this phase pushes, as in a server that keeps up.
		if _, err := dash.Index(ctx); err != nil {
			return err
		}
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
		start, cpu0 := time.Now(), cpuTime()
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
		cpu[k] = (cpuTime() - cpu0) / time.Duration(n)
		if indexing {
			fig.IngestIndexing = rate
		} else {
			fig.IngestAlone = rate
		}
	}
	if _, err := dash.Index(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "store ingestion          %.0f events/s alone, %.0f events/s with the dashboard indexing (%d answer events, batches of %d; CPU %s and %s an event)\n",
		fig.IngestAlone, fig.IngestIndexing, n, wire.MaxBatchEvents, cpu[0].Round(100*time.Nanosecond), cpu[1].Round(100*time.Nanosecond))
	return nil
}
