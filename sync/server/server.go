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
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed when keying the enrolment rate limit; from anyone else the
	// header is ignored (a client could otherwise pick its own key).
	TrustedProxies []netip.Prefix
	// MaxClockAhead bounds how far ahead of the server's clock an event's
	// hybrid clock may be; default wire.MaxClockAheadMS.
	MaxClockAhead time.Duration
	// MaxUnauthConns caps connections that have not yet made an
	// authenticated request (slow or idle clients, scanners); beyond it new
	// connections are closed at once, so they cannot exhaust the server's
	// file descriptors. Default 1024.
	MaxUnauthConns int
	// MaxReidentifyPerDay caps the new identities that the devices
	// descending from one enrolment may take in 24 h (restored or cloned
	// journals); default DefaultReidentifyPerDay.
	MaxReidentifyPerDay int
	// Fallback serves every request no API route matches (the web
	// dashboard); nil answers them with a not-found problem.
	Fallback http.Handler
}

// Server serves the sync API.
type Server struct {
	store *Store
	cfg   Config
	log   *slog.Logger

	mu       sync.Mutex
	limiters map[string]*rate.Limiter

	unauth atomic.Int64 // open connections not yet authenticated

	reg       *prometheus.Registry
	stored    prometheus.Counter
	dups      prometheus.Counter
	reused    *prometheus.CounterVec
	refused   prometheus.Counter
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
	if cfg.MaxClockAhead == 0 {
		cfg.MaxClockAhead = wire.MaxClockAheadMS * time.Millisecond
	}
	if cfg.MaxUnauthConns == 0 {
		cfg.MaxUnauthConns = 1024
	}
	s := &Server{store: store, cfg: cfg, log: cfg.Logger, limiters: map[string]*rate.Limiter{}, reg: prometheus.NewRegistry()}
	s.stored = prometheus.NewCounter(prometheus.CounterOpts{Name: "tremplin_sync_events_stored_total", Help: "Events stored for the first time."})
	s.dups = prometheus.NewCounter(prometheus.CounterOpts{Name: "tremplin_sync_events_duplicate_total", Help: "Pushed events the server already held."})
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tremplin_http_requests_total", Help: "HTTP requests by route and status."}, []string{"route", "code"})
	s.durations = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "tremplin_http_request_duration_seconds", Help: "HTTP request durations by route.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12)}, []string{"route"})
	s.reused = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tremplin_sync_device_reidentified_total",
		Help: "Devices that found their journal restored or copied and took a new identity, by reason."}, []string{"reason"})
	s.refused = prometheus.NewCounter(prometheus.CounterOpts{Name: "tremplin_http_connections_refused_total",
		Help: "Connections closed at once because too many were not yet authenticated."})
	s.reg.MustRegister(s.stored, s.dups, s.reused, s.refused, s.requests, s.durations,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return s
}

// Handler returns the HTTP handler of the whole API, health check and
// metrics included (see APIHandler and OpsHandler to serve them apart).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.register(mux)
	mux.Handle("GET /metrics", s.MetricsHandler())
	return mux
}

// APIHandler returns the public API: everything but /metrics.
func (s *Server) APIHandler() http.Handler {
	mux := http.NewServeMux()
	s.register(mux)
	return mux
}

// OpsHandler serves /metrics and /healthz, for an internal address.
func (s *Server) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.MetricsHandler())
	mux.Handle("GET /healthz", s.route("healthz", s.healthz))
	return mux
}

// MetricsHandler serves the Prometheus metrics.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
}

// register adds the public routes to mux.
func (s *Server) register(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/devices/enroll", s.route("enroll", s.enrol))
	mux.Handle("POST /api/v1/devices/reidentify", s.route("reidentify", s.authed(s.reidentify)))
	mux.Handle("POST /api/v1/sync/push", s.route("push", s.authed(s.push)))
	mux.Handle("GET /api/v1/sync/pull", s.route("pull", s.authed(s.pull)))
	mux.Handle("GET /api/v1/packs/latest", s.route("pack_latest", s.authed(s.packLatest)))
	mux.Handle("GET /api/v1/packs/{version}", s.route("pack", s.authed(s.packGet)))
	mux.Handle("GET /healthz", s.route("healthz", s.healthz))
	if s.cfg.Fallback != nil {
		mux.Handle("/", s.cfg.Fallback)
		mux.Handle("/api/", s.route("other", s.notFound))
		return
	}
	mux.Handle("/", s.route("other", s.notFound))
}

// notFound answers a request no API route matches.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	p := wire.NewProblem(http.StatusNotFound, wire.ProblemNotFound, "no such endpoint")
	if strings.HasPrefix(r.URL.Path, "/api/v1/") && r.Method != http.MethodGet && r.Method != http.MethodPost {
		p = wire.NewProblem(http.StatusMethodNotAllowed, wire.ProblemMethod, r.Method+" is not allowed here")
	}
	p.Write(w)
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
		if c, ok := r.Context().Value(connKey{}).(*connInfo); ok && c.authed.CompareAndSwap(false, true) {
			s.unauth.Add(-1)
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

// clientAddr is the address enrolment is rate-limited by: the connection's,
// or the last X-Forwarded-For hop added by a trusted proxy.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(addr) {
		return host
	}
	// Walk the chain from the right: the first hop that is not a trusted
	// proxy is the client (anything left of it the client could forge).
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.String()
		}
		host = a.String()
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	if !s.allow("ip:"+s.clientAddr(r), s.cfg.EnrolRate, s.cfg.EnrolBurst, w) {
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
	if req.Key == "" {
		wire.NewProblem(http.StatusBadRequest, wire.ProblemVersion, "the enrolment has no key: update the kiosk").Write(w)
		return
	}
	if req.Code == "" || len(req.Code) > 64 || len(req.Name) > 200 || !wire.ValidKey(req.Key) {
		wire.NewProblem(http.StatusBadRequest, wire.ProblemMalformed, "a code and a key (tdt2_ and 43 base64url characters) are required").Write(w)
		return
	}
	dev, site, err := s.store.Enrol(r.Context(), req.Code, req.Key)
	switch {
	case errors.Is(err, ErrBadCode):
		wire.NewProblem(http.StatusUnauthorized, wire.ProblemBadCode, "this enrolment code is unknown, expired or already used").Write(w)
		return
	case err != nil:
		s.fail(w, err)
		return
	}
	s.log.Info("device enrolled", "device", dev.ID, "name", dev.Name, "site", site.ID)
	writeJSON(w, r, wire.EnrollResponse{V: wire.Version, DeviceID: dev.ID, DeviceName: dev.Name, SiteID: site.ID, SiteName: site.Name,
		ServerMS: time.Now().UnixMilli()})
}

// reidentify gives a device whose journal was restored or cloned a new
// identity in its site, and says so plainly in the log and the metrics.
func (s *Server) reidentify(w http.ResponseWriter, r *http.Request) {
	dev := r.Context().Value(ctxKey{}).(Device)
	var req wire.ReidentifyRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&req); err != nil {
		wire.NewProblem(http.StatusBadRequest, wire.ProblemMalformed, "body is not JSON").Write(w)
		return
	}
	if req.V != wire.Version || !wire.ValidKey(req.Key) || (req.Reason != "restored" && req.Reason != "copied") {
		wire.NewProblem(http.StatusBadRequest, wire.ProblemMalformed, `v 1, a key and a reason ("restored" or "copied") are required`).Write(w)
		return
	}
	nd, err := s.store.Reidentify(r.Context(), dev, ReidentifyRequest{Key: req.Key, Reason: req.Reason, LastSeq: req.LastSeq,
		PerDay: s.cfg.MaxReidentifyPerDay})
	var limit *ReidentifyLimitError
	switch {
	case errors.Is(err, ErrBadCode):
		wire.NewProblem(http.StatusConflict, wire.ProblemMalformed, "this key belongs to another device; propose a new one").Write(w)
		return
	case errors.Is(err, ErrNoConflict):
		s.log.Warn("new identity refused: no sign of a restored or copied journal", "site", dev.SiteID, "device", dev.ID,
			"server_seq", dev.LastSeq, "device_seq", req.LastSeq)
		wire.NewProblem(http.StatusForbidden, wire.ProblemForbidden, "no new identity: the server saw no device-reused conflict from this device "+
			"in the last hour and its journal is not behind the server's").Write(w)
		return
	case errors.As(err, &limit):
		s.log.Warn("new identity refused: daily budget spent", "site", dev.SiteID, "device", dev.ID, "retry_after", limit.RetryAfter.String())
		w.Header().Set("Retry-After", strconv.Itoa(int(limit.RetryAfter.Seconds())+1))
		wire.NewProblem(http.StatusTooManyRequests, wire.ProblemRateLimited, limit.Error()).Write(w)
		return
	case err != nil:
		s.fail(w, err)
		return
	}
	s.reused.WithLabelValues(req.Reason).Inc()
	s.log.Warn("device journal "+req.Reason+": new identity", "site", dev.SiteID, "device", dev.ID, "name", dev.Name,
		"new_device", nd.ID, "new_name", nd.Name, "server_seq", dev.LastSeq, "device_seq", req.LastSeq)
	writeJSON(w, r, wire.EnrollResponse{V: wire.Version, DeviceID: nd.ID, DeviceName: nd.Name, SiteID: nd.SiteID, SiteName: nd.SiteName,
		ServerMS: time.Now().UnixMilli()})
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
	now := time.Now()
	bound := now.Add(s.cfg.MaxClockAhead).UnixMilli()
	for _, e := range events {
		if e.HLC>>16 > bound {
			p := wire.NewProblem(http.StatusUnprocessableEntity, wire.ProblemClockAhead, fmt.Sprintf(
				"event %s: its clock (hlc %d, %s) is more than %s ahead of the server's (%s); correct the device's clock from server_ms and re-stamp its unsent events",
				e.ID, e.HLC, time.UnixMilli(e.HLC>>16).UTC().Format(time.RFC3339), s.cfg.MaxClockAhead, now.UTC().Format(time.RFC3339)))
			p.ServerMS = now.UnixMilli()
			p.Write(w)
			return
		}
	}
	res, err := s.store.Push(r.Context(), dev, events)
	if errors.Is(err, ErrForbidden) {
		wire.NewProblem(http.StatusForbidden, wire.ProblemForbidden, err.Error()).Write(w)
		return
	}
	var re *ReusedError
	if errors.As(err, &re) {
		// This conflict is what allows the device a new identity.
		if err := s.store.noteReused(r.Context(), dev.ID, s.cfg.MaxReidentifyPerDay); err != nil {
			s.fail(w, err)
			return
		}
		s.log.Warn("device id re-used: journal restored from an older copy or cloned", "site", dev.SiteID, "device", dev.ID,
			"name", dev.Name, "event", re.EventID, "seq", re.Seq, "server_seq", re.DeviceSeq)
		p := wire.NewProblem(http.StatusConflict, wire.ProblemDeviceReused, re.Error()+"; take a new identity (POST /api/v1/devices/reidentify)")
		p.DeviceSeq = re.DeviceSeq
		p.Write(w)
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
	writeJSON(w, r, wire.PushResponse{V: wire.Version, Accepted: res.Accepted, Stored: res.Stored,
		ServerHLC: min(res.ServerHLC, bound<<16), DeviceSeq: res.DeviceSeq, ServerMS: now.UnixMilli()})
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
	writeJSON(w, r, wire.PullResponse{V: wire.Version, Events: events, Cursor: strconv.FormatInt(next, 10), More: more, Pack: pack,
		DeviceSeq: dev.LastSeq, ServerMS: time.Now().UnixMilli()})
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

type connKey struct{}

// connInfo follows one connection: counted as unauthenticated until one of
// its requests carries a valid token.
type connInfo struct{ authed atomic.Bool }

// Serve runs the API on ln until ctx ends, then shuts down gracefully:
// it stops accepting, lets in-flight requests finish (up to grace), and
// returns. The caller closes the store afterwards.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	return s.ServeHandler(ctx, ln, grace, s.Handler(), nil)
}

// ServeHandler is Serve with another handler (the API without /metrics,
// or the API with more routes) and an optional TLS configuration (then ln
// is wrapped in TLS). Connections not yet authenticated are capped at
// Config.MaxUnauthConns.
func (s *Server) ServeHandler(ctx context.Context, ln net.Listener, grace time.Duration, h http.Handler, tlsCfg *tls.Config) error {
	var infos sync.Map // net.Conn -> *connInfo
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		TLSConfig:         tlsCfg,
		// ConnContext runs before StateNew, for every accepted connection.
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			ci := &connInfo{}
			infos.Store(c, ci)
			return context.WithValue(ctx, connKey{}, ci)
		},
		ConnState: func(c net.Conn, st http.ConnState) {
			switch st {
			case http.StateNew:
				// Closed at once when over the cap; StateClosed follows
				// and gives the slot back.
				if s.unauth.Add(1) > int64(s.cfg.MaxUnauthConns) {
					s.refused.Inc()
					c.Close()
				}
			case http.StateClosed, http.StateHijacked:
				if ci, ok := infos.LoadAndDelete(c); ok && !ci.(*connInfo).authed.Load() {
					s.unauth.Add(-1)
				}
			}
		},
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
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
