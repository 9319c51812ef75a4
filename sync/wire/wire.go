// Package wire is version 1 of the sync wire format shared by the Tremplin
// sync client and server: the JSON bodies, their limits, the gzip'd push
// batch encoder and its bounded, validating decoder, and RFC 7807 problem
// details. See docs/sync-protocol.md.
//
// Package wire imports neither Fyne nor any SQL driver.
package wire

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/google/uuid"
)

// Version is the wire format version carried in every body as "v".
const Version = 1

// Limits of the format (docs/sync-protocol.md, "Limits").
const (
	MaxBatchEvents   = 1000
	MaxBodyBytes     = 1 << 20 // gzip'd push body
	MaxInflatedBytes = 8 << 20 // push body once inflated
	MaxPayloadBytes  = 64 << 10
	MaxTypeBytes     = 64
	MaxLearnerBytes  = 64
	DefaultPullLimit = 500
	MaxPullLimit     = 1000
	// MaxClockAheadMS is how far ahead of the server's clock an event's
	// hybrid clock may be: one wild clock must not push every device of a
	// site to the end of time (the device's own bound is half of it).
	MaxClockAheadMS = 60 * 60 * 1000
	// MaxKeyBytes bounds a device token proposed at enrolment.
	MaxKeyBytes = 128
)

// KeyPrefix starts every device token a device proposes (see EnrollRequest).
const KeyPrefix = "tdt2_"

// Event is one journal event on the wire.
type Event struct {
	ID        string          `json:"id"`
	DeviceID  string          `json:"device_id"`
	Seq       int64           `json:"seq"`
	WallMS    int64           `json:"wall_ms"`
	HLC       int64           `json:"hlc"`
	Type      string          `json:"type"`
	LearnerID string          `json:"learner_id,omitempty"`
	Payload   json.RawMessage `json:"payload"`
}

// PushRequest is the body of POST /api/v1/sync/push (gzip'd).
type PushRequest struct {
	V      int     `json:"v"`
	Events []Event `json:"events"`
}

// PushResponse answers a push: every id of the batch the server now holds.
type PushResponse struct {
	V         int      `json:"v"`
	Accepted  []string `json:"accepted"`
	Stored    int      `json:"stored"`
	ServerHLC int64    `json:"server_hlc"`
	DeviceSeq int64    `json:"device_seq"` // highest seq the server holds from this device id
	ServerMS  int64    `json:"server_ms"`  // the server's clock
}

// PullResponse is one page of GET /api/v1/sync/pull.
type PullResponse struct {
	V         int       `json:"v"`
	Events    []Event   `json:"events"`
	Cursor    string    `json:"cursor"`
	More      bool      `json:"more"`
	Pack      *PackInfo `json:"pack,omitempty"`
	DeviceSeq int64     `json:"device_seq"` // highest seq the server holds from this device id
	ServerMS  int64     `json:"server_ms"`  // the server's clock
}

// PackInfo describes a published content pack.
type PackInfo struct {
	V         int    `json:"v,omitempty"`
	Version   string `json:"version"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size,omitempty"`
	Signature string `json:"signature,omitempty"`
}

// EnrollRequest is the body of POST /api/v1/devices/enroll. The device
// proposes its future token (Key: KeyPrefix and 43 base64url characters of
// 32 random bytes, kept by the device before it sends the request); the
// server stores only its hash. Retrying with the same code and key gets the
// same answer, so a lost answer never burns a code. The server chooses the
// device id: nobody can enrol under an id that exists.
type EnrollRequest struct {
	V    int    `json:"v"`
	Code string `json:"code"`
	Key  string `json:"key"`
	Name string `json:"name,omitempty"` // a hint; the server names devices after their site
}

// EnrollResponse tells an enrolled device its id and site.
type EnrollResponse struct {
	V          int    `json:"v"`
	DeviceID   string `json:"device_id"`
	DeviceName string `json:"device_name"`
	SiteID     string `json:"site_id"`
	SiteName   string `json:"site_name"`
	ServerMS   int64  `json:"server_ms"`
}

// ReidentifyRequest is the body of POST /api/v1/devices/reidentify, sent
// with the device's current token by a device that found its journal was
// restored from an older copy or cloned (Reason: "restored" or "copied").
// Like enrolment it proposes the new token, so a retry gets the same answer.
type ReidentifyRequest struct {
	V       int    `json:"v"`
	Key     string `json:"key"`
	Reason  string `json:"reason"`
	LastSeq int64  `json:"last_seq"` // the device's own view, for the server's log
}

// NewKey makes a device token for a device to propose (see EnrollRequest).
func NewKey() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return KeyPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// ValidKey reports whether k looks like a proposed device token.
func ValidKey(k string) bool {
	rest, ok := strings.CutPrefix(k, KeyPrefix)
	if !ok || len(k) > MaxKeyBytes || len(rest) < 43 {
		return false
	}
	for _, r := range rest {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Decoding errors. Callers map them to HTTP statuses with errors.Is.
var (
	ErrTooLarge  = errors.New("too large")           // 413
	ErrMalformed = errors.New("malformed")           // 400
	ErrVersion   = errors.New("unsupported version") // 400
	ErrInvalid   = errors.New("invalid event")       // 422
)

// EncodePush gzips a push batch.
func EncodePush(events []Event) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err := json.NewEncoder(zw).Encode(PushRequest{V: Version, Events: events}); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodePush reads a gzip'd push body of at most MaxBodyBytes, inflating to
// at most MaxInflatedBytes, and validates every event. It returns the
// events with duplicate ids removed. Nothing about the input is trusted.
func DecodePush(r io.Reader) ([]Event, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read body: %v", ErrMalformed, err)
	}
	if len(raw) > MaxBodyBytes {
		return nil, fmt.Errorf("%w: body exceeds %d bytes", ErrTooLarge, MaxBodyBytes)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: not gzip: %v", ErrMalformed, err)
	}
	zr.Multistream(false)
	plain, err := io.ReadAll(io.LimitReader(bufio.NewReader(zr), MaxInflatedBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: inflate: %v", ErrMalformed, err)
	}
	if len(plain) > MaxInflatedBytes {
		return nil, fmt.Errorf("%w: inflated body exceeds %d bytes", ErrTooLarge, MaxInflatedBytes)
	}
	return DecodePushJSON(plain)
}

// DecodePushJSON parses and validates an inflated push body.
func DecodePushJSON(plain []byte) ([]Event, error) {
	// One pass over a well-formed body (most of a push's CPU is JSON);
	// when it fails, the event-by-event pass below says which event.
	var fast struct {
		V      *int    `json:"v"`
		Events []Event `json:"events"`
	}
	if json.Unmarshal(plain, &fast) == nil && fast.V != nil && *fast.V == Version && len(fast.Events) > 0 && len(fast.Events) <= MaxBatchEvents {
		out := fast.Events[:0]
		seen := make(map[string]bool, len(fast.Events))
		for i := range fast.Events {
			e := fast.Events[i]
			if err := e.validate(false); err != nil {
				return nil, fmt.Errorf("event %d: %w", i, err)
			}
			if seen[e.ID] {
				continue
			}
			seen[e.ID] = true
			out = append(out, e)
		}
		return out, nil
	}
	var head struct {
		V      *int              `json:"v"`
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(plain, &head); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if head.V == nil {
		return nil, fmt.Errorf("%w: missing \"v\"", ErrMalformed)
	}
	if *head.V != Version {
		return nil, fmt.Errorf("%w: %d (this server speaks %d)", ErrVersion, *head.V, Version)
	}
	if len(head.Events) == 0 {
		return nil, fmt.Errorf("%w: empty batch", ErrMalformed)
	}
	if len(head.Events) > MaxBatchEvents {
		return nil, fmt.Errorf("%w: %d events, at most %d a batch", ErrTooLarge, len(head.Events), MaxBatchEvents)
	}
	out := make([]Event, 0, len(head.Events))
	seen := make(map[string]bool, len(head.Events))
	for i, raw := range head.Events {
		var e Event
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("%w: event %d: %v", ErrMalformed, i, err)
		}
		// json.Unmarshal has checked the payload is JSON already.
		if err := e.validate(false); err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		if seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		out = append(out, e)
	}
	return out, nil
}

var typeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// Validate checks one event against the format.
func (e *Event) Validate() error { return e.validate(true) }

// validate checks e; checkJSON also checks its payload is JSON (skipped for
// events json.Unmarshal just made, which it has checked).
func (e *Event) validate(checkJSON bool) error {
	if !isUUID(e.ID) {
		return fmt.Errorf("%w: id %q is not a UUID", ErrInvalid, clip(e.ID))
	}
	if !isUUID(e.DeviceID) {
		return fmt.Errorf("%w: device_id %q is not a UUID", ErrInvalid, clip(e.DeviceID))
	}
	if e.Seq <= 0 {
		return fmt.Errorf("%w: seq %d", ErrInvalid, e.Seq)
	}
	if e.HLC <= 0 {
		return fmt.Errorf("%w: hlc %d", ErrInvalid, e.HLC)
	}
	if len(e.Type) > MaxTypeBytes || !typeRE.MatchString(e.Type) {
		return fmt.Errorf("%w: type %q", ErrInvalid, clip(e.Type))
	}
	if len(e.LearnerID) > MaxLearnerBytes || !printable(e.LearnerID) {
		return fmt.Errorf("%w: learner_id %q", ErrInvalid, clip(e.LearnerID))
	}
	if len(e.Payload) == 0 {
		e.Payload = json.RawMessage("null")
	}
	if len(e.Payload) > MaxPayloadBytes {
		return fmt.Errorf("%w: payload of %d bytes, at most %d", ErrInvalid, len(e.Payload), MaxPayloadBytes)
	}
	if checkJSON && !json.Valid(e.Payload) {
		return fmt.Errorf("%w: payload is not JSON", ErrInvalid)
	}
	return nil
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
