package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/google/uuid"
)

// DB returns the store's database, for packages that keep their own tables
// beside the sync tables (the dashboard's users, sessions, read model). They
// read sync tables but never write them: events enter through Push only.
func (s *Store) DB() *sql.DB { return s.db }

// Postgres reports whether the store is PostgreSQL (else SQLite).
func (s *Store) Postgres() bool { return s.postgres }

// Q rewrites ? placeholders for the store's database (see q).
func (s *Store) Q(query string) string { return s.q(query) }

// WriteTx runs fn in a write transaction, serialised with the sync writers
// on SQLite so the two never wait on the database's busy timeout.
func (s *Store) WriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.writeTx(ctx, fn)
}

// ReasonServer marks the device that carries a site's server-made events.
const ReasonServer = "server"

// ServerDevice returns the device that events made on the server for a
// site carry (a path pushed or an erasure asked from the dashboard),
// creating it on first use: revoked and with an unguessable token hash, so
// no request can ever authenticate as it, while Push stores its events like
// any device's (a site position, a seq, the erasure rules).
func (s *Store) ServerDevice(ctx context.Context, siteID string) (Device, error) {
	d, err := s.deviceWhere(ctx, s.db, `d.site_id = ? AND d.reason = ? ORDER BY d.created_ms LIMIT 1`, siteID, ReasonServer)
	if !errors.Is(err, ErrNotFound) {
		return d, err
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.deviceWhere(ctx, tx, `d.site_id = ? AND d.reason = ?`, siteID, ReasonServer); !errors.Is(err, ErrNotFound) {
			return err
		}
		now := s.now()
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO devices (id, site_id, name, token_hash, created_ms, revoked_ms, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			uuid.Must(uuid.NewV7()).String(), siteID, "server", hashSecret(uuid.NewString()+uuid.NewString()), now.UnixMilli(), now.UnixMilli(), ReasonServer)
		return err
	})
	if err != nil {
		return Device{}, fmt.Errorf("server device of site %s: %w", siteID, err)
	}
	return s.deviceWhere(ctx, s.db, `d.site_id = ? AND d.reason = ? ORDER BY d.created_ms LIMIT 1`, siteID, ReasonServer)
}

// ClientAddr is the address a request came from: the connection's, or the
// client's as told by a trusted reverse proxy (X-Forwarded-For). The web
// dashboard rate-limits logins by it.
func (s *Server) ClientAddr(r *http.Request) string { return s.clientAddr(r) }

// Secure reports whether a request reached the server over TLS: its own,
// or a trusted reverse proxy's (X-Forwarded-Proto: https).
func (s *Server) Secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	return err == nil && s.trusted(a) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
