package main

import (
	"context"
	"crypto/ed25519"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
	"github.com/tremplin-numerique/tremplin/sync/client"
	"github.com/tremplin-numerique/tremplin/sync/event"
	"github.com/tremplin-numerique/tremplin/sync/journal"
	"github.com/tremplin-numerique/tremplin/sync/packsign"
)

// TestCalibrationLoop runs the field calibration loop end to end through a
// real server: three kiosks at two sites journal visitors' answers (from
// true item parameters the pack does not know: half its questions
// discriminate well, a = 2, half poorly, a = 0.6) and sync them; the
// server calibrates (admin calibrate), the new pack version is published
// signed; a kiosk installs it, and the diagnostic it builds from it uses
// the calibrated parameters, which tell the two halves apart.
func TestCalibrationLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end calibration loop")
	}
	ctx := context.Background()
	dir := t.TempDir()
	packDir := filepath.Join(dir, "pack")
	if err := os.CopyFS(packDir, assets.DefaultPack()); err != nil {
		t.Fatal(err)
	}
	pack, err := content.Load(os.DirFS(packDir))
	if err != nil {
		t.Fatal(err)
	}
	questions := pack.Questions()
	trueA := map[string]float64{}
	for i, it := range questions {
		trueA[it.ID] = []float64{2, 0.6}[i%2]
	}

	p := startServer(t, dir)
	siteA := strings.Fields(p.admin("site", "add", "Médiathèque A"))[0]
	siteB := strings.Fields(p.admin("site", "add", "Mairie B"))[0]
	devices := []*journal.Journal{
		enrolDevice(t, p, siteA, filepath.Join(dir, "a1.db")),
		enrolDevice(t, p, siteA, filepath.Join(dir, "a2.db")),
		enrolDevice(t, p, siteB, filepath.Join(dir, "b1.db")),
	}
	// 200 visitors answer 60 questions each (about 12 000 / len(questions)
	// answers per item: 44 for 272 questions).
	rng := rand.New(rand.NewPCG(7, 8))
	for v := range 200 {
		j := devices[v%len(devices)]
		id := uuid.Must(uuid.NewV7()).String()
		if _, err := j.Append(ctx, journal.TypeLearnerCreated, id, event.LearnerCreated{Name: "Visiteur"}); err != nil {
			t.Fatal(err)
		}
		theta := rng.NormFloat64()
		for _, k := range rng.Perm(len(questions))[:min(60, len(questions))] {
			it := questions[k]
			_, b, _ := assessment.SeedParams(it.Level)
			right := rng.Float64() < assessment.Prob(trueA[it.ID], b, theta)
			outcome := event.OutcomeIncorrect
			if right {
				outcome = event.OutcomeCorrect
			}
			if _, err := j.Append(ctx, journal.TypeAnswerRecorded, id, event.AnswerRecorded{LearnerID: id, ItemID: it.ID,
				Skill: it.Skill, Domain: it.Domain, Kind: it.Kind, Outcome: outcome, Correct: right}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, j := range devices {
		for range 10 {
			if _, err := client.SyncOnce(ctx, j); err != nil {
				t.Fatal(err)
			}
			if n, _ := j.Pending(ctx); n == 0 {
				break
			}
		}
	}

	outDir := filepath.Join(dir, "pack-cal")
	const version = "0.1.0-cal.test"
	report := p.admin("calibrate", "--pack", packDir, "--out", outDir, "--min-answers", "20", "--version", version)
	if !strings.Contains(report, "items recalibrated") || !strings.Contains(report, "largest changes") {
		t.Fatalf("calibration report:\n%s", report)
	}
	keyFile := filepath.Join(dir, "pack.key")
	pub, err := packsign.ParsePublicKey(strings.TrimSpace(p.admin("pack", "keygen", "--out", keyFile)))
	if err != nil {
		t.Fatal(err)
	}
	p.admin("pack", "publish", "--key", keyFile, "--version", version, "--dir", outDir)

	kiosk := devices[2]
	installed, err := client.New(kiosk, client.Options{CheckPack: func(dir string) error {
		_, err := content.Load(os.DirFS(dir))
		return err
	}}).FetchPack(ctx, []ed25519.PublicKey{pub}, filepath.Join(dir, "packs"))
	if err != nil {
		t.Fatal(err)
	}
	newPack, err := content.Load(os.DirFS(installed))
	if err != nil {
		t.Fatal(err)
	}
	if newPack.Meta.Version != version {
		t.Errorf("installed pack version %q, want %q", newPack.Meta.Version, version)
	}
	var bank []assessment.Item
	for _, it := range newPack.Questions() {
		item := assessment.Item{ID: it.ID, Domain: it.Domain, Skill: it.Skill, Level: it.Level}
		if it.IRT != nil {
			item.A, item.B = it.IRT.A, it.IRT.B
		}
		bank = append(bank, item)
	}
	d, err := assessment.NewDiagnostic(bank, assessment.DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var sum [2]float64
	var n [2]int
	calibrated := 0
	for _, it := range d.Bank() {
		if it.A != assessment.SeedA {
			calibrated++
		}
		g := 0
		if trueA[it.ID] < 1 {
			g = 1
		}
		sum[g] += it.A
		n[g]++
	}
	if calibrated < len(bank)*9/10 {
		t.Errorf("the kiosk's diagnostic uses calibrated parameters for %d of %d items", calibrated, len(bank))
	}
	hi, lo := sum[0]/float64(n[0]), sum[1]/float64(n[1])
	if !(hi > lo+0.4) || math.IsNaN(hi) {
		t.Errorf("mean calibrated a: %.2f for items of true a 2, %.2f for true a 0.6", hi, lo)
	}
	t.Logf("mean calibrated a %.2f (true 2) vs %.2f (true 0.6)\n%s", hi, lo, report)
}
