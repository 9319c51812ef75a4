package dashboard

import (
	"errors"
	"net/http"
	"strings"
)

func (d *Dashboard) auditPage(w http.ResponseWriter, r *req) {
	log, err := d.auditLog(r.Context(), r.user(), 300)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "audit", "audit", r.cat.T("dash.nav.audit"), map[string]any{"Log": log})
}

func (d *Dashboard) usersPage(w http.ResponseWriter, r *req) {
	d.showUsers(w, r, http.StatusOK, "")
}

func (d *Dashboard) showUsers(w http.ResponseWriter, r *req, code int, msg string) {
	users, err := d.Users(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	sites, err := d.store.Sites(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	names := map[string]string{}
	for _, s := range sites {
		names[s.ID] = s.Name
	}
	d.render(w, r, code, "users", "users", r.cat.T("dash.nav.users"), map[string]any{"Users": users, "Sites": sites, "Names": names, "Error": msg})
}

func (d *Dashboard) userPost(w http.ResponseWriter, r *req) {
	sites := r.PostForm["site"]
	for _, s := range sites {
		if st, err := d.store.FindSite(r.Context(), s); err != nil || st.ID != s {
			d.showUsers(w, r, http.StatusUnprocessableEntity, r.cat.T("dash.users.bad"))
			return
		}
	}
	u, err := d.AddUser(r.Context(), r.PostFormValue("name"), r.PostFormValue("role"), r.PostFormValue("password"), sites)
	if err != nil {
		msg := r.cat.T("dash.users.bad")
		switch {
		case errors.Is(err, ErrUserExists):
			msg = r.cat.T("dash.users.exists")
		case errors.Is(err, ErrWeakPassword):
			msg = r.cat.T("dash.users.weak")
		}
		d.showUsers(w, r, http.StatusUnprocessableEntity, msg)
		return
	}
	_ = d.Audit(r.Context(), AuditEntry{User: r.user().Name, Action: ActUserAdded, Target: u.Name, Detail: u.Role + " " + strings.Join(sites, ",")})
	http.Redirect(w, r.Request, "/users", http.StatusSeeOther)
}

func (d *Dashboard) xapiPage(w http.ResponseWriter, r *req) {
	var status [][2]string
	if d.cfg.Forwarder != nil {
		var err error
		if status, err = d.cfg.Forwarder.Status(r.Context()); err != nil {
			d.fail(w, r, err)
			return
		}
	}
	d.render(w, r, http.StatusOK, "xapi", "xapi", r.cat.T("dash.nav.xapi"), map[string]any{"Status": status, "On": d.cfg.Forwarder != nil})
}
