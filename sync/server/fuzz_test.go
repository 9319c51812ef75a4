package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// FuzzPush sends arbitrary bodies (raw and gzip'd) to the push endpoint of
// a real store: every refusal is a problem with a 4xx status, and nothing is
// stored unless the answer is 200.
func FuzzPush(f *testing.F) {
	ctx := context.Background()
	store, err := server.OpenStore(ctx, "sqlite:"+filepath.Join(f.TempDir(), "s.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer store.Close()
	site, _ := store.AddSite(ctx, "A")
	code, _, _ := store.NewEnrolCode(ctx, site.ID, time.Hour)
	tok := wire.NewKey()
	d, _, err := store.Enrol(ctx, code, tok)
	if err != nil {
		f.Fatal(err)
	}
	dev := d.ID
	h := server.New(store, server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DeviceRate: 1e9, DeviceBurst: 1 << 30}).Handler()
	good, _ := wire.EncodePush([]wire.Event{{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: dev, Seq: 1, HLC: 5, Type: "a.b", Payload: []byte(`{}`)}})
	other, _ := wire.EncodePush([]wire.Event{{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: uuid.Must(uuid.NewV7()).String(), Seq: 1, HLC: 5, Type: "a.b"}})
	f.Add(good)
	f.Add(other)
	f.Add([]byte(`{"v":1,"events":[{"id":"x"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, b := range [][]byte{body, gzipBytes(body)} {
			before, _ := store.EventCounts(ctx, "")
			req := httptest.NewRequest(http.MethodPost, "/api/v1/sync/push", bytes.NewReader(b))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Content-Encoding", "gzip")
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			after, _ := store.EventCounts(ctx, "")
			switch {
			case rec.Code == 200:
			case rec.Code >= 400 && rec.Code < 500 && rec.Header().Get("Content-Type") == wire.ProblemContentType:
				if len(after) != len(before) {
					t.Fatalf("refused with %d but stored %d events", rec.Code, len(after)-len(before))
				}
			default:
				t.Fatalf("status %d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
		}
	})
}
