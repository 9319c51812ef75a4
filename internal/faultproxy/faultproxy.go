// Package faultproxy is an HTTP proxy for tests that misbehaves like a bad
// rural network: it drops, delays, duplicates and truncates requests,
// truncates answers and resets the connection after the server answered,
// at a chosen rate and from a seeded random source. The sync end-to-end
// tests and the xAPI forwarder's delivery test put it in front of their
// servers.
package faultproxy

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Faults names every misbehaviour.
var Faults = []string{"drop-request", "delay", "duplicate", "truncate-request", "truncate-response", "reset-after-commit"}

// Proxy forwards requests to a target and misbehaves at a rate.
type Proxy struct {
	target  string
	rate    atomic.Int64 // faults per 100 requests
	counts  sync.Map     // fault name -> *atomic.Int64
	rnd     *rand.Rand
	rndMu   sync.Mutex
	clientH *http.Client
	set     []string // faults to pick from (default: all)
}

// New makes a proxy to target (a base URL) with rate faults per 100
// requests, drawn from seed.
func New(target string, rate int, seed uint64) *Proxy {
	p := &Proxy{target: target, rnd: rand.New(rand.NewPCG(seed, 2)), clientH: &http.Client{Timeout: 10 * time.Second}}
	p.rate.Store(int64(rate))
	return p
}

// SetRate changes the faults per 100 requests (0 heals the network).
func (p *Proxy) SetRate(rate int) { p.rate.Store(int64(rate)) }

// Only restricts the proxy to the named faults.
func (p *Proxy) Only(names ...string) { p.set = names }

// Count is how many times fault name (or "pass") was chosen.
func (p *Proxy) Count(name string) int64 {
	v, ok := p.counts.Load(name)
	if !ok {
		return 0
	}
	return v.(*atomic.Int64).Load()
}

// Counts returns every count.
func (p *Proxy) Counts() map[string]int64 {
	out := map[string]int64{}
	p.counts.Range(func(k, v any) bool {
		out[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}

func (p *Proxy) pick() string {
	p.rndMu.Lock()
	defer p.rndMu.Unlock()
	if p.rnd.Int64N(100) >= p.rate.Load() {
		return "pass"
	}
	set := Faults
	if p.set != nil {
		set = p.set
	}
	return set[p.rnd.IntN(len(set))]
}

func (p *Proxy) count(name string) {
	v, _ := p.counts.LoadOrStore(name, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

type halfReader struct {
	b []byte
	n int
}

func (h *halfReader) Read(b []byte) (int, error) {
	if h.n >= len(h.b)/2 {
		return 0, io.ErrUnexpectedEOF
	}
	k := copy(b, h.b[h.n:len(h.b)/2])
	h.n += k
	return k, nil
}

func (p *Proxy) forward(r *http.Request, body io.Reader, length int64) (*http.Response, []byte, error) {
	req, _ := http.NewRequest(r.Method, p.target+r.URL.RequestURI(), body)
	req.ContentLength = length
	req.Header = r.Header.Clone()
	req.Header.Del("Accept-Encoding") // let the transport inflate, so the body can be cut
	resp, err := p.clientH.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// ServeHTTP forwards one request, or misbehaves.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f := p.pick()
	p.count(f)
	switch f {
	case "drop-request":
		panic(http.ErrAbortHandler)
	case "delay":
		p.rndMu.Lock()
		d := time.Duration(p.rnd.IntN(300)) * time.Millisecond
		p.rndMu.Unlock()
		time.Sleep(d)
	case "duplicate":
		p.forward(r, bytes.NewReader(body), int64(len(body)))
	case "truncate-request":
		p.forward(r, &halfReader{b: body}, int64(len(body)))
		panic(http.ErrAbortHandler)
	}
	resp, rb, err := p.forward(r, bytes.NewReader(body), int64(len(body)))
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if f == "reset-after-commit" {
		panic(http.ErrAbortHandler)
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Encoding")
	w.Header().Set("Content-Length", fmt.Sprint(len(rb)))
	w.WriteHeader(resp.StatusCode)
	if f == "truncate-response" {
		w.Write(rb[:len(rb)/2])
		panic(http.ErrAbortHandler)
	}
	w.Write(rb)
}
