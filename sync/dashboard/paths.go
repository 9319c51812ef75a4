package dashboard

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/packsign"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// packCache holds the content pack the framework tree comes from.
type packCache struct {
	version string
	pack    *content.Pack
}

// framework returns the newest published pack that loads, else the
// embedded default pack, loaded once per version.
func (d *Dashboard) framework(ctx context.Context) (*content.Pack, error) {
	latest, err := d.store.LatestPack(ctx)
	if err != nil {
		return nil, err
	}
	version := ""
	if latest != nil {
		version = latest.Version
	}
	d.packMu.Lock()
	defer d.packMu.Unlock()
	if d.packCache != nil && d.packCache.version == version {
		return d.packCache.pack, nil
	}
	var p *content.Pack
	if latest != nil {
		data, err := d.store.PackData(ctx, version)
		if err == nil {
			p, err = loadArchive(data)
		}
		if err != nil {
			d.log.Warn("published pack does not load; using the built-in framework", "version", version, "err", err)
		}
	}
	if p == nil {
		if p, err = content.Load(assets.TextPack()); err != nil {
			return nil, fmt.Errorf("load built-in pack: %w", err)
		}
	}
	d.packCache = &packCache{version: version, pack: p}
	return p, nil
}

// loadArchive unpacks a pack archive in a temporary directory and loads it
// with the content loader (which refuses any invalid pack).
func loadArchive(data []byte) (*content.Pack, error) {
	tmp, err := os.MkdirTemp("", "tremplin-pack-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "pack")
	if err := packsign.Extract(data, dir); err != nil {
		return nil, err
	}
	return content.Load(os.DirFS(dir))
}

type pathRow struct {
	ID, SiteID, SiteName, LearnerID, Name string
	Skills                                []string
	Modules                               []string
	Created                               time.Time
	By                                    string
}

// paths lists the pushed paths of the given sites, newest first.
func (d *Dashboard) paths(ctx context.Context, sites []server.Site) ([]pathRow, error) {
	names := map[string]string{}
	for _, s := range sites {
		names[s.ID] = s.Name
	}
	var out []pathRow
	err := d.eachRow(ctx, `SELECT id, site_id, learner_id, name, skills, modules, created_ms, created_by FROM dash_paths ORDER BY created_ms DESC LIMIT 2000`, nil,
		func(sc scanner) error {
			var p pathRow
			var skills, mods string
			var ms int64
			if err := sc.Scan(&p.ID, &p.SiteID, &p.LearnerID, &p.Name, &skills, &mods, &ms, &p.By); err != nil {
				return err
			}
			name, ok := names[p.SiteID]
			if !ok || len(out) >= 100 {
				return nil
			}
			p.SiteName = name
			_ = json.Unmarshal([]byte(skills), &p.Skills)
			_ = json.Unmarshal([]byte(mods), &p.Modules)
			p.Created = time.UnixMilli(ms)
			out = append(out, p)
			return nil
		})
	return out, err
}

// path reads one pushed path of a site.
func (d *Dashboard) path(ctx context.Context, siteID, id string) (pathRow, error) {
	var p pathRow
	var skills, mods string
	var ms int64
	err := d.db.db.QueryRowContext(ctx, d.db.q(`SELECT id, site_id, learner_id, name, skills, modules, created_ms, created_by FROM dash_paths WHERE site_id = ? AND id = ?`),
		siteID, id).Scan(&p.ID, &p.SiteID, &p.LearnerID, &p.Name, &skills, &mods, &ms, &p.By)
	if errors.Is(err, sql.ErrNoRows) {
		return p, server.ErrNotFound
	}
	_ = json.Unmarshal([]byte(skills), &p.Skills)
	_ = json.Unmarshal([]byte(mods), &p.Modules)
	p.Created = time.UnixMilli(ms)
	return p, err
}

func (d *Dashboard) pathsPage(w http.ResponseWriter, r *req) {
	d.showPaths(w, r, http.StatusOK, "")
}

func (d *Dashboard) showPaths(w http.ResponseWriter, r *req, code int, msg string) {
	ctx := r.Context()
	sites, err := d.visibleSites(ctx, r.user())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	pack, err := d.framework(ctx)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	paths, err := d.paths(ctx, sites)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.render(w, r, code, "paths", "paths", r.cat.T("dash.nav.paths"), map[string]any{
		"Sites": sites, "Pack": pack, "Paths": paths, "Error": msg,
		"Site": r.FormValue("site"), "Learner": r.FormValue("learner"),
	})
}

// PathAssigned is the payload of the path.assigned events the dashboard
// writes: a learning path for one learner (the event's learner_id) or, with
// no learner, for every learner of the site. It is event.PathAssigned
// (path_id, modules) with optional fields a kiosk may show.
type PathAssigned struct {
	event.PathAssigned
	Name   string   `json:"name,omitempty"`
	Skills []string `json:"skills,omitempty"`
	By     string   `json:"by,omitempty"`
}

func (d *Dashboard) pathPost(w http.ResponseWriter, r *req) {
	ctx := r.Context()
	siteID := r.PostFormValue("site")
	st, err := d.store.FindSite(ctx, siteID)
	if err != nil || st.ID != siteID || !r.user().CanSite(st.ID) {
		if err != nil && !errors.Is(err, server.ErrNotFound) {
			d.fail(w, r, err)
			return
		}
		d.errorPage(w, r, http.StatusNotFound)
		return
	}
	learner := strings.TrimSpace(r.PostFormValue("learner"))
	if learner != "" {
		if _, err := d.learnerOf(ctx, st.ID, learner); err != nil {
			if errors.Is(err, server.ErrNotFound) {
				d.showPaths(w, r, http.StatusUnprocessableEntity, r.cat.T("dash.paths.no_learner"))
				return
			}
			d.fail(w, r, err)
			return
		}
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	pack, err := d.framework(ctx)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	var skills []string
	for _, s := range r.PostForm["skill"] {
		if _, ok := pack.Skill(s); ok {
			skills = append(skills, s)
		}
	}
	if name == "" || len(name) > 200 || len(skills) == 0 {
		d.showPaths(w, r, http.StatusUnprocessableEntity, r.cat.T("dash.paths.incomplete"))
		return
	}
	var modules []string
	chosen := map[string]bool{}
	for _, s := range skills {
		chosen[s] = true
	}
	for _, m := range pack.Modules {
		for _, s := range m.Skills {
			if chosen[s] {
				modules = append(modules, m.ID)
				break
			}
		}
	}
	if modules == nil {
		modules = []string{}
	}
	p := PathAssigned{PathAssigned: event.PathAssigned{PathID: uuid.Must(uuid.NewV7()).String(), Modules: modules}, Name: name, Skills: skills, By: r.user().Name}
	evID, err := d.emit(ctx, st.ID, event.TypePathAssigned, learner, p)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	sj, _ := json.Marshal(skills)
	mj, _ := json.Marshal(modules)
	err = d.db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, d.db.q(`INSERT INTO dash_paths (id, site_id, learner_id, name, skills, modules, event_id, created_ms, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), p.PathID, st.ID, learner, name, string(sj), string(mj), evID, d.now().UnixMilli(), r.user().Name)
		return err
	})
	if err != nil {
		d.fail(w, r, err)
		return
	}
	_ = d.Audit(ctx, AuditEntry{User: r.user().Name, SiteID: st.ID, Action: ActPathPushed, Target: p.PathID,
		Detail: fmt.Sprintf("%s: %d skills, learner %q", name, len(skills), learner)})
	http.Redirect(w, r.Request, "/paths#pushed", http.StatusSeeOther)
}

// titles maps the framework's domain, competence, skill and module ids to
// their titles, for labels; an id the pack lacks stays as it is.
func (d *Dashboard) titles(ctx context.Context) map[string]string {
	out := map[string]string{}
	p, err := d.framework(ctx)
	if err != nil {
		d.log.Warn("framework titles", "err", err)
		return out
	}
	for _, dm := range p.Domains {
		out[dm.ID] = dm.Title
		for _, c := range dm.Competences {
			out[c.ID] = c.Title
			for _, s := range c.Skills {
				out[s.ID] = s.Title
			}
		}
	}
	for _, m := range p.Modules {
		out[m.ID] = m.Title
	}
	return out
}
