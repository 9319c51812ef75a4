package server

import (
	"context"
	"database/sql"
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
