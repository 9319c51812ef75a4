// Package dashboard is the central server's web face for the people who
// run a network of sites: coordinators (the sites they are given) and
// administrators (every site). It serves server-rendered HTML pages
// (html/template, templates and CSS embedded, French and English, no
// JavaScript needed), CSV and PDF exports, and keeps its own tables
// (dash_*) beside the sync tables of package server: accounts, sessions,
// the audit log, pushed paths and a read model folded from the stored
// events (see index.go), so pages never scan the event log.
//
// What the dashboard changes on devices (a path pushed, a learner erased)
// it writes as ordinary events through server.Store.Push, so devices get
// them at their next pull like any other event of their site.
//
// Package dashboard imports no Fyne and no cgo.
package dashboard

import (
	"context"
	"crypto/ed25519"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

//go:embed templates/*.html static/*
var webFS embed.FS

// Forwarder is what the xAPI page shows of a learning-record forwarder.
type Forwarder interface {
	// Status returns named figures (queued, sent, last error…) to show.
	Status(ctx context.Context) ([][2]string, error)
}

// Client tells where a request comes from, behind reverse proxies the
// operator trusts (the sync server knows them).
type Client interface {
	// ClientAddr is the client's address, for the login rate limit.
	ClientAddr(r *http.Request) string
	// Secure reports whether the request came over TLS, for cookies.
	Secure(r *http.Request) bool
}

// Config tunes a Dashboard. The zero value works.
type Config struct {
	Logger *slog.Logger
	// SessionTTL is a session's absolute life (default 12 h); IdleTimeout
	// ends it sooner when unused (default 2 h).
	SessionTTL  time.Duration
	IdleTimeout time.Duration
	// SecureCookies marks cookies Secure even on plain HTTP requests (the
	// server behind a TLS-terminating proxy). Requests over TLS always get
	// Secure cookies.
	SecureCookies bool
	// PackKeys, when set, are the public keys an uploaded pack's signature
	// must verify against (the kiosks' built-in keys).
	PackKeys []ed25519.PublicKey
	// IndexEvery is how often Run folds new events (default 2 s).
	IndexEvery time.Duration
	// LoginRate and LoginBurst limit login attempts per client address
	// (default one every 6 s, burst 10).
	LoginRate  float64
	LoginBurst int
	// Client, when set, says where requests come from (default: the
	// connection's address; TLS only when the connection is).
	Client Client
	// Forwarder, when set, is shown on the xAPI page.
	Forwarder Forwarder
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Dashboard serves the web dashboard over a sync store.
type Dashboard struct {
	store *server.Store
	db    *db
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
	seq   atomic.Int64

	pages map[string]*template.Template
	cats  map[string]*i18n.Catalogue
	known map[string]bool // keys of the French catalogue

	limMu    sync.Mutex
	limiters map[string]*rate.Limiter

	indexMu sync.Mutex // one fold at a time

	packMu    sync.Mutex
	packCache *packCache
}

// New makes a dashboard over store and creates its tables.
func New(ctx context.Context, store *server.Store, cfg Config) (*Dashboard, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 2 * time.Hour
	}
	if cfg.IndexEvery == 0 {
		cfg.IndexEvery = 2 * time.Second
	}
	if cfg.LoginRate == 0 {
		cfg.LoginRate, cfg.LoginBurst = 1.0/6, 10
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	d := &Dashboard{store: store, db: newDB(store), cfg: cfg, log: cfg.Logger, now: cfg.Now, limiters: map[string]*rate.Limiter{}}
	d.seq.Store(cfg.Now().UnixMilli())
	if err := d.db.migrate(ctx); err != nil {
		return nil, err
	}
	if err := d.loadTemplates(); err != nil {
		return nil, err
	}
	d.cats = map[string]*i18n.Catalogue{}
	for _, lang := range []string{"fr", "en"} {
		c, err := i18n.Load(assets.Translations())
		if err != nil {
			return nil, fmt.Errorf("dashboard translations: %w", err)
		}
		c.SetLanguage(lang)
		d.cats[lang] = c
	}
	d.known = map[string]bool{}
	for _, k := range d.cats["fr"].Keys("fr") {
		d.known[k] = true
	}
	return d, nil
}

func (d *Dashboard) loadTemplates() error {
	layout, err := fs.ReadFile(webFS, "templates/layout.html")
	if err != nil {
		return err
	}
	names, err := fs.Glob(webFS, "templates/*.html")
	if err != nil {
		return err
	}
	d.pages = map[string]*template.Template{}
	for _, n := range names {
		if n == "templates/layout.html" {
			continue
		}
		body, err := fs.ReadFile(webFS, n)
		if err != nil {
			return err
		}
		t, err := template.New("layout").Funcs(funcs).Parse(string(layout))
		if err == nil {
			_, err = t.Parse(string(body))
		}
		if err != nil {
			return fmt.Errorf("template %s: %w", n, err)
		}
		d.pages[n[len("templates/"):len(n)-len(".html")]] = t
	}
	return nil
}

// Run folds new events into the read model every IndexEvery until ctx
// ends.
func (d *Dashboard) Run(ctx context.Context) {
	t := time.NewTicker(d.cfg.IndexEvery)
	defer t.Stop()
	for {
		if n, err := d.Index(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			d.log.Error("dashboard index", "err", err)
		} else if n > 0 {
			d.log.Debug("dashboard index", "events", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
