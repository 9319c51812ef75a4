package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	iofs "io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/server"
)

const adminUsage = `usage:
  tremplin-server admin [--db DSN] site add NAME
  tremplin-server admin [--db DSN] site list
  tremplin-server admin [--db DSN] enroll-code --site SITE [--ttl 72h]
  tremplin-server admin [--db DSN] devices [--site SITE]
  tremplin-server admin [--db DSN] device rename DEVICE NAME
  tremplin-server admin [--db DSN] revoke DEVICE
  tremplin-server admin [--db DSN] user add NAME --role admin|coordinator [--site SITE]…  (password on stdin)
  tremplin-server admin pack keygen --out KEYFILE
  tremplin-server admin pack sign --key KEYFILE --version V (--dir DIR --out FILE.tar.gz | --archive FILE)
  tremplin-server admin [--db DSN] pack publish --key KEYFILE --version V (--dir DIR | --archive FILE)
  tremplin-server admin [--db DSN] calibrate --pack DIR --out DIR [--min-answers N] [--version V]
  tremplin-server admin [--db DSN] bundle import FILE…      (a device's USB-stick bundle)
  tremplin-server admin [--db DSN] bundle export (--device DEVICE | --site SITE) --out DIR [--no-pack] [--since CURSOR]`

// defaultDB is the database serve and admin use without --db.
const defaultDB = "sqlite:tremplin-server.db"

func admin(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	db := fs.String("db", defaultDB, "database: sqlite:PATH or postgres://…")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), adminUsage) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) == 0 {
		fs.Usage()
		return flag.ErrHelp
	}
	if args[0] == "pack" && len(args) > 1 && args[1] == "keygen" {
		return packKeygen(args[2:])
	}
	if args[0] == "pack" && len(args) > 1 && args[1] == "sign" {
		return packSign(args[2:])
	}
	if *db == defaultDB {
		// Without --db, an admin command in the wrong folder would create
		// an empty database and act on it: say so instead.
		if _, err := os.Stat(strings.TrimPrefix(defaultDB, "sqlite:")); errors.Is(err, iofs.ErrNotExist) {
			return fmt.Errorf("no database %s in this folder: run the command where the server runs, or give --db (sqlite:PATH or postgres://…)",
				strings.TrimPrefix(defaultDB, "sqlite:"))
		}
	}
	store, err := server.OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	switch args[0] {
	case "device":
		if len(args) >= 4 && args[1] == "rename" {
			if err := store.RenameDevice(ctx, args[2], strings.Join(args[3:], " ")); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "renamed", args[2])
			return nil
		}
	case "site":
		if len(args) >= 3 && args[1] == "add" {
			site, err := store.AddSite(ctx, strings.Join(args[2:], " "))
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s\t%s\n", site.ID, site.Name)
			return nil
		}
		if len(args) == 2 && args[1] == "list" {
			sites, err := store.Sites(ctx)
			if err != nil {
				return err
			}
			for _, s := range sites {
				fmt.Fprintf(stdout, "%s\t%s\n", s.ID, s.Name)
			}
			return nil
		}
	case "enroll-code", "enrol-code":
		sub := flag.NewFlagSet("enroll-code", flag.ContinueOnError)
		siteName := sub.String("site", "", "site id or name")
		ttl := sub.Duration("ttl", 72*time.Hour, "how long the code is valid")
		if err := sub.Parse(args[1:]); err != nil {
			return err
		}
		site, err := store.FindSite(ctx, *siteName)
		if err != nil {
			return err
		}
		code, exp, err := store.NewEnrolCode(ctx, site.ID, *ttl)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, code)
		fmt.Fprintf(os.Stderr, "single-use code for %q, valid until %s\n", site.Name, exp.Local().Format("2006-01-02 15:04"))
		return nil
	case "devices":
		sub := flag.NewFlagSet("devices", flag.ContinueOnError)
		siteName := sub.String("site", "", "site id or name (all sites if empty)")
		if err := sub.Parse(args[1:]); err != nil {
			return err
		}
		siteID := ""
		if *siteName != "" {
			site, err := store.FindSite(ctx, *siteName)
			if err != nil {
				return err
			}
			siteID = site.ID
		}
		devs, err := store.Devices(ctx, siteID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "DEVICE\tSITE\tNAME\tLAST SEEN\tREVOKED\tNOTE")
		for _, d := range devs {
			seen := "never"
			if d.LastSeen.UnixMilli() > 0 {
				seen = d.LastSeen.Local().Format("2006-01-02 15:04")
			}
			note := ""
			switch d.Reason {
			case "restored":
				note = "journal restored from an older copy: new identity, restored from " + d.PreviousID[:min(8, len(d.PreviousID))] + "…"
			case "copied":
				note = "journal copied from another machine: new identity, copied from " + d.PreviousID[:min(8, len(d.PreviousID))] + "…"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\t%s\n", d.ID, d.SiteName, d.Name, seen, d.Revoked, note)
		}
		return tw.Flush()
	case "revoke":
		if len(args) == 2 {
			if err := store.Revoke(ctx, args[1]); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "revoked", args[1])
			return nil
		}
	case "user":
		if len(args) >= 2 && args[1] == "add" {
			return userAdd(ctx, store, args[2:])
		}
	case "pack":
		if len(args) >= 2 && args[1] == "publish" {
			return packPublish(ctx, store, args[2:])
		}
	case "calibrate":
		return calibrateCmd(ctx, store, args[1:])
	case "bundle":
		if err := bundleCmd(ctx, store, args[1:]); !errors.Is(err, flag.ErrHelp) {
			return err
		}
	}
	fs.Usage()
	return flag.ErrHelp
}
