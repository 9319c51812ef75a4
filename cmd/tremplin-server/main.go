// Command tremplin-server is Tremplin's central sync server (see
// docs/sync-protocol.md). It imports no Fyne and builds with CGO_ENABLED=0.
//
//	tremplin-server [--addr :8080] [--db sqlite:tremplin-server.db | postgres://…]
//	                [--tls-cert FILE --tls-key FILE] [--metrics-addr 127.0.0.1:9090]
//	                [--trusted-proxy CIDR,…] [--max-unauth-conns 1024]
//	                [--lrs-url URL --lrs-auth AUTH [--lrs-answers] [--lrs-home URL]]
//	  (the web dashboard is served at / on the same address: docs/dashboard.md)
//	tremplin-server admin site add NAME
//	tremplin-server admin site list
//	tremplin-server admin enroll-code --site SITE [--ttl 72h]
//	tremplin-server admin devices [--site SITE]
//	tremplin-server admin revoke DEVICE
//	tremplin-server admin user add NAME --role admin|coordinator [--site SITE]…  (password on stdin)
//	tremplin-server admin pack keygen --out KEYFILE
//	tremplin-server admin pack sign --key KEYFILE --version V (--dir DIR --out FILE.tar.gz | --archive FILE)
//	tremplin-server admin pack publish --key KEYFILE --version V (--dir DIR | --archive FILE.tar.gz)
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

func serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("tremplin-server", flag.ContinueOnError)
	addr := fs.String("addr", ":8080", "listen address")
	db := fs.String("db", defaultDB, "database: sqlite:PATH or postgres://…")
	grace := fs.Duration("grace", 25*time.Second, "how long in-flight requests may finish on shutdown")
	rateFlag := fs.Float64("device-rate", 10, "requests per second per device")
	burst := fs.Int("device-burst", 40, "burst of requests per device")
	tlsCert := fs.String("tls-cert", "", "TLS certificate (PEM, with its chain); serves HTTPS with --tls-key")
	tlsKey := fs.String("tls-key", "", "TLS private key (PEM)")
	metricsAddr := fs.String("metrics-addr", "", "separate listen address for /metrics and /healthz, e.g. 127.0.0.1:9090 (empty: no metrics)")
	trusted := fs.String("trusted-proxy", "", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed")
	maxUnauth := fs.Int("max-unauth-conns", 1024, "connections without an authenticated request yet, beyond which new ones are closed")
	var lrs xapi.Config
	fs.StringVar(&lrs.URL, "lrs-url", "", "forward learning records to this xAPI LRS endpoint (statements go to URL/statements)")
	fs.StringVar(&lrs.Auth, "lrs-auth", "", "Authorization header for the LRS, e.g. 'Basic base64(key:secret)'")
	fs.BoolVar(&lrs.Answers, "lrs-answers", false, "also forward every answer (many statements)")
	fs.StringVar(&lrs.HomePage, "lrs-home", "", "this server's public address, the home page of learners' xAPI accounts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	proxies, err := parsePrefixes(*trusted)
	if err != nil {
		return err
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var tlsCfg *tls.Config
	if *tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	store, err := server.OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	ln, err := net.Listen("tcp", *addr)
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
	srv = server.New(store, server.Config{Logger: log, DeviceRate: *rateFlag, DeviceBurst: *burst,
		TrustedProxies: proxies, MaxUnauthConns: *maxUnauth, Fallback: dash.Handler()})
	if *metricsAddr != "" {
		mln, err := net.Listen("tcp", *metricsAddr)
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
	err = srv.ServeHandler(ctx, ln, *grace, srv.APIHandler(), tlsCfg)
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
