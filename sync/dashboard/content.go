package dashboard

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tremplin-numerique/tremplin/sync/packsign"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// maxPackUpload bounds an uploaded pack archive.
const maxPackUpload = 64 << 20

type packRow struct {
	Version, SHA256 string
	Size            int64
	Published       time.Time
	Devices         int
}

func (d *Dashboard) contentPage(w http.ResponseWriter, r *req) {
	d.showContent(w, r, http.StatusOK, "", "")
}

func (d *Dashboard) showContent(w http.ResponseWriter, r *req, code int, msg, ok string) {
	ctx := r.Context()
	sites, err := d.visibleSites(ctx, r.user())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	mine := map[string]bool{}
	for _, s := range sites {
		mine[s.ID] = true
	}
	running := map[string]int{}
	err = d.eachRow(ctx, `SELECT site_id, pack_version, count(*) FROM dash_devices GROUP BY site_id, pack_version`, nil, func(sc scanner) error {
		var site, v string
		var n int
		if err := sc.Scan(&site, &v, &n); err != nil {
			return err
		}
		if mine[site] {
			running[v] += n
		}
		return nil
	})
	if err != nil {
		d.fail(w, r, err)
		return
	}
	var packs []packRow
	err = d.eachRow(ctx, `SELECT version, sha256, size, published_ms FROM packs ORDER BY published_ms DESC, version DESC LIMIT 50`, nil, func(sc scanner) error {
		var p packRow
		var ms int64
		if err := sc.Scan(&p.Version, &p.SHA256, &p.Size, &ms); err != nil {
			return err
		}
		p.Published = time.UnixMilli(ms)
		p.Devices = running[p.Version]
		packs = append(packs, p)
		return nil
	})
	if err != nil {
		d.fail(w, r, err)
		return
	}
	var versions []countItem
	for v, n := range running {
		if v == "" {
			v = "?"
		}
		versions = append(versions, countItem{v, n})
	}
	d.render(w, r, code, "content", "content", r.cat.T("dash.nav.content"), map[string]any{
		"Packs": packs, "Running": topN(mapOf(versions), 50), "Error": msg, "OK": ok,
	})
}

func mapOf(items []countItem) map[string]int {
	m := map[string]int{}
	for _, it := range items {
		m[it.Label] += it.N
	}
	return m
}

// contentPost publishes an uploaded signed pack after the content loader
// accepted it (and, when the server knows the kiosks' keys, after its
// signature verified).
func (d *Dashboard) contentPost(w http.ResponseWriter, r *req) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, maxPackUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		d.showContent(w, r, http.StatusBadRequest, r.cat.T("dash.content.bad_upload"), "")
		return
	}
	if !d.csrfOK(r.Request, r.sess.csrf) {
		d.errorPage(w, r, http.StatusForbidden)
		return
	}
	f, _, err := r.FormFile("archive")
	if err != nil {
		d.showContent(w, r, http.StatusBadRequest, r.cat.T("dash.content.bad_upload"), "")
		return
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPackUpload+1))
	f.Close()
	if err != nil || len(data) > maxPackUpload {
		d.showContent(w, r, http.StatusRequestEntityTooLarge, r.cat.T("dash.content.bad_upload"), "")
		return
	}
	sig := strings.TrimSpace(r.FormValue("signature"))
	pack, err := loadArchive(data)
	if err != nil {
		d.showContent(w, r, http.StatusUnprocessableEntity, r.cat.T("dash.content.invalid", "err", clipText(err.Error(), 400)), "")
		return
	}
	version := strings.TrimSpace(r.FormValue("version"))
	if version == "" {
		version = pack.Meta.Version
	}
	if version == "" || len(version) > 64 || sig == "" {
		d.showContent(w, r, http.StatusUnprocessableEntity, r.cat.T("dash.content.need_sig"), "")
		return
	}
	if len(d.cfg.PackKeys) > 0 {
		if err := packsign.Verify(d.cfg.PackKeys, version, data, sig); err != nil {
			d.showContent(w, r, http.StatusUnprocessableEntity, r.cat.T("dash.content.bad_sig"), "")
			return
		}
	}
	info := wire.PackInfo{Version: version, SHA256: packsign.SHA256(data), Size: int64(len(data)), Signature: sig}
	if _, err := d.store.PackData(ctx, version); err == nil {
		d.showContent(w, r, http.StatusConflict, r.cat.T("dash.content.exists", "version", version), "")
		return
	} else if !errors.Is(err, server.ErrNotFound) {
		d.fail(w, r, err)
		return
	}
	if err := d.store.PublishPack(ctx, info, data); err != nil {
		d.fail(w, r, err)
		return
	}
	_ = d.Audit(ctx, AuditEntry{User: r.user().Name, Action: ActPackPublished, Target: version,
		Detail: fmt.Sprintf("%d bytes, sha256 %s, %d items", len(data), info.SHA256, len(pack.Items))})
	d.showContent(w, r, http.StatusOK, "", r.cat.T("dash.content.published", "version", version))
}
