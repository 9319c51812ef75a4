package dashboard

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/tremplin-numerique/tremplin/sync/server"
)

// BenchmarkPages times the main pages over an existing database, such as
// one `tremplin-server dashbench --db sqlite:PATH` filled:
//
//	TREMPLIN_DASH_DB=sqlite:/tmp/big.db go test -run - -bench Pages ./sync/dashboard
func BenchmarkPages(b *testing.B) {
	dsn := os.Getenv("TREMPLIN_DASH_DB")
	if dsn == "" {
		b.Skip("TREMPLIN_DASH_DB names a filled database")
	}
	ctx := context.Background()
	st, err := server.OpenStore(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	d, err := New(ctx, st, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := d.AddUser(ctx, "bench-pages", RoleAdmin, "bench password 1234", nil); err != nil && err.Error() != "" {
		_ = err // already there
	}
	tok, _, err := d.Login(ctx, "bench-pages", "bench password 1234")
	if err != nil {
		b.Fatal(err)
	}
	var site string
	if err := st.DB().QueryRowContext(ctx, `SELECT site_id FROM dash_learners ORDER BY diagnostics DESC, learner_id LIMIT 1`).Scan(&site); err != nil {
		b.Fatal(err)
	}
	h := d.Handler()
	for _, p := range []struct{ name, path string }{{"overview", "/"}, {"site", "/sites/" + site}, {"exports", "/exports"}} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, p.path, nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: tok})
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
