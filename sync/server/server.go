// Package server is the Tremplin sync server: the HTTP API of
// docs/sync-protocol.md (enrolment, push, pull, content packs, health,
// metrics) over a Store kept in SQLite or PostgreSQL.
//
// Package server imports no Fyne and no cgo: cmd/tremplin-server builds
// with CGO_ENABLED=0.
package server

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/time/rate"

	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// Config tunes a Server. The zero value gives the protocol's defaults.
type Config struct {
	Logger         *slog.Logger
	RequestTimeout time.Duration // per request; default 30 s
	DeviceRate     float64       // requests per second per device; default 10
	DeviceBurst    int           // default 40
	EnrolRate      float64       // enrolment attempts per second per address; default 1
	EnrolBurst     int           // default 10
}

// Server serves the sync API.
type Server struct {
	store *Store
	cfg   Config
	log   *slog.Logger

	mu       sync.Mutex
	limiters map[string]*rate.Limiter

	reg       *prometheus.Registry
	stored    prometheus.Counter
	dups      prometheus.Counter
	requests  *prometheus.CounterVec
	durations *prometheus.HistogramVec
}

// New makes a server over store.
func New(store *Store, cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.DeviceRate == 0 {
		cfg.DeviceRate, cfg.DeviceBurst = 10, 40
	}
	if cfg.EnrolRate == 0 {
		cfg.EnrolRate, cfg.EnrolBurst = 1, 10
	}
	s := &Server{store: store, cfg: cfg, log: cfg.Logger, limiters: map[string]*rate.Limiter{}, reg: prometheus.NewRegistry()}
	s.stored = prometheus.NewCounter(prometheus.CounterOpts{Name: "tremplin_sync_events_stored_total", Help: "Events stored for the first time."})
	s.dups = prometheus.NewCounter(prometheus.CounterOpts{Name: "tremplin_sync_events_duplicate_total", Help: "Pushed events the server already held."})
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tremplin_http_requests_total", Help: "HTTP requests by route and status."}, []string{"route", "code"})
	s.durations = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "tremplin_http_request_duration_seconds", Help: "HTTP request durations by route.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12)}, []string{"route"})
	s.reg.MustRegister(s.stored, s.dups, s.requests, s.durations,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return s
}

// Handler returns the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /api/v1/devices/enroll", s.route("enroll", s.enrol))
	mux.Handle("POST /api/v1/sync/push", s.route("push", s.authed(s.push)))
	mux.Handle("GET /api/v1/sync/pull", s.route("pull", s.authed(s.pull)))
	mux.Handle("GET /api/v1/packs/latest", s.route("pack_latest", s.authed(s.packLatest)))
	mux.Handle("GET /api/v1/packs/{version}", s.route("pack", s.authed(s.packGet)))
	mux.Handle("GET /healthz", s.route("healthz", s.healthz))
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	mux.Handle("/", s.route("other", func(w http.ResponseWriter, r *http.Request) {
		p := wire.NewProblem(http.StatusNotFound, wire.ProblemNotFound, "no such endpoint")
		if strings.HasPrefix(r.URL.Path, "/api/v1/") && r.Method != http.MethodGet && r.Method != http.MethodPost {
			p = wire.NewProblem(http.StatusMethodNotAllowed, wire.ProblemMethod, r.Method+" is not allowed here")
		}
		p.Write(w)
	}))
	return mux
}

type statusWriter struct {
	http.ResponseWriter
	code   int
	device string
	events int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// route wraps a handler with a timeout, metrics, a log line and recovery.
func (s *Server) route(name string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic", "route", name, "panic", v)
				if sw.code == 0 {
					wire.NewProblem(http.StatusInternalServerError, wire.ProblemInternal, "").Write(sw)
				}
			}
			d := time.Since(start)
			s.requests.WithLabelValues(name, strconv.Itoa(sw.code)).Inc()
			s.durations.WithLabelValues(name).Observe(d.Seconds())
			lvl := slog.LevelInfo
			if sw.code >= 500 {
				lvl = slog.LevelError
			}
			s.log.Log(ctx, lvl, "request", "route", name, "status", sw.code, "device", sw.device,
				"events", sw.events, "ms", float64(d.Microseconds())/1000, "remote", r.RemoteAddr)
		}()
		h(sw, r.WithContext(ctx))
	})
}

type ctxKey struct{}

// authed checks the bearer token and the device's rate, and passes the
// device on in the request's context.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tremplin"`)
			wire.NewProblem(http.StatusUnauthorized, wire.ProblemUnauthorized, "a device token is required").Write(w)
			return
		}
		dev, err := s.store.DeviceByToken(r.Context(), strings.TrimSpace(tok))
		if errors.Is(err, ErrUnauthorized) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tremplin", error="invalid_token"`)
			wire.NewProblem(http.StatusUnauthorized, wire.ProblemUnauthorized, "unknown or revoked device token; enrol the device again").Write(w)
			return
		}
		if err != nil {
			s.fail(w, err)
			return
		}
		if sw, ok := w.(*statusWriter); ok {
			sw.device = dev.ID
		}
		if !s.allow("dev:"+dev.ID, s.cfg.DeviceRate, s.cfg.DeviceBurst, w) {
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, dev)))
	}
}

// allow applies the token bucket named key; on refusal it answers 429 with
// Retry-After.
func (s *Server) allow(key string, r float64, burst int, w http.ResponseWriter) bool {
	s.mu.Lock()
	l := s.limiters[key]
	if l == nil {
		if len(s.limiters) > 100000 {
			s.limiters = map[string]*rate.Limiter{}
		}
		l = rate.NewLimiter(rate.Limit(r), burst)
		s.limiters[key] = l
	}
	s.mu.Unlock()
	res := l.Reserve()
	if d := res.Delay(); d > 0 {
		res.Cancel()
		secs := int(d/time.Second) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		wire.NewProblem(http.StatusTooManyRequests, wire.ProblemRateLimited, "too many requests; retry after "+strconv.Itoa(secs)+" s").Write(w)
		return false
	}
	return true
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		w.Header().Set("Retry-After", "5")
		wire.NewProblem(http.StatusServiceUnavailable, wire.ProblemUnavailable, "the server is busy or stopping; retry later").Write(w)
	default:
		s.log.Error("internal error", "err", err)
		w.Header().Set("Retry-After", "5")
		wire.NewProblem(http.StatusInternalServerError, wire.ProblemInternal, "").Write(w)
	}
}

func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
		_ = json.NewEncoder(zw).Encode(v)
		_ = zw.Close()
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if !s.allow("ip:"+host, s.cfg.EnrolRate, s.cfg.EnrolBurst, w) {
		return
	}
	var req wire.EnrollRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			wire.NewProblem(http.StatusRequestEntityTooLarge, wire.ProblemTooLarge, "enrolment body over 4 KiB").Write(w)
			return
		}
		wire.NewProblem(http.StatusBadRequest, wire.ProblemMalformed, "enrolment body is not JSON").Write(w)
		return
	}
	if req.V != wire.Version {
		wire.NewProblem(http.StatusBadRequest, wire.ProblemVersion, "this server speaks version 1").Write(w)
		return
	}
	ev := wire.Event{ID: req.DeviceID, DeviceID: req.DeviceID, Seq: 1, HLC: 1, Type: "x.y"}
	if req.Code == "" || len(req.Code) > 64 || len(req.Name) > 200 || ev.Validate() != nil {
		wire.NewProblem(http.StatusBadRequest, wire.ProblemMalformed, "code and a UUID device_id are required").Write(w)
		return
	}
	dev, site, token, err := s.store.Enrol(r.Context(), req.Code, req.DeviceID, req.Name)
	switch {
	case errors.Is(err, ErrBadCode):
		wire.NewProblem(http.StatusUnauthorized, wire.ProblemBadCode, "this enrolment code is unknown, expired or already used").Write(w)
		return
	case errors.Is(err, ErrOtherSite):
		wire.NewProblem(http.StatusConflict, wire.ProblemOtherSite, "this device belongs to another site").Write(w)
		return
	case err != nil:
		s.fail(w, err)
		return
	}
	s.log.Info("device enrolled", "device", dev.ID, "site", site.ID)
	writeJSON(w, r, wire.EnrollResponse{V: wire.Version, DeviceID: dev.ID, SiteID: site.ID, SiteName: site.Name, Token: token})
}

func (s *Server) push(w http.ResponseWriter, r *http.Request) {
	dev := r.Context().Value(ctxKey{}).(Device)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" || r.Header.Get("Content-Encoding") != "gzip" {
		wire.NewProblem(http.StatusUnsupportedMediaType, wire.ProblemMediaType, "push bodies are gzip'd application/json").Write(w)
		return
	}
	if r.ContentLength > wire.MaxBodyBytes {
		wire.NewProblem(http.StatusRequestEntityTooLarge, wire.ProblemTooLarge, "body over 1 MiB").Write(w)
		return
	}
	events, err := wire.DecodePush(r.Body)
	if err != nil {
		switch {
		case errors.Is(err, wire.ErrTooLarge):
			wire.NewProblem(http.StatusRequestEntityTooLarge, wire.ProblemTooLarge, err.Error()).Write(w)
		case errors.Is(err, wire.ErrVersion):
			wire.NewProblem(http.StatusBadRequest, wire.ProblemVersion, err.Error()).Write(w)
		case errors.Is(err, wire.ErrInvalid):
			wire.NewProblem(http.StatusUnprocessableEntity, wire.ProblemInvalidEvent, err.Error()).Write(w)
		default:
			wire.NewProblem(http.StatusBadRequest, wire.ProblemMalformed, err.Error()).Write(w)
		}
		return
	}
	res, err := s.store.Push(r.Context(), dev, events)
	if errors.Is(err, ErrForbidden) {
		wire.NewProblem(http.StatusForbidden, wire.ProblemForbidden, err.Error()).Write(w)
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	s.stored.Add(float64(res.Stored))
	s.dups.Add(float64(len(events) - res.Stored))
	if sw, ok := w.(*statusWriter); ok {
		sw.events = res.Stored
	}
	writeJSON(w, r, wire.PushResponse{V: wire.Version, Accepted: res.Accepted, Stored: res.Stored, ServerHLC: res.ServerHLC})
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request) {
	dev := r.Context().Value(ctxKey{}).(Device)
	q := r.URL.Query()
	var cursor int64
	if c := q.Get("cursor"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil || n < 0 {
			wire.NewProblem(http.StatusBadRequest, wire.ProblemMalformed, "bad cursor").Write(w)
			return
		}
		cursor = n
	}
	limit := wire.DefaultPullLimit
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			wire.NewProblem(http.StatusBadRequest, wire.ProblemMalformed, "bad limit").Write(w)
			return
		}
		limit = min(n, wire.MaxPullLimit)
	}
	events, next, more, err := s.store.Pull(r.Context(), dev, cursor, limit)
	if err != nil {
		s.fail(w, err)
		return
	}
	pack, err := s.store.LatestPack(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	if pack != nil {
		pack = &wire.PackInfo{Version: pack.Version, SHA256: pack.SHA256}
	}
	if events == nil {
		events = []wire.Event{}
	}
	if sw, ok := w.(*statusWriter); ok {
		sw.events = len(events)
	}
	writeJSON(w, r, wire.PullResponse{V: wire.Version, Events: events, Cursor: strconv.FormatInt(next, 10), More: more, Pack: pack})
}

func (s *Server) packLatest(w http.ResponseWriter, r *http.Request) {
	p, err := s.store.LatestPack(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	if p == nil {
		wire.NewProblem(http.StatusNotFound, wire.ProblemNotFound, "no pack published").Write(w)
		return
	}
	writeJSON(w, r, p)
}

func (s *Server) packGet(w http.ResponseWriter, r *http.Request) {
	data, err := s.store.PackData(r.Context(), r.PathValue("version"))
	if errors.Is(err, ErrNotFound) {
		wire.NewProblem(http.StatusNotFound, wire.ProblemNotFound, "no such pack").Write(w)
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/gzip")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		w.Header().Set("Retry-After", "5")
		wire.NewProblem(http.StatusServiceUnavailable, wire.ProblemUnavailable, "database unreachable").Write(w)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// Serve runs the API on ln until ctx ends, then shuts down gracefully:
// it stops accepting, lets in-flight requests finish (up to grace), and
// returns. The caller closes the store afterwards.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	<-errc
	return nil
}
