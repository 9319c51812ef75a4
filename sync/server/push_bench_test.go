package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tremplin-numerique/tremplin/sync/server"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

// BenchmarkPush1000 stores batches of 1 000 answer events from one device
// (the store ingestion figure of tremplin-server load).
func BenchmarkPush1000(b *testing.B) {
	ctx := context.Background()
	store, err := server.OpenStore(ctx, "sqlite:"+filepath.Join(b.TempDir(), "s.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	site, _ := store.AddSite(ctx, "A")
	code, _, _ := store.NewEnrolCode(ctx, site.ID, time.Hour)
	dev, _, err := store.Enrol(ctx, code, wire.NewKey())
	if err != nil {
		b.Fatal(err)
	}
	seq := int64(0)
	now := time.Now().UnixMilli()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		evs := make([]wire.Event, 1000)
		for i := range evs {
			seq++
			p, _ := json.Marshal(map[string]any{"item_id": fmt.Sprintf("x.%d", i), "correct": i%2 == 0})
			evs[i] = wire.Event{ID: uuid.Must(uuid.NewV7()).String(), DeviceID: dev.ID, Seq: seq, WallMS: now, HLC: now << 16,
				Type: "answer.recorded", LearnerID: "L", Payload: p}
		}
		b.StartTimer()
		if _, err := store.Push(ctx, dev, evs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "events/s")
}
