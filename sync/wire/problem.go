package wire

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// ProblemContentType is the media type of RFC 7807 problem details.
const ProblemContentType = "application/problem+json"

// ProblemPrefix starts every problem type URI.
const ProblemPrefix = "urn:tremplin:problem:"

// Problem type suffixes (docs/sync-protocol.md, "Errors").
const (
	ProblemMalformed        = "malformed"
	ProblemVersion          = "unsupported-version"
	ProblemUnauthorized     = "unauthorized"
	ProblemBadCode          = "bad-enrolment-code"
	ProblemForbidden        = "forbidden"
	ProblemNotFound         = "not-found"
	ProblemMethod           = "method-not-allowed"
	ProblemOtherSite        = "other-site"
	ProblemTooLarge         = "too-large"
	ProblemMediaType        = "unsupported-media-type"
	ProblemInvalidEvent     = "invalid-event"
	ProblemClockAhead       = "clock-ahead"   // 422: an event's clock is beyond the server's bound
	ProblemDeviceReused     = "device-reused" // 409: this device id's sequence numbers were used by another journal
	ProblemRateLimited      = "rate-limited"
	ProblemInternal         = "internal"
	ProblemUnavailable      = "unavailable"
	problemUnknownTransport = "transport"
)

// Problem is an RFC 7807 problem details body. It is also the error the
// client returns for a refused request.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// ServerMS is the server's clock, on clock-ahead refusals, so the
	// device can correct its own.
	ServerMS int64 `json:"server_ms,omitempty"`
	// DeviceSeq is the highest seq the server holds from the device, on
	// device-reused refusals.
	DeviceSeq int64 `json:"device_seq,omitempty"`
}

// Error implements error.
func (p *Problem) Error() string {
	s := fmt.Sprintf("%d %s", p.Status, p.Title)
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

// Kind returns the type without its prefix, e.g. "rate-limited".
func (p *Problem) Kind() string { return strings.TrimPrefix(p.Type, ProblemPrefix) }

// NewProblem builds a problem of the given kind.
func NewProblem(status int, kind, detail string) *Problem {
	return &Problem{Type: ProblemPrefix + kind, Title: http.StatusText(status), Status: status, Detail: detail}
}

// Write sends p as the response.
func (p *Problem) Write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", ProblemContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// ReadProblem reads a problem body from a refused response; when the body is
// not a problem it makes one from the status.
func ReadProblem(resp *http.Response) *Problem {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var p Problem
	if err := json.Unmarshal(body, &p); err != nil || p.Status == 0 {
		return &Problem{Type: ProblemPrefix + problemUnknownTransport, Title: http.StatusText(resp.StatusCode), Status: resp.StatusCode,
			Detail: strings.TrimSpace(clip(string(body)))}
	}
	return &p
}
