// Command tremplin-server is Tremplin's central sync server (see
// docs/sync-protocol.md). It imports no Fyne and builds with CGO_ENABLED=0.
//
//	tremplin-server [--addr :8080] [--db sqlite:tremplin-server.db | postgres://…]
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
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/dashboard"
	"github.com/tremplin-numerique/tremplin/sync/server"
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

func run(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
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
	db := fs.String("db", "sqlite:tremplin-server.db", "database: sqlite:PATH or postgres://…")
	grace := fs.Duration("grace", 25*time.Second, "how long in-flight requests may finish on shutdown")
	rateFlag := fs.Float64("device-rate", 10, "requests per second per device")
	burst := fs.Int("device-burst", 40, "burst of requests per device")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	store, err := server.OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", store.Dialect())
	dash, err := dashboard.New(ctx, store, dashboard.Config{Logger: log})
	if err != nil {
		return err
	}
	go dash.Run(ctx)
	srv := server.New(store, server.Config{Logger: log, DeviceRate: *rateFlag, DeviceBurst: *burst, Fallback: dash.Handler()})
	err = srv.Serve(ctx, ln, *grace)
	log.Info("stopped", "err", err)
	return err
}
