package dashboard

import (
	"compress/gzip"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// scope says who may use a route.
type scope int

const (
	public scope = iota // anyone (login, CSS, language)
	user                // any logged-in user; the handler filters by site
	site                // the {site} of the path must be one of the user's, else 404
	admin               // administrators only, else 403
)

// req is what a handler gets besides the response writer.
type req struct {
	*http.Request
	sess *session
	site server.Site // for site-scoped routes
	cat  *i18n.Catalogue
	lang string
	d    *Dashboard
}

func (r *req) user() User { return r.sess.user }

type route struct {
	method, pattern string
	scope           scope
	h               func(http.ResponseWriter, *req)
}

// routes is every route of the dashboard; the isolation tests walk this
// same table, so a new route is tested as soon as it is added.
func (d *Dashboard) routes() []route {
	return []route{
		{"GET", "/static/{file}", public, d.static},
		{"GET", "/lang/{lang}", public, d.setLang},
		{"GET", "/login", public, d.loginForm},
		{"POST", "/login", public, d.loginPost},
		{"POST", "/logout", user, d.logoutPost},
		{"GET", "/{$}", user, d.overview},
		{"GET", "/sites/{site}", site, d.sitePage},
		{"POST", "/sites/{site}/enrol", site, d.enrolPost},
		{"POST", "/sites/{site}/devices/{device}/revoke", site, d.revokePost},
		{"GET", "/sites/{site}/learners/{learner}", site, d.learnerPage},
		{"POST", "/sites/{site}/learners/{learner}/erase", site, d.erasePost},
		{"POST", "/sites/{site}/learners/{learner}/link", site, d.linkPost},
		{"GET", "/sites/{site}/export.csv", site, d.siteCSV},
		{"GET", "/sites/{site}/paths/{path}/export.csv", site, d.pathCSV},
		{"GET", "/sites/{site}/report.pdf", site, d.reportPDF},
		{"GET", "/paths", user, d.pathsPage},
		{"POST", "/paths", user, d.pathPost},
		{"GET", "/content", user, d.contentPage},
		{"POST", "/content", admin, d.contentPost},
		{"GET", "/exports", user, d.exportsPage},
		{"GET", "/report.pdf", user, d.reportAny},
		{"GET", "/audit", user, d.auditPage},
		{"GET", "/users", admin, d.usersPage},
		{"POST", "/users", admin, d.userPost},
		{"GET", "/xapi", admin, d.xapiPage},
	}
}

// Handler returns the dashboard's HTTP handler, to mount at "/".
func (d *Dashboard) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range d.routes() {
		mux.Handle(rt.method+" "+rt.pattern, d.wrap(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rq := d.newReq(r)
		d.errorPage(w, rq, http.StatusNotFound)
	})
	return mux
}

const (
	sessionCookie = "tremplin_session"
	langCookie    = "tremplin_lang"
	loginCSRF     = "tremplin_login"
)

func (d *Dashboard) newReq(r *http.Request) *req {
	lang := "fr"
	if c, err := r.Cookie(langCookie); err == nil && d.cats[c.Value] != nil {
		lang = c.Value
	} else if strings.HasPrefix(r.Header.Get("Accept-Language"), "en") {
		lang = "en"
	}
	return &req{Request: r, cat: d.cats[lang], lang: lang, d: d}
}

// wrap applies the route's scope, CSRF check, security headers and gzip.
func (d *Dashboard) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") && rt.pattern != "/static/{file}" {
			gz := &gzipWriter{ResponseWriter: w}
			defer gz.close()
			w = gz
		}
		rq := d.newReq(r)
		if rt.scope != public {
			h.Set("Cache-Control", "no-store")
			c, _ := r.Cookie(sessionCookie)
			var tok string
			if c != nil {
				tok = c.Value
			}
			s, err := d.session(r.Context(), tok)
			if errors.Is(err, errNoSession) {
				if r.Method == http.MethodGet {
					http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				} else {
					d.errorPage(w, rq, http.StatusUnauthorized)
				}
				return
			}
			if err != nil {
				d.fail(w, rq, err)
				return
			}
			rq.sess = s
			if r.Method == http.MethodPost && !d.csrfOK(r, s.csrf) {
				d.errorPage(w, rq, http.StatusForbidden)
				return
			}
		}
		switch rt.scope {
		case admin:
			if !rq.user().Admin() {
				d.errorPage(w, rq, http.StatusForbidden)
				return
			}
		case site:
			st, err := d.store.FindSite(r.Context(), r.PathValue("site"))
			// Another site's page answers exactly like a missing one.
			if err != nil || st.ID != r.PathValue("site") || !rq.user().CanSite(st.ID) {
				if err != nil && !errors.Is(err, server.ErrNotFound) {
					d.fail(w, rq, err)
					return
				}
				d.errorPage(w, rq, http.StatusNotFound)
				return
			}
			rq.site = st
		}
		rt.h(w, rq)
	})
}

// csrfOK checks a form's token against the session's, and that a browser
// sending Origin sends ours.
func (d *Dashboard) csrfOK(r *http.Request, want string) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	got := r.PostFormValue("csrf")
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

type gzipWriter struct {
	http.ResponseWriter
	zw      *gzip.Writer
	started bool
	plain   bool
}

func (g *gzipWriter) WriteHeader(code int) {
	if !g.started {
		g.started = true
		h := g.Header()
		if code == http.StatusNoContent || code < 200 || h.Get("Content-Encoding") != "" || (code >= 300 && code < 400) {
			g.plain = true
		} else {
			h.Del("Content-Length")
			h.Set("Content-Encoding", "gzip")
			h.Add("Vary", "Accept-Encoding")
			g.zw, _ = gzip.NewWriterLevel(g.ResponseWriter, gzip.BestSpeed)
		}
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.started {
		g.WriteHeader(http.StatusOK)
	}
	if g.plain {
		return g.ResponseWriter.Write(b)
	}
	return g.zw.Write(b)
}

func (g *gzipWriter) close() {
	if g.zw != nil {
		_ = g.zw.Close()
	}
}

// clientIP is the address a login attempt is counted against.
func (d *Dashboard) clientIP(r *http.Request) string {
	if d.cfg.Client != nil {
		return d.cfg.Client.ClientAddr(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allowLogin applies the per-address login rate.
func (d *Dashboard) allowLogin(r *http.Request) bool {
	d.limMu.Lock()
	defer d.limMu.Unlock()
	ip := d.clientIP(r)
	l := d.limiters[ip]
	if l == nil {
		if len(d.limiters) > 10000 {
			d.limiters = map[string]*rate.Limiter{}
		}
		l = rate.NewLimiter(rate.Limit(d.cfg.LoginRate), d.cfg.LoginBurst)
		d.limiters[ip] = l
	}
	return l.Allow()
}

func (d *Dashboard) secure(r *http.Request) bool {
	return r.TLS != nil || d.cfg.SecureCookies || (d.cfg.Client != nil && d.cfg.Client.Secure(r))
}

func (d *Dashboard) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: d.secure(r)}
	if maxAge < 0 {
		c.MaxAge = -1
	} else if maxAge > 0 {
		c.MaxAge = int(maxAge / time.Second)
	}
	http.SetCookie(w, c)
}

// page is what every template gets.
type page struct {
	r     *req
	Title string
	Nav   string
	Data  any
	Flash string
}

// T translates key in the request's language.
func (p *page) T(key string, args ...string) string { return p.r.cat.T(key, args...) }

// TOr translates key, or returns fallback when the catalogue lacks it
// (an event type or action the dashboard does not name yet).
func (p *page) TOr(key, fallback string) string {
	if !p.r.d.known[key] {
		return fallback
	}
	return p.r.cat.T(key)
}

// Lang is the page's language.
func (p *page) Lang() string { return p.r.lang }

// User is the logged-in user, if any.
func (p *page) User() *User {
	if p.r.sess == nil {
		return nil
	}
	u := p.r.sess.user
	return &u
}

// CSRF is the token every form carries.
func (p *page) CSRF() string {
	if p.r.sess == nil {
		return ""
	}
	return p.r.sess.csrf
}

// Path is the request's path, for the language links.
func (p *page) Path() string { return p.r.URL.Path }

func (d *Dashboard) render(w http.ResponseWriter, r *req, code int, name, nav, title string, data any) {
	t := d.pages[name]
	if t == nil {
		d.fail(w, r, errors.New("no template "+name))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	p := &page{r: r, Title: title, Nav: nav, Data: data}
	if err := t.ExecuteTemplate(w, "layout", p); err != nil {
		d.log.Error("render", "page", name, "err", err)
	}
}

func (d *Dashboard) errorPage(w http.ResponseWriter, r *req, code int) {
	key := map[int]string{400: "dash.error.400", 422: "dash.error.422", 401: "dash.error.401", 403: "dash.error.403", 404: "dash.error.404", 429: "dash.error.429"}[code]
	if key == "" {
		key = "dash.error.500"
	}
	d.render(w, r, code, "error", "", r.cat.T(key), nil)
}

func (d *Dashboard) fail(w http.ResponseWriter, r *req, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	d.log.Error("dashboard", "path", r.URL.Path, "err", err)
	d.errorPage(w, r, http.StatusInternalServerError)
}

func (d *Dashboard) static(w http.ResponseWriter, r *req) {
	b, err := fs.ReadFile(webFS, "static/"+r.PathValue("file"))
	if err != nil {
		http.NotFound(w, r.Request)
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case strings.HasSuffix(r.URL.Path, ".svg"):
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(b)
}

func (d *Dashboard) setLang(w http.ResponseWriter, r *req) {
	lang := r.PathValue("lang")
	if d.cats[lang] == nil {
		d.errorPage(w, r, http.StatusNotFound)
		return
	}
	d.setCookie(w, r.Request, langCookie, lang, 365*24*time.Hour)
	back := r.URL.Query().Get("back")
	if !localPath(back) {
		back = "/"
	}
	http.Redirect(w, r.Request, back, http.StatusSeeOther)
}

// localPath reports whether p is a path on this server (no open redirect).
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\")
}

func (d *Dashboard) loginForm(w http.ResponseWriter, r *req) {
	d.showLogin(w, r, http.StatusOK, "")
}

func (d *Dashboard) showLogin(w http.ResponseWriter, r *req, code int, msg string) {
	tok := randomToken()
	d.setCookie(w, r.Request, loginCSRF, tok, 30*time.Minute)
	next := r.FormValue("next")
	if !localPath(next) {
		next = "/"
	}
	d.render(w, r, code, "login", "", r.cat.T("dash.login.title"), map[string]string{"Token": tok, "Next": next, "Error": msg})
}

func (d *Dashboard) loginPost(w http.ResponseWriter, r *req) {
	c, err := r.Cookie(loginCSRF)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		d.showLogin(w, r, http.StatusForbidden, r.cat.T("dash.login.expired"))
		return
	}
	if !d.allowLogin(r.Request) {
		w.Header().Set("Retry-After", "60")
		d.showLogin(w, r, http.StatusTooManyRequests, r.cat.T("dash.error.429"))
		return
	}
	name := r.PostFormValue("name")
	tok, u, err := d.Login(r.Context(), name, r.PostFormValue("password"))
	switch {
	case errors.Is(err, ErrBadLogin), errors.Is(err, ErrLocked):
		_ = d.Audit(r.Context(), AuditEntry{User: clipText(name, 100), Action: ActLoginFailed, Target: d.clientIP(r.Request)})
		msg := r.cat.T("dash.login.bad")
		if errors.Is(err, ErrLocked) {
			msg = r.cat.T("dash.login.locked")
		}
		d.showLogin(w, r, http.StatusUnauthorized, msg)
		return
	case err != nil:
		d.fail(w, r, err)
		return
	}
	_ = d.Audit(r.Context(), AuditEntry{User: u.Name, Action: ActLogin, Target: d.clientIP(r.Request)})
	d.setCookie(w, r.Request, loginCSRF, "", -1)
	d.setCookie(w, r.Request, sessionCookie, tok, 0)
	next := r.PostFormValue("next")
	if !localPath(next) {
		next = "/"
	}
	http.Redirect(w, r.Request, next, http.StatusSeeOther)
}

func (d *Dashboard) logoutPost(w http.ResponseWriter, r *req) {
	if err := d.logout(r.Context(), r.sess); err != nil {
		d.fail(w, r, err)
		return
	}
	d.setCookie(w, r.Request, sessionCookie, "", -1)
	http.Redirect(w, r.Request, "/login", http.StatusSeeOther)
}

// funcs are the helpers templates use.
var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() || t.Unix() <= 0 {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04")
	},
	"day": func(t time.Time) string {
		if t.IsZero() || t.Unix() <= 0 {
			return "—"
		}
		return t.UTC().Format("2006-01-02")
	},
	"pct": func(n, total int) int {
		if total == 0 {
			return 0
		}
		return (100*n + total/2) / total
	},
	"add":   func(a, b int) int { return a + b },
	"stack": stackBar,
	"has": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
}

// stackBar draws learners per band as one stacked SVG bar (inline style
// attributes would need a looser Content-Security-Policy).
func stackBar(counts [4]int, label string) template.HTML {
	total := 0
	for _, n := range counts {
		total += n
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="stack" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="%s">`, template.HTMLEscapeString(label))
	x := 0.0
	for i, n := range counts {
		if total == 0 || n == 0 {
			continue
		}
		w := 100 * float64(n) / float64(total)
		fmt.Fprintf(&b, `<rect class="b%d" x="%.2f" y="0" width="%.2f" height="10"/>`, i, x, w)
		x += w
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
