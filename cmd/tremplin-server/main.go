// Command tremplin-server is Tremplin's central sync server (see
// docs/sync-protocol.md). It imports no Fyne and builds with CGO_ENABLED=0.
//
//	tremplin-server [--addr :8080] [--db sqlite:tremplin-server.db | postgres://…]
//	                [--tls-cert FILE --tls-key FILE] [--metrics-addr 127.0.0.1:9090]
//	                [--trusted-proxy CIDR,…] [--max-unauth-conns 1024]
//	                [--lrs-url URL --lrs-auth AUTH [--lrs-answers] [--lrs-home URL]]
//	  (the web dashboard is served at / on the same address: docs/dashboard.md;
//	  every flag may be set in the environment instead, --tls-cert as
//	  TREMPLIN_TLS_CERT: the packaged unit reads /etc/tremplin-server/server.env)
//	tremplin-server admin site add NAME
//	tremplin-server admin site list
//	tremplin-server admin enroll-code --site SITE [--ttl 72h]
//	tremplin-server admin devices [--site SITE]
//	tremplin-server admin revoke DEVICE
//	tremplin-server admin user add NAME --role admin|coordinator [--site SITE]…  (password on stdin)
//	tremplin-server admin pack keygen --out KEYFILE
//	tremplin-server admin pack sign --key KEYFILE --version V (--dir DIR --out FILE.tar.gz | --archive FILE)
//	tremplin-server admin pack publish --key KEYFILE --version V (--dir DIR | --archive FILE.tar.gz)
//	tremplin-server admin bundle import FILE…
//	tremplin-server admin bundle export (--device DEVICE | --site SITE) --out DIR [--no-pack]
//	tremplin-server load [--devices 200] [--events 200] [--db …]
//	tremplin-server dashbench [--sites 200] [--devices 2000] [--learners 100000] [--events 20] [--db …]
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/dashboard"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/xapi"
)

var stdout io.Writer = os.Stdout

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tremplin-server:", err)
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

const usage = `usage: tremplin-server [command] [flags]

commands:
  (none)   serve the sync API and the web dashboard (at /): tremplin-server [--addr :8080] [--db DSN]
           [--tls-cert F --tls-key F] [--metrics-addr ADDR] [--trusted-proxy CIDR,…]
           [--lrs-url URL --lrs-auth AUTH] (tremplin-server --help-flags for all flags)
           Every flag can also be set in the environment: --tls-cert → TREMPLIN_TLS_CERT
           (the packaged service reads /etc/tremplin-server/server.env); flags win.
  admin    sites, enrolment codes, devices, content packs, dashboard users (tremplin-server admin --help)
  load     measure ingestion and concurrent pushes (tremplin-server load --help)
  dashbench  time every dashboard page over a generated network (tremplin-server dashbench --help)

See docs/sync-protocol.md.`

func run(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help", "help":
			fmt.Fprintln(stdout, usage)
			return nil
		case "--help-flags":
			return serve(ctx, []string{"-h"})
		case "admin":
			return admin(ctx, args[1:])
		case "load":
			return load(ctx, args[1:])
		case "dashbench":
			return dashbench(ctx, args[1:])
		}
	}
	return serve(ctx, args)
}

// serveOptions are the settings of the server, from flags or TREMPLIN_*
// variables.
type serveOptions struct {
	addr, db, tlsCert, tlsKey, metricsAddr, trusted string
	grace                                           time.Duration
	rate                                            float64
	burst, maxUnauth, maxReid                       int
	lrs                                             xapi.Config
}

// serveFlags declares the server's flags.
func serveFlags() (*flag.FlagSet, *serveOptions) {
	o := &serveOptions{}
	fs := flag.NewFlagSet("tremplin-server", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", ":8080", "listen address")
	fs.StringVar(&o.db, "db", defaultDB, "database: sqlite:PATH or postgres://…")
	fs.DurationVar(&o.grace, "grace", 25*time.Second, "how long in-flight requests may finish on shutdown")
	fs.Float64Var(&o.rate, "device-rate", 10, "requests per second per device")
	fs.IntVar(&o.burst, "device-burst", 40, "burst of requests per device")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "TLS certificate (PEM, with its chain); serves HTTPS with --tls-key")
	fs.StringVar(&o.tlsKey, "tls-key", "", "TLS private key (PEM)")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "separate listen address for /metrics and /healthz, e.g. 127.0.0.1:9090 (empty: no metrics)")
	fs.StringVar(&o.trusted, "trusted-proxy", "", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed")
	fs.IntVar(&o.maxUnauth, "max-unauth-conns", 1024, "connections without an authenticated request yet, beyond which new ones are closed")
	fs.IntVar(&o.maxReid, "max-reidentify", server.DefaultReidentifyPerDay, "new identities the devices of one enrolment may take in 24 h (restored or cloned journals)")
	fs.StringVar(&o.lrs.URL, "lrs-url", "", "forward learning records to this xAPI LRS endpoint (statements go to URL/statements)")
	fs.StringVar(&o.lrs.Auth, "lrs-auth", "", "Authorization header for the LRS, e.g. 'Basic base64(key:secret)'")
	fs.BoolVar(&o.lrs.Answers, "lrs-answers", false, "also forward every answer (many statements)")
	fs.StringVar(&o.lrs.HomePage, "lrs-home", "", "this server's public address, the home page of learners' xAPI accounts")
	return fs, o
}

func serve(ctx context.Context, args []string) error {
	fs, o := serveFlags()
	unknown, err := flagsFromEnv(fs, osEnv.lookup, osEnv.environ())
	if err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	lrs := o.lrs
	proxies, err := parsePrefixes(o.trusted)
	if err != nil {
		return err
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return errors.New("--tls-cert and --tls-key (TREMPLIN_TLS_CERT and TREMPLIN_TLS_KEY) go together")
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	for _, name := range unknown {
		log.Warn("unknown setting ignored: no flag has this name (see tremplin-server --help-flags)", "var", name)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var tlsCfg *tls.Config
	if o.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	store, err := server.OpenStore(ctx, o.db)
	if err != nil {
		return err
	}
	defer store.Close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	var srv *server.Server
	dcfg := dashboard.Config{Logger: log, Client: clientOf{&srv}}
	if lrs.URL != "" {
		lrs.Logger = log
		fwd, err := xapi.New(ctx, store, lrs)
		if err != nil {
			return err
		}
		go fwd.Run(ctx)
		dcfg.Forwarder = fwd
	}
	dash, err := dashboard.New(ctx, store, dcfg)
	if err != nil {
		return err
	}
	go dash.Run(ctx)
	srv = server.New(store, server.Config{Logger: log, DeviceRate: o.rate, DeviceBurst: o.burst,
		TrustedProxies: proxies, MaxUnauthConns: o.maxUnauth, MaxReidentifyPerDay: o.maxReid, Fallback: dash.Handler()})
	if o.metricsAddr != "" {
		mln, err := net.Listen("tcp", o.metricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("metrics address: %w", err)
		}
		ms := &http.Server{Handler: srv.OpsHandler(), ReadHeaderTimeout: 10 * time.Second}
		go ms.Serve(mln)
		defer ms.Close()
		log.Info("metrics", "addr", mln.Addr().String())
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", store.Dialect(), "tls", tlsCfg != nil)
	err = srv.ServeHandler(ctx, ln, o.grace, srv.APIHandler(), tlsCfg)
	log.Info("stopped", "err", err)
	return err
}

// parsePrefixes reads "10.0.0.1,192.168.0.0/16" into prefixes.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("--trusted-proxy %q: %w", f, err)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy %q: %w", f, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
