// Package client is the kiosk side of Tremplin sync (docs/sync-protocol.md):
// enrolment, pushing the journal's unsent events in bounded gzip'd batches,
// pulling the site's events into the journal, a background loop with
// exponential backoff and jitter that respects Retry-After, the sync status
// the mediator area shows, and signed content pack updates.
//
// Package client imports no Fyne: the kiosk calls it.
package client

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/packsign"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// Options tune a Client. The zero value is fine.
type Options struct {
	HTTPClient *http.Client  // default: 60 s timeout
	BatchSize  int           // events a push; default 500, at most wire.MaxBatchEvents
	Interval   time.Duration // Run: pause after a successful sync; default 2 min
	MinBackoff time.Duration // Run: first pause after a failure; default 1 s
	MaxBackoff time.Duration // Run: longest pause; default 10 min
	Logger     *slog.Logger
	// OnSync, if set, is called by Run after every attempt (from Run's
	// goroutine; the kiosk hops to the UI with fyne.Do).
	OnSync func(Report, error)
	// CheckPack, if set, validates a downloaded pack's folder before it
	// becomes current (the kiosk passes the content loader).
	CheckPack func(dir string) error
	// Insecure lets Enroll use a plain http:// server that is not on this
	// machine. Without it only https:// (or http:// to a loopback address)
	// is accepted: a device token must not cross a network in clear.
	Insecure bool
	// EnrollRetries is how many times Enroll retries after a network
	// failure or a busy server (the same key each time, so the server
	// answers the same); default 4.
	EnrollRetries int
}

// Client syncs one journal with its server.
type Client struct {
	j    *journal.Journal
	opts Options
	http *http.Client
}

// New makes a client for j.
func New(j *journal.Journal, opts Options) *Client {
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if opts.BatchSize <= 0 || opts.BatchSize > wire.MaxBatchEvents {
		opts.BatchSize = 500
	}
	if opts.Interval <= 0 {
		opts.Interval = 2 * time.Minute
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 10 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.EnrollRetries == 0 {
		opts.EnrollRetries = 4
	}
	return &Client{j: j, opts: opts, http: opts.HTTPClient}
}

// Report says what one sync did.
type Report struct {
	Pushed        int    // events the server acknowledged
	Pulled        int    // events new to this journal
	Pending       int    // events still waiting for the server
	PackAvailable string // a newer content pack version the server offers, if any
	Duration      time.Duration
	// Reidentified is "restored" or "copied" when this sync found the
	// journal restored from an older copy or cloned and took a new device
	// identity (see journal.AdoptIdentity); empty otherwise.
	Reidentified string
	Restamped    int // unsent events whose clock ran ahead and were re-stamped
}

// Error is a failed sync step. Kind is a problem kind from the server
// ("unauthorized", "rate-limited"…) or "network", "not-enrolled", "journal".
type Error struct {
	Kind       string
	Status     int           // HTTP status, 0 for network failures
	RetryAfter time.Duration // from the server, if it said
	Err        error
}

func (e *Error) Error() string { return fmt.Sprintf("sync: %s: %v", e.Kind, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Permanent reports whether retrying without a person's help is pointless.
func (e *Error) Permanent() bool {
	switch e.Kind {
	case "not-enrolled", "insecure", wire.ProblemUnauthorized, wire.ProblemForbidden, wire.ProblemVersion, wire.ProblemInvalidEvent, wire.ProblemMalformed, wire.ProblemBadCode, wire.ProblemOtherSite:
		return true
	}
	return false
}

// MessageKey returns the translation key of the error (assets/i18n/sync.*.json).
func (e *Error) MessageKey() string { return journal.SyncErrorKey(e.Kind) }

// Plain returns the error in plain French, for logs and the journal's
// state; screens and the command line translate MessageKey instead.
func (e *Error) Plain() string {
	switch e.Kind {
	case "network":
		return "Pas de connexion avec le serveur. Les réponses restent sur ce poste et partiront plus tard."
	case "not-enrolled":
		return "Ce poste n'est pas encore inscrit auprès d'un serveur."
	case "insecure":
		return "Cette adresse de serveur n'est pas chiffrée (http://). Utilisez https://, ou --insecure en connaissance de cause."
	case wire.ProblemUnauthorized:
		return "Le serveur ne reconnaît plus ce poste. Demandez un nouveau code d'inscription."
	case wire.ProblemBadCode:
		return "Ce code d'inscription est inconnu, périmé ou déjà utilisé. Demandez-en un nouveau."
	case wire.ProblemOtherSite:
		return "Ce poste est déjà inscrit dans un autre lieu."
	case wire.ProblemRateLimited, wire.ProblemUnavailable, wire.ProblemInternal:
		return "Le serveur est occupé. Nouvel essai automatique plus tard."
	case wire.ProblemVersion:
		return "Ce poste doit être mis à jour pour envoyer ses données."
	case "journal":
		return "Le journal de ce poste ne peut pas être lu ou écrit."
	}
	return "L'envoi des données a échoué. Nouvel essai automatique plus tard."
}

// Enroll trades a single-use code for a device token and stores the server
// address and token in the journal.
func Enroll(ctx context.Context, j *journal.Journal, serverURL, code string) error {
	return New(j, Options{}).Enroll(ctx, serverURL, code)
}

// SyncOnce pushes every unsent event and pulls everything new, once.
func SyncOnce(ctx context.Context, j *journal.Journal) (Report, error) {
	return New(j, Options{}).SyncOnce(ctx)
}

// Run syncs in the background until ctx ends: see Client.Run.
func Run(ctx context.Context, j *journal.Journal, opts Options) error {
	return New(j, opts).Run(ctx)
}

// Status reads what the mediator area shows: last sync, pending events,
// last error in plain words.
func Status(j *journal.Journal) (journal.SyncStatus, error) {
	return j.SyncStatus(context.Background())
}

// CheckServerURL parses a server address: http(s) only, and plain http
// only to a loopback address unless insecure.
func CheckServerURL(serverURL string, insecure bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(serverURL), "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{Kind: "malformed", Err: fmt.Errorf("server address %q is not an http(s) URL", serverURL)}
	}
	if u.Scheme == "http" && !insecure && !loopback(u.Hostname()) {
		return nil, &Error{Kind: "insecure", Err: fmt.Errorf("server address %q is not encrypted: use https://, or --insecure on a network you trust", serverURL)}
	}
	return u, nil
}

func loopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func normCode(code string) string {
	return strings.NewReplacer("-", "", " ", "").Replace(strings.ToUpper(code))
}

// pendingKey returns the key of an enrolment (or identity change) already
// in flight for the same purpose and server, or saves a new one first: a
// retry after a lost answer proposes the same key, and the server answers
// the same.
func (c *Client) pendingKey(ctx context.Context, purpose, server string) (string, error) {
	st := func(k string) string { v, _ := c.j.State(ctx, k); return v }
	if st(journal.StatePendingCode) == purpose && st(journal.StatePendingServer) == server && wire.ValidKey(st(journal.StatePendingKey)) {
		return st(journal.StatePendingKey), nil
	}
	key := wire.NewKey()
	if err := c.j.SetState(ctx, journal.StatePendingKey, key, journal.StatePendingCode, purpose, journal.StatePendingServer, server); err != nil {
		return "", &Error{Kind: "journal", Err: err}
	}
	return key, nil
}

// Enroll trades a single-use code for a device identity: the server
// chooses the device id, the device proposes its token. Network failures
// are retried with the same key (Options.EnrollRetries), and so is a later
// call with the same code, so a lost answer never burns the code.
func (c *Client) Enroll(ctx context.Context, serverURL, code string) error {
	u, err := CheckServerURL(serverURL, c.opts.Insecure)
	if err != nil {
		return err
	}
	key, err := c.pendingKey(ctx, "code:"+normCode(code), u.String())
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	body, _ := json.Marshal(wire.EnrollRequest{V: wire.Version, Code: code, Key: key, Name: host})
	var out wire.EnrollResponse
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String()+"/api/v1/devices/enroll", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		err = c.do(req, &out)
		var se *Error
		if err == nil || !errors.As(err, &se) || !transient(se.Kind) || attempt >= c.opts.EnrollRetries {
			if err != nil {
				return err
			}
			break
		}
		t := time.NewTimer(Backoff(attempt, 500*time.Millisecond, 8*time.Second, se.RetryAfter))
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
	if out.DeviceID == "" || out.SiteID == "" {
		return &Error{Kind: "malformed", Err: errors.New("server gave no device id")}
	}
	if _, err := c.j.AdoptIdentity(ctx, out.DeviceID, journal.IdentityEnrolled,
		journal.StateServerURL, u.String(), journal.StateToken, key,
		journal.StateSiteID, out.SiteID, journal.StateSiteName, out.SiteName, journal.StateDeviceName, out.DeviceName,
		journal.StatePendingKey, "", journal.StatePendingCode, "", journal.StatePendingServer, ""); err != nil {
		return &Error{Kind: "journal", Err: err}
	}
	c.clock(ctx, out.ServerMS)
	return nil
}

// transient reports whether an error of this kind may pass by itself.
func transient(kind string) bool {
	switch kind {
	case "network", wire.ProblemRateLimited, wire.ProblemUnavailable, wire.ProblemInternal:
		return true
	}
	return false
}

// SetServer points an enrolled device at another address of its server
// (a new domain name, https after http), without enrolling again.
func (c *Client) SetServer(ctx context.Context, serverURL string) error {
	u, err := CheckServerURL(serverURL, c.opts.Insecure)
	if err != nil {
		return err
	}
	if err := c.j.SetState(ctx, journal.StateServerURL, u.String()); err != nil {
		return &Error{Kind: "journal", Err: err}
	}
	return nil
}

// clock corrects the journal's hybrid clock by the server's, when they
// differ by more than a few seconds (network delays are noise).
func (c *Client) clock(ctx context.Context, serverMS int64) {
	if serverMS <= 0 {
		return
	}
	d := time.Duration(serverMS-c.j.Clock().UnixMilli()) * time.Millisecond
	if diff := d - c.j.ClockOffset(); diff > 5*time.Second || diff < -5*time.Second {
		if err := c.j.SetClockOffset(ctx, d); err != nil {
			c.opts.Logger.Warn("set clock offset", "err", err)
		}
	}
}

// reidentify asks the server for a new identity (the journal was restored
// or cloned) and adopts it: unsent events move to it, the pull restarts.
func (c *Client) reidentify(ctx context.Context, base, token, reason string) error {
	old := c.j.DeviceID()
	key, err := c.pendingKey(ctx, "reidentify:"+old, base)
	if err != nil {
		return err
	}
	last, _ := c.j.LastSeq(ctx)
	body, _ := json.Marshal(wire.ReidentifyRequest{V: wire.Version, Key: key, Reason: reason, LastSeq: last})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/devices/reidentify", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	var out wire.EnrollResponse
	if err := c.do(req, &out); err != nil {
		return err
	}
	if out.DeviceID == "" {
		return &Error{Kind: "malformed", Err: errors.New("server gave no device id")}
	}
	moved, err := c.j.AdoptIdentity(ctx, out.DeviceID, reason, journal.StateToken, key, journal.StateDeviceName, out.DeviceName,
		journal.StatePendingKey, "", journal.StatePendingCode, "", journal.StatePendingServer, "")
	if err != nil {
		return &Error{Kind: "journal", Err: err}
	}
	c.opts.Logger.Warn("journal "+reason+": this device takes a new identity", "old", old, "new", out.DeviceID, "moved", moved)
	return nil
}

// SyncOnce pushes every unsent event, then pulls every new event of the
// site, and records the outcome for Status.
func (c *Client) SyncOnce(ctx context.Context) (Report, error) {
	start := time.Now()
	rep, err := c.syncOnce(ctx)
	rep.Duration = time.Since(start)
	rep.Pending, _ = c.j.Pending(ctx)
	var se *Error
	switch {
	case err == nil:
		_ = c.j.RecordSync(context.WithoutCancel(ctx), time.Now(), "", "")
	case errors.As(err, &se):
		_ = c.j.RecordSync(context.WithoutCancel(ctx), time.Now(), se.Kind, se.Plain())
	default:
		_ = c.j.RecordSync(context.WithoutCancel(ctx), time.Now(), "other", (&Error{}).Plain())
	}
	return rep, err
}

// reused signals that the server holds sequence numbers of this device id
// that this journal did not write: it was restored or cloned.
type reused struct{ reason string }

func (r *reused) Error() string { return "device id re-used: " + r.reason }

func (c *Client) syncOnce(ctx context.Context) (Report, error) {
	var rep Report
	base, _ := c.j.State(ctx, journal.StateServerURL)
	if base == "" {
		return rep, &Error{Kind: "not-enrolled", Err: errors.New("no server configured")}
	}
	if err := c.j.ApplyErasures(ctx); err != nil {
		return rep, &Error{Kind: "journal", Err: err}
	}
	// At most two changes of identity a sync (restored, then copied):
	// each one needs the server's answer.
	for round := 0; ; round++ {
		token, _ := c.j.State(ctx, journal.StateToken)
		if token == "" {
			return rep, &Error{Kind: "not-enrolled", Err: errors.New("no device token")}
		}
		n, err := c.push(ctx, base, token, &rep)
		rep.Pushed += n
		var ru *reused
		if errors.As(err, &ru) && round < 2 {
			if err := c.reidentify(ctx, base, token, ru.reason); err != nil {
				return rep, err
			}
			rep.Reidentified = ru.reason
			continue
		}
		if err != nil {
			return rep, err
		}
		var pulled int
		pulled, rep.PackAvailable, err = c.pull(ctx, base, token)
		rep.Pulled += pulled
		if errors.As(err, &ru) && round < 2 {
			if err := c.reidentify(ctx, base, token, ru.reason); err != nil {
				return rep, err
			}
			rep.Reidentified = ru.reason
			continue
		}
		return rep, err
	}
}

// checkSeq compares the highest seq the server holds from this device with
// the journal's: more on the server means the journal went back in time.
func (c *Client) checkSeq(ctx context.Context, serverSeq int64) error {
	last, err := c.j.LastSeq(ctx)
	if err != nil {
		return &Error{Kind: "journal", Err: err}
	}
	if serverSeq > last {
		return &reused{reason: journal.IdentityRestored}
	}
	return nil
}

func (c *Client) push(ctx context.Context, base, token string, rep *Report) (int, error) {
	total := 0
	size := c.opts.BatchSize
	restamps := 0
	// Once the server's clock is known, re-stamp what ran ahead of it
	// before sending (without it, the server's refusal says when).
	if off, _ := c.j.State(ctx, journal.StateClockOffset); off != "" {
		n, err := c.j.RestampAhead(ctx)
		if err != nil {
			return 0, &Error{Kind: "journal", Err: err}
		}
		rep.Restamped += n
	}
	for {
		evs, err := c.j.Unsent(ctx, size)
		if err != nil {
			return total, &Error{Kind: "journal", Err: err}
		}
		if len(evs) == 0 {
			return total, nil
		}
		batch := make([]wire.Event, len(evs))
		for i, e := range evs {
			batch[i] = toWire(e)
		}
		body, err := wire.EncodePush(batch)
		if err != nil {
			return total, &Error{Kind: "journal", Err: err}
		}
		if len(body) > wire.MaxBodyBytes && size > 1 {
			size /= 2
			continue
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/sync/push", bytes.NewReader(body))
		if err != nil {
			return total, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
		req.Header.Set("Authorization", "Bearer "+token)
		var out wire.PushResponse
		if err := c.do(req, &out); err != nil {
			var se *Error
			var p *wire.Problem
			switch {
			case errors.As(err, &se) && se.Kind == wire.ProblemTooLarge && size > 1:
				size /= 2
				continue
			case errors.As(err, &se) && se.Kind == wire.ProblemClockAhead && errors.As(err, &p) && restamps < 2:
				// The device's clock ran ahead of the server's: correct it
				// and re-stamp what is unsent, then send again.
				restamps++
				c.clock(ctx, p.ServerMS)
				n, err := c.j.RestampAhead(ctx)
				if err != nil {
					return total, &Error{Kind: "journal", Err: err}
				}
				rep.Restamped += n
				continue
			case errors.As(err, &se) && se.Kind == wire.ProblemDeviceReused:
				reason := journal.IdentityCopied
				last, _ := c.j.LastSeq(ctx)
				if errors.As(err, &p) && p.DeviceSeq > last {
					reason = journal.IdentityRestored
				}
				return total, &reused{reason: reason}
			}
			return total, err
		}
		c.clock(ctx, out.ServerMS)
		// Mark only ids we sent and the server listed.
		sent := make(map[string]bool, len(batch))
		for _, e := range batch {
			sent[e.ID] = true
		}
		var ok []string
		for _, id := range out.Accepted {
			if sent[id] {
				ok = append(ok, id)
			}
		}
		if len(ok) == 0 {
			return total, &Error{Kind: "malformed", Err: errors.New("server accepted none of the batch")}
		}
		if err := c.j.MarkSent(ctx, ok); err != nil {
			return total, &Error{Kind: "journal", Err: err}
		}
		total += len(ok)
		if out.ServerHLC > 0 {
			_ = c.j.ObserveHLC(ctx, journal.HLC(out.ServerHLC))
		}
		c.opts.Logger.Debug("pushed", "events", len(ok), "stored", out.Stored)
		if err := c.checkSeq(ctx, out.DeviceSeq); err != nil {
			return total, err
		}
	}
}

func (c *Client) pull(ctx context.Context, base, token string) (int, string, error) {
	total := 0
	pack := ""
	for {
		cursor, err := c.j.State(ctx, journal.StatePullCursor)
		if err != nil {
			return total, pack, &Error{Kind: "journal", Err: err}
		}
		if cursor == "" {
			cursor = "0"
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/sync/pull?cursor="+url.QueryEscape(cursor), nil)
		if err != nil {
			return total, pack, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		var out wire.PullResponse
		if err := c.do(req, &out); err != nil {
			return total, pack, err
		}
		c.clock(ctx, out.ServerMS)
		if err := c.checkSeq(ctx, out.DeviceSeq); err != nil {
			return total, pack, err
		}
		evs := make([]journal.Event, len(out.Events))
		for i, e := range out.Events {
			evs[i] = fromWire(e)
		}
		n, err := c.j.Merge(ctx, evs, out.Cursor)
		if err != nil {
			return total, pack, &Error{Kind: "journal", Err: err}
		}
		total += n
		if out.Pack != nil {
			if have, _ := c.j.State(ctx, journal.StatePackVersion); have != out.Pack.Version {
				pack = out.Pack.Version
			}
		}
		if !out.More || out.Cursor == cursor {
			return total, pack, nil
		}
	}
}

// do sends req and decodes a 200 answer into out; any other answer or a
// transport failure becomes an *Error.
func (c *Client) do(req *http.Request, out any) error {
	req.Header.Set("User-Agent", "tremplin-kiosk/1")
	resp, err := c.http.Do(req)
	if err != nil {
		return &Error{Kind: "network", Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p := wire.ReadProblem(resp)
		return &Error{Kind: p.Kind(), Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After")), Err: p}
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(out); err != nil {
		// A truncated or garbled answer: nothing is marked, the next try
		// resends and the server deduplicates.
		return &Error{Kind: "network", Err: fmt.Errorf("read answer: %w", err)}
	}
	return nil
}

func retryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// Backoff returns the pause before retry number attempt (0-based): full
// jitter over an exponential ceiling, never less than the server's
// Retry-After.
func Backoff(attempt int, minB, maxB, retryAfter time.Duration) time.Duration {
	ceil := max(minB, time.Nanosecond)
	for i := 0; i < attempt && ceil < maxB; i++ {
		ceil *= 2 // no overflow: stops once past maxB
	}
	ceil = min(ceil, maxB)
	d := time.Duration(rand.Int64N(int64(ceil) + 1))
	return max(d, retryAfter, minB/2)
}

// Run syncs until ctx ends: a sync, then a pause of Interval after a
// success or of Backoff after a failure.
func (c *Client) Run(ctx context.Context) error {
	attempt := 0
	for {
		rep, err := c.SyncOnce(ctx)
		if c.opts.OnSync != nil {
			c.opts.OnSync(rep, err)
		}
		wait := c.opts.Interval
		if err != nil {
			var se *Error
			ra := time.Duration(0)
			if errors.As(err, &se) {
				ra = se.RetryAfter
				if se.Permanent() {
					attempt = 40
				}
			}
			wait = Backoff(attempt, c.opts.MinBackoff, c.opts.MaxBackoff, ra)
			attempt++
			c.opts.Logger.Warn("sync failed", "err", err, "retry_in", wait.String())
		} else {
			attempt = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// SyncUntilDone syncs until everything is sent and pulled, or until
// maxTime has passed: a busy server's 429 or 503 (Retry-After honoured), a
// network failure or a server error only pauses it. A device with a large
// backlog thus empties it in one call. It returns the sum of the syncs and
// the last error when it gives up.
func (c *Client) SyncUntilDone(ctx context.Context, maxTime time.Duration) (Report, error) {
	deadline := time.Now().Add(maxTime)
	var total Report
	attempt := 0
	for {
		rep, err := c.SyncOnce(ctx)
		total.Pushed += rep.Pushed
		total.Pulled += rep.Pulled
		total.Restamped += rep.Restamped
		total.Pending = rep.Pending
		total.Duration += rep.Duration
		if rep.PackAvailable != "" {
			total.PackAvailable = rep.PackAvailable
		}
		if rep.Reidentified != "" {
			total.Reidentified = rep.Reidentified
		}
		if err == nil {
			return total, nil
		}
		var se *Error
		if errors.As(err, &se) && se.Permanent() {
			return total, err
		}
		if rep.Pushed > 0 || rep.Pulled > 0 {
			attempt = 0 // progress: no need to back off further
		}
		ra := time.Duration(0)
		if se != nil {
			ra = se.RetryAfter
		}
		wait := Backoff(attempt, c.opts.MinBackoff, min(c.opts.MaxBackoff, time.Minute), ra)
		attempt++
		if time.Now().Add(wait).After(deadline) {
			return total, err
		}
		c.opts.Logger.Info("sync paused", "err", err, "retry_in", wait.String())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return total, err
		case <-t.C:
		}
	}
}

// FetchPack installs the server's newest content pack into packsDir if it
// is newer than the installed one and its signature verifies with one of
// keys. An unsigned, tampered or truncated pack is refused and the previous
// one stays current. It returns the current pack's directory.
func (c *Client) FetchPack(ctx context.Context, keys []ed25519.PublicKey, packsDir string) (string, error) {
	base, _ := c.j.State(ctx, journal.StateServerURL)
	token, _ := c.j.State(ctx, journal.StateToken)
	if base == "" || token == "" {
		return packsign.Current(packsDir), &Error{Kind: "not-enrolled", Err: errors.New("no server configured")}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/packs/latest", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	var info wire.PackInfo
	if err := c.do(req, &info); err != nil {
		return packsign.Current(packsDir), err
	}
	if have, _ := c.j.State(ctx, journal.StatePackVersion); have == info.Version && packsign.Current(packsDir) != "" {
		return packsign.Current(packsDir), nil
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/packs/"+url.PathEscape(info.Version), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.http.Do(req)
	if err != nil {
		return packsign.Current(packsDir), &Error{Kind: "network", Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p := wire.ReadProblem(resp)
		return packsign.Current(packsDir), &Error{Kind: p.Kind(), Status: resp.StatusCode, Err: p}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, packsign.MaxTotalBytes))
	if err != nil {
		return packsign.Current(packsDir), &Error{Kind: "network", Err: err}
	}
	dir, err := packsign.InstallChecked(keys, packsDir, info.Version, data, info.Signature, c.opts.CheckPack)
	if err != nil {
		return packsign.Current(packsDir), err
	}
	return dir, c.j.SetState(ctx, journal.StatePackVersion, info.Version)
}

func toWire(e journal.Event) wire.Event {
	return wire.Event{ID: e.ID, DeviceID: e.DeviceID, Seq: e.Seq, WallMS: e.WallTime.UnixMilli(), HLC: int64(e.HLC),
		Type: e.Type, LearnerID: e.LearnerID, Payload: e.Payload}
}

func fromWire(e wire.Event) journal.Event {
	return journal.Event{ID: e.ID, DeviceID: e.DeviceID, Seq: e.Seq, WallTime: time.UnixMilli(e.WallMS).UTC(), HLC: journal.HLC(e.HLC),
		Type: e.Type, LearnerID: e.LearnerID, Payload: e.Payload}
}
