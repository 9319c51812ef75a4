package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/tremplin-numerique/tremplin/sync/bundlestore"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// bundleCmd imports devices' USB-stick bundles and writes bundles for
// devices (docs/sync-protocol.md, "Bundles").
//
//	admin bundle import FILE…
//	admin bundle export (--device DEVICE | --site SITE) --out DIR [--no-pack] [--since CURSOR]
func bundleCmd(ctx context.Context, store *server.Store, args []string) error {
	bs, err := bundlestore.New(ctx, store)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return flag.ErrHelp
	}
	switch args[0] {
	case "import":
		if len(args) < 2 {
			return flag.ErrHelp
		}
		failed := 0
		for _, path := range args[1:] {
			r, err := bs.Import(ctx, path)
			switch {
			case err != nil && r.NewIdentity != nil:
				failed++
				fmt.Fprintf(os.Stderr, "%s: %s\n", path, bundlestore.Plain(err))
				fmt.Fprintf(stdout, "%s: nouvelle identité pour %q : %s (%s)\n", path, r.DeviceName, r.NewIdentity.Name, r.NewIdentity.ID)
			case err != nil:
				failed++
				fmt.Fprintf(os.Stderr, "%s: %s\n", path, bundlestore.Plain(err))
			case !r.Already.IsZero():
				fmt.Fprintf(stdout, "%s: %q (%s) : déjà importé le %s ; %d événements, %d nouveaux\n", path, r.DeviceName, r.SiteName,
					r.Already.Local().Format("02/01/2006 15:04"), r.Events, r.Stored)
			default:
				fmt.Fprintf(stdout, "%s: %q (%s) : %d événements, %d nouveaux\n", path, r.DeviceName, r.SiteName, r.Events, r.Stored)
			}
		}
		if failed > 0 {
			return fmt.Errorf("%d fichier(s) refusé(s) ; rien n'en a été importé", failed)
		}
		return nil
	case "export":
		sub := flag.NewFlagSet("bundle export", flag.ContinueOnError)
		device := sub.String("device", "", "the device's id")
		site := sub.String("site", "", "a site id or name: one bundle for each of its devices")
		out := sub.String("out", "", "folder to write into (the USB stick)")
		noPack := sub.Bool("no-pack", false, "leave the content pack out")
		since := sub.Int64("since", -1, "the site's events after this cursor (default: from the device's latest imported bundle)")
		if err := sub.Parse(args[1:]); err != nil {
			return err
		}
		if *out == "" || (*device == "") == (*site == "") {
			return errors.New("bundle export: give --out DIR and either --device DEVICE or --site SITE")
		}
		opts := bundlestore.ExportOptions{NoPack: *noPack, Since: *since}
		var rs []bundlestore.ExportResult
		if *device != "" {
			r, err := bs.Export(ctx, *device, *out, opts)
			if err != nil {
				return errors.New(bundlestore.Plain(err))
			}
			rs = append(rs, r)
		} else {
			st, err := store.FindSite(ctx, *site)
			if err != nil {
				return err
			}
			if rs, err = bs.ExportSite(ctx, st.ID, *out, opts); err != nil {
				return errors.New(bundlestore.Plain(err))
			}
		}
		for _, r := range rs {
			line := fmt.Sprintf("%s: pour %q : %d événements du lieu, %d accusés de réception", r.Path, r.DeviceName, r.Events, r.Own)
			if r.Pack != "" {
				line += ", contenu " + r.Pack
			}
			if r.NewIdentity != "" {
				line += ", nouvelle identité " + r.NewIdentity
			}
			fmt.Fprintln(stdout, line)
		}
		return nil
	}
	return flag.ErrHelp
}
