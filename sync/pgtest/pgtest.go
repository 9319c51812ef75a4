// Package pgtest starts a throwaway PostgreSQL cluster for tests: initdb
// and pg_ctl from /usr/lib/postgresql/*/bin, data and unix socket in a
// temporary directory, stopped and removed in t.Cleanup. As root (initdb
// refuses to run as root) it runs them as the postgres user, or nobody.
//
// Without PostgreSQL binaries the test is skipped, unless CI=true or
// TREMPLIN_REQUIRE_ALL=1, where it fails: scripts/apt/sync.txt installs
// them for `make test`.
package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func binDir() string {
	if d := os.Getenv("TREMPLIN_PG_BIN"); d != "" {
		return d
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(a, b int) bool { return version(dirs[a]) > version(dirs[b]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("TREMPLIN_REQUIRE_ALL") == "1"
}

// Cluster is a running throwaway cluster.
type Cluster struct {
	dir, bin string
	asUser   string
	n        int
	mu       sync.Mutex
}

// Start starts a cluster for t and returns it; it is stopped when t ends.
func Start(t testing.TB) *Cluster {
	t.Helper()
	bin := binDir()
	if bin == "" {
		if required() {
			t.Fatal("PostgreSQL is not installed (Debian package postgresql; make test installs it)")
		}
		t.Skip("PostgreSQL binaries not found; skipping (set CI=true to make this fail)")
	}
	dir, err := os.MkdirTemp("", "tremplin-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		c.asUser = "postgres"
		u, err := user.Lookup("postgres")
		if err != nil {
			c.asUser = "nobody"
			u, err = user.Lookup("nobody")
			if err != nil {
				t.Fatal("running as root and neither postgres nor nobody exists")
			}
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		c.run("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	})
	if out, err := c.run("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-locale"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories=%s -c fsync=off -c synchronous_commit=on -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB", dir)
	if out, err := c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	return c
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *Cluster) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	if c.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.asUser, "--", filepath.Join(c.bin, name)}, args...)...)
	}
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	return cmd.CombinedOutput()
}

// NewDatabase creates a fresh, empty database and returns its DSN.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	c.mu.Lock()
	c.n++
	name := fmt.Sprintf("t%d", c.n)
	c.mu.Unlock()
	if out, err := c.run("psql", "-h", c.dir, "-U", "postgres", "-d", "postgres", "-q", "-c", "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v\n%s", err, out)
	}
	return c.DSN(name)
}

// DSN returns the connection string of database name.
func (c *Cluster) DSN(name string) string {
	return "postgres://postgres@/" + name + "?host=" + strings.ReplaceAll(c.dir, "/", "%2F") + "&sslmode=disable"
}
