package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app"
	"github.com/tremplin-numerique/tremplin/app/i18n"
	"github.com/tremplin-numerique/tremplin/app/learners"
	kiosktheme "github.com/tremplin-numerique/tremplin/app/theme"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/server"
)

// TestCodedLearnerSyncsAcrossDevices drives a returning learner across two
// kiosks of one tiers-lieu, with the real binaries: a real tremplin-server
// (SQLite) and `tremplin enroll` / `tremplin sync --once` processes. On
// device A a visitor takes the diagnostic and keeps a picture code; A
// syncs; device B syncs, the visitor types the same code there ("Je suis
// déjà venu"), sees their space, retakes the diagnostic and sees before and
// after; B syncs. The server then holds every event of both visits under one
// learner id, the second diagnostic naming the first.
func TestCodedLearnerSyncsAcrossDevices(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binaries")
	}
	site := newSyncSite(t)
	dirA, dirB := site.device(t), site.device(t)

	// Device A: a first visit, a code kept.
	ka := newSyncKiosk(t, dirA)
	startTest(ka.k)
	ka.answerAll(t, false)
	if ka.k.Results == nil || !ka.k.Results.Keep.Visible() {
		t.Fatal("device A: no results with an offer to keep them")
	}
	test.Tap(ka.k.Results.Keep)
	code := ka.k.CodeShown.Code
	learner := ka.k.Visit().LearnerID()
	if len(learners.SplitCode(code)) != learners.CodeLength || learner == "" {
		t.Fatalf("device A gave code %q to learner %q", code, learner)
	}
	test.Tap(ka.k.CodeShown.Done)
	if out := site.sync(t, dirA); !strings.Contains(out, "envoyés") {
		t.Fatalf("sync A: %q", out)
	}

	// Device B: the visitor comes back there with the same code.
	site.sync(t, dirB)
	kb := newSyncKiosk(t, dirB)
	typeCode(t, kb.k, code)
	if kb.k.Space == nil {
		t.Fatalf("device B: the code %s given on A did not open the learner's space (message %q)", code, kb.k.CodePad.Message.Text)
	}
	if got := kb.k.Visit().LearnerID(); got != learner {
		t.Fatalf("device B knows the visitor as %q, A as %q", got, learner)
	}
	tested := 0
	for _, r := range kb.k.Space.Rows {
		if r.Tested {
			tested++
		}
	}
	if tested == 0 {
		t.Fatal("device B's space shows nothing of the visit on A")
	}
	test.Tap(kb.k.Space.Retake)
	kb.answerAll(t, true)
	res := kb.k.Results
	if res == nil || res.Keep.Visible() {
		t.Fatal("device B: no results, or a new code offered to a learner who has one")
	}
	before := 0
	for _, r := range res.Rows {
		if r.Before != nil && r.Before.Visible() && r.Evolution.Visible() && r.Evolution.Text != "" {
			before++
		}
	}
	if before == 0 {
		t.Fatal("device B: the retake shows no before/after")
	}
	test.Tap(res.Done)
	site.sync(t, dirB)

	// The server: both devices' events about the visitor, one learner id.
	ctx := context.Background()
	st, err := server.OpenStore(ctx, site.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB().QueryContext(ctx, `SELECT device_id, type, learner_id, payload FROM events WHERE site_id = ? ORDER BY hlc`, site.id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	devices := map[string]map[string]int{} // device → type → count, the visitor's events
	others := map[string]bool{}
	var diags []event.DiagnosticFinished
	for rows.Next() {
		var dev, typ, lid string
		var payload []byte
		if err := rows.Scan(&dev, &typ, &lid, &payload); err != nil {
			t.Fatal(err)
		}
		if lid == "" {
			continue // device events (enrolment, sync problems)
		}
		if lid != learner {
			others[lid+" "+typ] = true
			continue
		}
		if devices[dev] == nil {
			devices[dev] = map[string]int{}
		}
		devices[dev][typ]++
		if typ == event.TypeDiagnosticFinished {
			var p event.DiagnosticFinished
			if err := json.Unmarshal(payload, &p); err != nil {
				t.Fatal(err)
			}
			diags = append(diags, p)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(others) > 0 {
		t.Errorf("the server holds events under other learner ids: %v", others)
	}
	if len(devices) != 2 {
		t.Fatalf("the visitor's events come from %d devices, want 2: %v", len(devices), devices)
	}
	for dev, types := range devices {
		if types[event.TypeAnswerRecorded] == 0 || types[event.TypeDiagnosticFinished] != 1 || types[event.TypeSessionStarted] != 1 {
			t.Errorf("device %s: the visitor's events %v", dev, types)
		}
	}
	if len(diags) != 2 || diags[1].Previous != diags[0].SessionID || len(diags[1].Evolution) == 0 {
		t.Fatalf("the server's diagnostics do not show before/after: %+v", diags)
	}
}

// syncKiosk is a kiosk on a device's data folder, as cmd/tremplin would run
// it, driven through Fyne's test driver.
type syncKiosk struct {
	k *app.Kiosk
	j *journal.Journal
}

func newSyncKiosk(t *testing.T, dir string) *syncKiosk {
	t.Helper()
	return newKioskOn(t, dir, nil)
}

// newKioskOn opens dir's journal and shows a kiosk on it at 1024×768;
// mediator, when given, is made from the journal (nil: no mediator area).
func newKioskOn(t *testing.T, dir string, mediator func(*journal.Journal) app.Mediator) *syncKiosk {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(kiosktheme.New())
	pack, err := content.Load(assets.DefaultPack())
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load(assets.Translations())
	if err != nil {
		t.Fatal(err)
	}
	j, err := journal.Open(context.Background(), filepath.Join(dir, "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	cfg := app.Config{Seed: 20261130, Pack: pack, Journal: j, Catalogue: cat, Sheets: filepath.Join(dir, "sheets")}
	if mediator != nil {
		cfg.Mediator = mediator(j)
	}
	k := app.New(cfg)
	w := a.NewWindow("tremplin")
	k.Show(w)
	w.Resize(fyne.NewSize(1024, 768))
	return &syncKiosk{k: k, j: j}
}

// answerAll answers every question of the diagnostic on display: right on
// choice questions when right is true, else "I don't know" (as to every
// other kind).
func (s *syncKiosk) answerAll(t *testing.T, right bool) {
	t.Helper()
	for n := 0; s.k.Question != nil; n++ {
		if n > 200 {
			t.Fatal("the diagnostic does not end")
		}
		q := s.k.Question
		it := q.Item()
		if right && len(q.Choices) > 0 {
			for i, ci := range q.ChoiceOrder() {
				if it.Choices[ci].Correct {
					test.Tap(q.Choices[i])
				}
			}
			test.Tap(q.Validate)
		} else {
			test.Tap(q.DontKnow)
		}
		test.Tap(q.Continue)
	}
}

func startTest(k *app.Kiosk) {
	test.Tap(k.Welcome.Start)
	if k.Warmup != nil {
		test.Tap(k.Warmup.Skip)
	}
}

func typeCode(t *testing.T, k *app.Kiosk, code string) {
	t.Helper()
	if k.Welcome == nil {
		t.Fatal("not on the welcome screen")
	}
	test.Tap(k.Welcome.CameBefore)
	for _, name := range learners.SplitCode(code) {
		for i, p := range learners.Pictograms {
			if p == name {
				test.Tap(k.CodePad.Keys[i])
			}
		}
	}
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the server did not come up")
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
