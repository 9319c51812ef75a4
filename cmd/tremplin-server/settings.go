package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

// envPrefix starts the name of every server setting read from the
// environment: the packaged unit loads /etc/tremplin-server/server.env
// (EnvironmentFile=, read by systemd as root, so the file may hold secrets
// the service account cannot read) and runs the server without flags.
const envPrefix = "TREMPLIN_"

// envName is the environment variable that sets flag name:
// "tls-cert" → TREMPLIN_TLS_CERT.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// flagsFromEnv sets every flag of fs whose TREMPLIN_ variable is present
// (flags given on the command line, parsed afterwards, still win). It
// returns the TREMPLIN_ variables that name no flag, so a misspelt
// setting is reported instead of silently ignored.
func flagsFromEnv(fs *flag.FlagSet, lookup func(string) (string, bool), environ []string) (unknown []string, err error) {
	known := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		known[name] = true
		if err != nil {
			return
		}
		if v, ok := lookup(name); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("setting %s=%q (from the environment or server.env): %w", name, v, e)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, envPrefix) && !known[name] && !otherTremplinVars[name] {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	return unknown, nil
}

// otherTremplinVars are TREMPLIN_ variables that belong to other tools
// (the admin wrapper, the test scripts), not to the server's settings.
var otherTremplinVars = map[string]bool{
	"TREMPLIN_SERVER_ENV": true, "TREMPLIN_REQUIRE_ALL": true, "TREMPLIN_PG_BIN": true, "TREMPLIN_SHOTS": true,
}

// osEnv is what serve reads its settings from; tests replace it.
var osEnv = struct {
	lookup  func(string) (string, bool)
	environ func() []string
}{os.LookupEnv, os.Environ}
