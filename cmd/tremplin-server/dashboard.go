package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/tremplin-numerique/tremplin/sync/dashboard"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

var stdin io.Reader = os.Stdin

// userAdd is `admin user add NAME --role admin|coordinator [--site SITE]…`,
// the password read from the first line of standard input (so it never
// shows in the process list or the shell history).
func userAdd(ctx context.Context, store *server.Store, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New("user add: NAME comes first: user add NAME --role admin|coordinator [--site SITE]…")
	}
	name := args[0]
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	role := fs.String("role", "", "admin or coordinator")
	var sites multiFlag
	fs.Var(&sites, "site", "site id or name (repeat for several; coordinators only)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var ids []string
	for _, s := range sites {
		st, err := store.FindSite(ctx, s)
		if err != nil {
			return fmt.Errorf("user add: %w", err)
		}
		ids = append(ids, st.ID)
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("user add: read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	d, err := dashboard.New(ctx, store, dashboard.Config{})
	if err != nil {
		return err
	}
	u, err := d.AddUser(ctx, name, *role, pw, ids)
	if err != nil {
		return err
	}
	if err := d.Audit(ctx, dashboard.AuditEntry{User: "(admin command)", Action: dashboard.ActUserAdded, Target: u.Name,
		Detail: u.Role + " " + strings.Join(ids, ",")}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\t%s\t%s\n", u.ID, u.Name, u.Role)
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// clientOf lets the dashboard ask the sync server (made after it, since
// the server mounts the dashboard) where a request comes from.
type clientOf struct{ srv **server.Server }

func (c clientOf) ClientAddr(r *http.Request) string { return (*c.srv).ClientAddr(r) }
func (c clientOf) Secure(r *http.Request) bool       { return (*c.srv).Secure(r) }
