package main

import (
	"bufio"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSettingsFromEnv: every flag can come from its TREMPLIN_ variable,
// the command line wins, a bad value names its variable, and a misspelt
// name is reported.
func TestSettingsFromEnv(t *testing.T) {
	env := map[string]string{
		"TREMPLIN_ADDR":             "127.0.0.1:9999",
		"TREMPLIN_TLS_CERT":         "/etc/tremplin-server/tls.crt",
		"TREMPLIN_TLS_KEY":          "/etc/tremplin-server/tls.key",
		"TREMPLIN_METRICS_ADDR":     "127.0.0.1:9090",
		"TREMPLIN_TRUSTED_PROXY":    "127.0.0.1,10.0.0.0/8",
		"TREMPLIN_MAX_UNAUTH_CONNS": "77",
		"TREMPLIN_LRS_ANSWERS":      "true",
		"TREMPLIN_TLS_CRT":          "/typo",
		"TREMPLIN_SERVER_ENV":       "/etc/tremplin-server/server.env",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	fs, o := serveFlags()
	unknown, err := flagsFromEnv(fs, lookup, environ)
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--addr", ":8443"}); err != nil {
		t.Fatal(err)
	}
	if o.addr != ":8443" || o.tlsCert != env["TREMPLIN_TLS_CERT"] || o.tlsKey != env["TREMPLIN_TLS_KEY"] ||
		o.metricsAddr != "127.0.0.1:9090" || o.trusted != "127.0.0.1,10.0.0.0/8" || o.maxUnauth != 77 || !o.lrs.Answers {
		t.Errorf("settings: %+v", o)
	}
	if len(unknown) != 1 || unknown[0] != "TREMPLIN_TLS_CRT" {
		t.Errorf("unknown settings: %v, want only TREMPLIN_TLS_CRT", unknown)
	}
	env = map[string]string{"TREMPLIN_MAX_UNAUTH_CONNS": "many"}
	fs, _ = serveFlags()
	if _, err := flagsFromEnv(fs, lookup, nil); err == nil || !strings.Contains(err.Error(), "TREMPLIN_MAX_UNAUTH_CONNS") {
		t.Errorf("bad value: %v", err)
	}
}

// readEnvFile reads a systemd EnvironmentFile (NAME=value lines, # comments,
// optional quotes); with examples, the commented-out "#TREMPLIN_…=" lines
// count too.
func readEnvFile(t *testing.T, path string, examples bool) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	example := regexp.MustCompile(`^#(TREMPLIN_[A-Z_]+=.*)$`)
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if m := example.FindStringSubmatch(line); m != nil && examples {
			line = m[1]
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.ContainsAny(k, " \t") {
			t.Fatalf("%s:%d: not NAME=value: %q", path, n, line)
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		out[k] = v
	}
	return out
}

// TestPackagedServerEnv: every setting the packaged server.env sets or
// shows as an example is one the server knows, with a value it accepts.
func TestPackagedServerEnv(t *testing.T) {
	env := readEnvFile(t, filepath.Join("..", "..", "packaging", "server", "server.env"), true)
	for _, want := range []string{"TREMPLIN_ADDR", "TREMPLIN_DB", "TREMPLIN_TLS_CERT", "TREMPLIN_TLS_KEY", "TREMPLIN_METRICS_ADDR", "TREMPLIN_TRUSTED_PROXY"} {
		if _, ok := env[want]; !ok {
			t.Errorf("server.env does not show %s", want)
		}
	}
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	fs, o := serveFlags()
	unknown, err := flagsFromEnv(fs, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, environ)
	if err != nil {
		t.Fatal(err)
	}
	if len(unknown) > 0 {
		t.Errorf("server.env names settings the server does not know: %v", unknown)
	}
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := parsePrefixes(o.trusted); err != nil {
		t.Error(err)
	}
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "grace" || f.Name == "device-rate" || f.Name == "device-burst" {
			return // for tests and load measurements, not for admins
		}
		if _, ok := env[envName(f.Name)]; !ok {
			t.Errorf("server.env does not show %s (--%s)", envName(f.Name), f.Name)
		}
	})
}

// TestUnitVerifies: the packaged unit passes systemd-analyze verify (with
// the binary and settings file it names pointed at this test's copies).
func TestUnitVerifies(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze")
	}
	unit, err := os.ReadFile(filepath.Join("..", "..", "packaging", "server", "tremplin-server.service"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(unit), "\nExecStart=/usr/bin/tremplin-server\n") {
		t.Error("the unit should start the server with no flags: its settings come from server.env")
	}
	dir := t.TempDir()
	env := filepath.Join(dir, "server.env")
	b, _ := os.ReadFile(filepath.Join("..", "..", "packaging", "server", "server.env"))
	os.WriteFile(env, b, 0o600)
	s := strings.ReplaceAll(string(unit), "/usr/bin/tremplin-server", buildServer(t))
	s = strings.ReplaceAll(s, "/etc/tremplin-server/server.env", env)
	path := filepath.Join(dir, "tremplin-server.service")
	os.WriteFile(path, []byte(s), 0o644)
	if out, err := exec.Command(sa, "verify", path).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
