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
	return &Client{j: j, opts: opts, http: opts.HTTPClient}
}

// Report says what one sync did.
type Report struct {
	Pushed        int    // events the server acknowledged
	Pulled        int    // events new to this journal
	Pending       int    // events still waiting for the server
	PackAvailable string // a newer content pack version the server offers, if any
	Duration      time.Duration
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
	case "not-enrolled", wire.ProblemUnauthorized, wire.ProblemForbidden, wire.ProblemVersion, wire.ProblemInvalidEvent, wire.ProblemMalformed, wire.ProblemBadCode, wire.ProblemOtherSite:
		return true
	}
	return false
}

// Plain returns the error in plain French for the mediator area.
func (e *Error) Plain() string {
	switch e.Kind {
	case "network":
		return "Pas de connexion avec le serveur. Les réponses restent sur ce poste et partiront plus tard."
	case "not-enrolled":
		return "Ce poste n'est pas encore inscrit auprès d'un serveur."
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

// Enroll trades a single-use code for a device token.
func (c *Client) Enroll(ctx context.Context, serverURL, code string) error {
	u, err := url.Parse(strings.TrimRight(serverURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Error{Kind: "malformed", Err: fmt.Errorf("server address %q is not an http(s) URL", serverURL)}
	}
	host, _ := os.Hostname()
	body, _ := json.Marshal(wire.EnrollRequest{V: wire.Version, Code: code, DeviceID: c.j.DeviceID(), Name: host})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String()+"/api/v1/devices/enroll", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	var out wire.EnrollResponse
	if err := c.do(req, &out); err != nil {
		return err
	}
	if out.Token == "" {
		return &Error{Kind: "malformed", Err: errors.New("server gave no token")}
	}
	return c.j.SetState(ctx, journal.StateServerURL, u.String(), journal.StateToken, out.Token,
		journal.StateSiteID, out.SiteID, journal.StateSiteName, out.SiteName, journal.StatePullCursor, "")
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

func (c *Client) syncOnce(ctx context.Context) (Report, error) {
	var rep Report
	base, _ := c.j.State(ctx, journal.StateServerURL)
	token, _ := c.j.State(ctx, journal.StateToken)
	if base == "" || token == "" {
		return rep, &Error{Kind: "not-enrolled", Err: errors.New("no server configured")}
	}
	if err := c.j.ApplyErasures(ctx); err != nil {
		return rep, &Error{Kind: "journal", Err: err}
	}
	n, err := c.push(ctx, base, token)
	rep.Pushed = n
	if err != nil {
		return rep, err
	}
	rep.Pulled, rep.PackAvailable, err = c.pull(ctx, base, token)
	return rep, err
}

func (c *Client) push(ctx context.Context, base, token string) (int, error) {
	total := 0
	size := c.opts.BatchSize
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
			if errors.As(err, &se) && se.Kind == wire.ProblemTooLarge && size > 1 {
				size /= 2
				continue
			}
			return total, err
		}
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
