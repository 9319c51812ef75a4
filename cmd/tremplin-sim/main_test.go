package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

func capture(t *testing.T, args ...string) string {
	t.Helper()
	var buf bytes.Buffer
	old := stdout
	stdout = &buf
	defer func() { stdout = old }()
	if err := run(args); err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return buf.String()
}

func TestCATSynthetic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "est.csv")
	text := capture(t, "cat", "--rule", "v1", "--learners", "40", "--seed", "3", "--synthetic-items", "150", "--json", "--out", out)
	var rep CATReport
	if err := json.Unmarshal([]byte(text), &rep); err != nil {
		t.Fatalf("JSON report: %v\n%s", err, text)
	}
	if rep.Learners != 40 || rep.BankItems != 150 || len(rep.Adaptive.Domains) != 5 || rep.FixedLength != 40 {
		t.Errorf("report %+v", rep)
	}
	if rep.Adaptive.MeanItems <= 0 || rep.Adaptive.MeanItems > 40 || rep.Adaptive.MaxExposure <= 0 || rep.Adaptive.MaxExposure > 1 {
		t.Errorf("adaptive figures %+v", rep.Adaptive)
	}
	if len(rep.ByLength) != 8 || rep.ByLength[7].FixedRMSE != rep.Fixed.All.RMSE {
		t.Errorf("length table %+v, fixed RMSE %v", rep.ByLength, rep.Fixed.All.RMSE)
	}
	if wb := rep.WholeBank; wb.Items != 150 || wb.MatchLength < 1 || wb.MatchLength > 150 || !(wb.RMSE < rep.Fixed.All.RMSE) {
		t.Errorf("whole bank %+v", wb)
	}
	if b := rep.Bound; b.PerDomain != assessment.DefaultConfig().MaxPerDomain || !(b.Accuracy > 0.5 && b.Accuracy < 0.85) || b.Needed <= b.PerDomain {
		t.Errorf("band bound %+v", b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != "id,domain,theta,se,band,items" || len(lines) != 1+40*5 {
		t.Errorf("estimates CSV: %d lines, header %q", len(lines), lines[0])
	}
	// Same seed, same figures.
	if again := capture(t, "cat", "--rule", "v1", "--learners", "40", "--seed", "3", "--synthetic-items", "150", "--json"); again != text {
		t.Error("two runs with the same seed differ")
	}
	if txt := capture(t, "cat", "--rule", "v1", "--learners", "20", "--synthetic-items", "150"); !strings.Contains(txt, "accuracy against test length") {
		t.Errorf("text report:\n%s", txt)
	}
}

func TestCATDefaultPackAndPopulation(t *testing.T) {
	pop := filepath.Join(t.TempDir(), "pop.csv")
	csv := "id,equipement,internet,communiquer,documents,demarches\nA,-2,-1,0,1,2\nB,0.5,0.5,0.5,0.5,0.5\n"
	if err := os.WriteFile(pop, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "est.csv")
	text := capture(t, "cat", "--rule", "v1", "--population", pop, "--json", "--out", out)
	if est, err := os.ReadFile(out); err != nil || !strings.HasPrefix(strings.SplitN(string(est), "\n", 3)[1], "A,") || !strings.Contains(string(est), "\nB,demarches,") {
		t.Errorf("estimates not in the file's order:\n%s", est)
	}
	var rep CATReport
	if err := json.Unmarshal([]byte(text), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Learners != 2 || !strings.Contains(rep.Bank, "default pack") || rep.BankItems < 150 {
		t.Errorf("report %+v", rep)
	}
	if _, err := parsePopulation(strings.NewReader("id,equipement\nA,1\n"), []string{"equipement", "internet"}); err == nil {
		t.Error("population without a domain column accepted")
	}
	if _, err := parsePopulation(strings.NewReader("id,x\nA,abc\n"), []string{"x"}); err == nil {
		t.Error("non-numeric ability accepted")
	}
}

func TestReadResponses(t *testing.T) {
	in := `{"learner":"L1","item":"a","domain":"d","correct":true}

{"type":"learner.created","learner_id":"L2","payload":{}}
{"id":"e1","type":"answer.recorded","learner_id":"L2","payload":{"learner_id":"L2","item_id":"b","skill":"s","domain":"d","outcome":"dont-know","correct":false}}
{"type":"answer.recorded","learner_id":"L3","payload":{"item_id":"c","domain":"d","outcome":"correct"}}
{"type":"answer.recorded","learner_id":"L4","payload":{"item_id":"c","domain":"d","outcome":"dont_know"}}
`
	obs, err := readResponses(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []assessment.Observation{
		{Learner: "L1", Item: "a", Domain: "d", Correct: true},
		{Learner: "L2", Item: "b", Domain: "d"},
		{Learner: "L3", Item: "c", Domain: "d", Correct: true},
		{Learner: "L4", Item: "c", Domain: "d"}, // the kiosk's journal spelling (sync/event)
	}
	if len(obs) != len(want) {
		t.Fatalf("got %+v", obs)
	}
	for i := range want {
		if obs[i] != want[i] {
			t.Errorf("answer %d = %+v, want %+v", i, obs[i], want[i])
		}
	}
	for _, bad := range []string{`{`, `{"learner":"x","item":"y"}`, `{"item":"y","correct":true}`} {
		if _, err := readResponses(strings.NewReader(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestResponsesThenCalibrate(t *testing.T) {
	dir := t.TempDir()
	resp, truth := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "t.csv")
	capture(t, "responses", "--learners", "2000", "--synthetic-items", "50", "--seed", "2", "--out", resp, "--truth", truth)
	text := capture(t, "calibrate", "--responses", resp, "--truth", truth, "--json")
	var rep struct {
		Learners int `json:"learners"`
		Recovery struct {
			Items int     `json:"items"`
			CorrB float64 `json:"corr_b"`
		} `json:"recovery"`
	}
	if err := json.Unmarshal([]byte(text), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Learners != 2000 || rep.Recovery.Items != 50 || rep.Recovery.CorrB < 0.95 {
		t.Errorf("calibration from 2 000 learners: %+v", rep)
	}
}

func TestUsage(t *testing.T) {
	if err := run(nil); !errors.Is(err, errUsage) {
		t.Errorf("no command: %v", err)
	}
	if err := run([]string{"nope"}); !errors.Is(err, errUsage) {
		t.Errorf("unknown command: %v", err)
	}
	if err := run([]string{"calibrate"}); !errors.Is(err, errUsage) {
		t.Errorf("calibrate without --responses: %v", err)
	}
	if err := run([]string{"cat", "--synthetic-items", "10", "--pack", "x"}); !errors.Is(err, errUsage) {
		t.Errorf("both banks: %v", err)
	}
}

func TestIdealBandAccuracy(t *testing.T) {
	cfg := assessment.DefaultConfig()
	// No information: the prior's most probable band (0 to 1.5 or −1.5 to
	// 0, 43.3 % each) is right 43.3 % of the time.
	if got := idealBandAccuracy(1e-9, cfg); got < 0.430 || got > 0.436 {
		t.Errorf("no information: %.4f, want 0.433", got)
	}
	if got := idealBandAccuracy(1e6, cfg); got < 0.995 {
		t.Errorf("perfect information: %.4f", got)
	}
	prev := 0.0
	for n := 1; n <= 60; n++ {
		got := idealBandAccuracy(float64(n)*0.36, cfg)
		if got < prev-1e-9 {
			t.Fatalf("accuracy falls from %.4f to %.4f at %d items", prev, got, n)
		}
		prev = got
	}
}

// TestCATCrossDomain: --cross-domain reaches the config (reported in the
// JSON), changes the estimates, and an out-of-range value is refused.
func TestCATCrossDomain(t *testing.T) {
	var reps [2]CATReport
	for k, rho := range []string{"0", "0.5"} {
		out := capture(t, "cat", "--rule", "v1", "--synthetic-items", "60", "--learners", "200", "--seed", "2", "--json", "--cross-domain", rho)
		if err := json.Unmarshal([]byte(out), &reps[k]); err != nil {
			t.Fatal(err)
		}
	}
	if reps[0].Config.CrossDomain != 0 || reps[1].Config.CrossDomain != 0.5 {
		t.Errorf("cross_domain %v, %v; want 0, 0.5", reps[0].Config.CrossDomain, reps[1].Config.CrossDomain)
	}
	if reps[0].Adaptive.All.RMSE == reps[1].Adaptive.All.RMSE {
		t.Error("--cross-domain 0.5 gives the same RMSE as 0")
	}
	if err := run([]string{"cat", "--synthetic-items", "60", "--learners", "10", "--cross-domain", "1"}); err == nil {
		t.Error("--cross-domain 1 accepted")
	}
}

func TestExposure(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sh.csv")
	text := capture(t, "exposure", "--rule", "v1", "--synthetic-items", "200", "--learners", "400", "--rounds", "12", "--target", "0.2", "--json", "--out", out)
	var res ExposureResult
	if err := json.Unmarshal([]byte(text), &res); err != nil {
		t.Fatalf("JSON: %v\n%s", err, text)
	}
	first, last := res.Rounds[0], res.Rounds[len(res.Rounds)-1]
	// Without parameters (round 1) the best items go to well over the
	// target; the parameters bring every item near it.
	if !(first.MaxExposure > 0.5) || !(last.MaxExposure < 0.26) || res.Limited == 0 || len(res.Params) != 200 {
		t.Errorf("exposure rounds %+v, %d limited", res.Rounds, res.Limited)
	}
	// The file feeds cat, whose own learners (another seed) then also stay
	// near the target.
	text = capture(t, "cat", "--rule", "v1", "--synthetic-items", "200", "--learners", "400", "--exposure", out, "--json")
	var rep CATReport
	if err := json.Unmarshal([]byte(text), &rep); err != nil {
		t.Fatal(err)
	}
	if !(rep.Adaptive.MaxExposure < 0.3) || !strings.Contains(rep.ExposureControl, "sh.csv") || rep.Config.Randomesque != 1 {
		t.Errorf("cat with exposure parameters: highest exposure %.3f, control %q", rep.Adaptive.MaxExposure, rep.ExposureControl)
	}
	plain := capture(t, "cat", "--rule", "v1", "--synthetic-items", "200", "--learners", "400", "--json")
	if err := json.Unmarshal([]byte(plain), &rep); err != nil {
		t.Fatal(err)
	}
	if !(rep.Adaptive.MaxExposure > 0.3) {
		t.Errorf("without parameters the highest exposure is %.3f; the test above proves nothing", rep.Adaptive.MaxExposure)
	}
}

func TestApplyExposureErrors(t *testing.T) {
	bank := []assessment.Item{{ID: "a", Domain: "x", Level: 1}, {ID: "b", Domain: "x", Level: 2}}
	got, err := applyExposure(bank, strings.NewReader("id,exposure\na,0.5\n"))
	if err != nil || got[0].Exposure != 0.5 || got[1].Exposure != 0 || bank[0].Exposure != 0 {
		t.Errorf("apply: %v %+v", err, got)
	}
	// The irt.csv form exposure --out writes: id,a,b,exposure.
	got, err = applyExposure(bank, strings.NewReader("id,a,b,exposure\nb,1.3,0.2,0.75\n"))
	if err != nil || got[1].Exposure != 0.75 || got[0].Exposure != 0 {
		t.Errorf("apply irt.csv form: %v %+v", err, got)
	}
	for _, bad := range []string{"a,0\n", "a,1.5\n", "a,x\n", "zz,0.5\n", "id,a,b\na,1,0\n", "a\n"} {
		if _, err := applyExposure(bank, strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if err := run([]string{"cat", "--exposure", filepath.Join(t.TempDir(), "none.csv")}); err == nil {
		t.Error("missing exposure file accepted")
	}
	if err := run([]string{"cat", "--exposure", "x.csv", "--exposure-target", "0.2"}); !errors.Is(err, errUsage) {
		t.Errorf("both exposure flags: %v", err)
	}
	if err := run([]string{"exposure", "--target", "1.5"}); !errors.Is(err, errUsage) {
		t.Errorf("target 1.5: %v", err)
	}
}

// TestCATLearnPrior: on a population much weaker than the default prior,
// learning the prior from the earlier learners (the default, as the kiosk
// does) removes most of the estimates' upward bias.
func TestCATLearnPrior(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weak.csv")
	var b strings.Builder
	b.WriteString("id,equipement,internet,communiquer,documents,demarches\n")
	r := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "w%d", i)
		common := -1.3 + 0.6*r.NormFloat64()
		for d := 0; d < 5; d++ {
			fmt.Fprintf(&b, ",%.3f", common+0.4*r.NormFloat64())
		}
		b.WriteString("\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	report := func(args ...string) CATReport {
		var rep CATReport
		text := capture(t, append([]string{"cat", "--rule", "v1", "--population", path, "--json"}, args...)...)
		if err := json.Unmarshal([]byte(text), &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	learnt, plain := report(), report("--learn-prior=false")
	if !(plain.Adaptive.All.Bias > 0.2) || !(math.Abs(learnt.Adaptive.All.Bias) < plain.Adaptive.All.Bias/2) || !(learnt.Adaptive.All.RMSE < plain.Adaptive.All.RMSE) {
		t.Errorf("adaptive bias %+.3f RMSE %.3f learnt, %+.3f %.3f default prior",
			learnt.Adaptive.All.Bias, learnt.Adaptive.All.RMSE, plain.Adaptive.All.Bias, plain.Adaptive.All.RMSE)
	}
	if p := learnt.LearntPriors["internet"]; !(p.Mean < -0.8) || len(plain.LearntPriors) != 0 {
		t.Errorf("learnt priors %+v; without learning %+v", learnt.LearntPriors, plain.LearntPriors)
	}
}

// TestPopulationSpreadsheetForms: a population saved by a spreadsheet in a
// French locale (byte-order mark, semicolons, decimal commas, accented
// column names in another order, CRLF) reads the same as the plain CSV.
func TestPopulationSpreadsheetForms(t *testing.T) {
	domains := []string{"equipement", "internet", "demarches"}
	plain, err := parsePopulation(strings.NewReader("id,equipement,internet,demarches\nA,-1.5,0.25,2\nB,0,1,-0.5\n"), domains)
	if err != nil {
		t.Fatal(err)
	}
	french, err := parsePopulation(strings.NewReader("\ufeffId;Démarches;Équipement;Internet\r\nA;2;-1,5;0,25\r\nB;-0,5;0;1\r\n"), domains)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(plain) != fmt.Sprint(french) {
		t.Errorf("plain %v, French spreadsheet %v", plain, french)
	}
	noID, err := parsePopulation(strings.NewReader("equipement,internet,demarches\n1,2,3\n4,5,6\n"), domains)
	if err != nil || len(noID) != 2 || noID[1].id != "2" || noID[1].theta[2] != 6 {
		t.Errorf("without an id column: %v, %v", noID, err)
	}
	for _, bad := range []string{"", "id;equipement;internet;demarches\nA;1,2,3;0;0\n", "id,equipement,internet,demarches\nA,1,2\n"} {
		if _, err := parsePopulation(strings.NewReader(bad), domains); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestCalibrateIntoPack: the field-calibration loop on a copy of the
// default pack — answers, calibrate --out PACK/irt.csv, exposure --pack
// PACK --out PACK/irt.csv — gives a pack the content loader accepts, whose
// items carry the new parameters, and which cat then runs with.
func TestCalibrateIntoPack(t *testing.T) {
	dir := t.TempDir()
	pack := filepath.Join(dir, "pack")
	if err := os.CopyFS(pack, assets.DefaultPack()); err != nil {
		t.Fatal(err)
	}
	resp := filepath.Join(dir, "resp.jsonl")
	irt := filepath.Join(pack, content.IRTFile)
	capture(t, "responses", "--learners", "400", "--seed", "2", "--out", resp)
	// A journal also holds answers to items of other pack versions.
	f, err := os.OpenFile(resp, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, `{"learner": "L1", "item": "old-item", "domain": "internet", "correct": true}`)
	f.Close()
	capture(t, "calibrate", "--responses", resp, "--pack", pack, "--out", irt)
	p, err := content.Load(os.DirFS(pack))
	if err != nil {
		t.Fatalf("pack with calibrate's irt.csv: %v", err)
	}
	if data, _ := os.ReadFile(irt); strings.Contains(string(data), "old-item") {
		t.Error("calibrate --pack kept an item the pack does not have")
	}
	moved := 0
	for _, it := range p.Items {
		if content.IsQuestion(it.Kind) && *it.IRT != *content.SeedIRT(it.Level) {
			moved++
		}
	}
	if moved < 100 {
		t.Errorf("only %d items got calibrated parameters", moved)
	}
	capture(t, "exposure", "--rule", "v1", "--pack", pack, "--learners", "300", "--rounds", "3", "--target", "0.2", "--out", irt)
	if p, err = content.Load(os.DirFS(pack)); err != nil {
		t.Fatalf("pack with exposure's irt.csv: %v", err)
	}
	limited := 0
	for _, it := range p.Items {
		if it.IRT.Exposure > 0 && it.IRT.Exposure < 1 {
			limited++
		}
	}
	if limited == 0 {
		t.Error("no item got an exposure parameter")
	}
	var rep CATReport
	if err := json.Unmarshal([]byte(capture(t, "cat", "--rule", "v1", "--pack", pack, "--learners", "30", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep.ExposureControl, "pack") || rep.Config.Randomesque != 1 {
		t.Errorf("cat on the calibrated pack: control %q, randomesque %d", rep.ExposureControl, rep.Config.Randomesque)
	}
}

// TestCATSameFiguresOnAnyCores: the parallel part of cat adds up in the
// learners' order, so one core and several give the same report.
func TestCATSameFiguresOnAnyCores(t *testing.T) {
	args := []string{"cat", "--rule", "v1", "--learners", "150", "--seed", "5", "--json"}
	prev := runtime.GOMAXPROCS(1)
	one := capture(t, args...)
	runtime.GOMAXPROCS(4)
	four := capture(t, args...)
	runtime.GOMAXPROCS(prev)
	if one != four {
		t.Error("the report depends on the number of cores")
	}
}
