package assessment

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

var testDomains = []string{"equipement", "internet", "communiquer", "documents", "demarches"}

// testBank returns a bank of perDomain items per domain over 3 levels, 3
// items per skill, with seeded parameters when calibrated is false and
// varied ones otherwise.
func testBank(perDomain int, calibrated bool, seed uint64) []Item {
	r := rand.New(rand.NewPCG(seed, 7))
	var bank []Item
	for _, d := range testDomains {
		for i := 0; i < perDomain; i++ {
			level := 1 + i*3/perDomain
			it := Item{ID: fmt.Sprintf("%s-%03d", d, i), Domain: d, Skill: fmt.Sprintf("%s-s%02d", d, i/3), Level: level}
			if calibrated {
				it.A = math.Exp(0.2 + 0.25*r.NormFloat64())
				it.B = 1.5*float64(level-2) + 0.5*r.NormFloat64()
			}
			bank = append(bank, it)
		}
	}
	return bank
}

// simulate answers d's items for a learner of abilities theta (by domain)
// until the diagnostic stops or maxLen answers.
func simulate(t testing.TB, d *Diagnostic, theta map[string]float64, r *rand.Rand, maxLen int) {
	t.Helper()
	byID := map[string]Item{}
	for _, it := range d.Bank() {
		byID[it.ID] = it
	}
	for n := 0; n < maxLen; n++ {
		id, ok := d.Next()
		if !ok {
			return
		}
		it := byID[id]
		o := Incorrect
		if r.Float64() < Prob(it.A, it.B, theta[it.Domain]) {
			o = Correct
		}
		if err := d.Record(id, o); err != nil {
			t.Fatal(err)
		}
	}
}

// answer is simulate with answers that depend only on the item: the same
// learner answers the same way whatever the order.
func answer(t testing.TB, d *Diagnostic, theta map[string]float64, maxLen int) {
	t.Helper()
	byID := map[string]Item{}
	for _, it := range d.Bank() {
		byID[it.ID] = it
	}
	for n := 0; n < maxLen; n++ {
		id, ok := d.Next()
		if !ok {
			return
		}
		it := byID[id]
		var h uint64 = 14695981039346656037
		for _, c := range []byte(id) {
			h = (h ^ uint64(c)) * 1099511628211
		}
		o := Incorrect
		if float64(h%10007)/10007 < Prob(it.A, it.B, theta[it.Domain]) {
			o = Correct
		}
		if err := d.Record(id, o); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSeedParams(t *testing.T) {
	for level, want := range map[int]float64{1: -1.5, 2: 0, 3: 1.5} {
		a, b, err := SeedParams(level)
		if err != nil || a != SeedA || b != want {
			t.Errorf("SeedParams(%d) = %v, %v, %v; want %v, %v", level, a, b, err, SeedA, want)
		}
	}
	if _, _, err := SeedParams(4); err == nil {
		t.Error("SeedParams(4) gave no error")
	}
	bank, err := SeedBank([]Item{{ID: "x", Level: 3}, {ID: "y", Level: 9, A: 2, B: 0.3}})
	if err != nil || bank[0].A != SeedA || bank[0].B != 1.5 || bank[1].A != 2 || bank[1].B != 0.3 {
		t.Errorf("SeedBank = %+v, %v", bank, err)
	}
}

func TestNewDiagnosticErrors(t *testing.T) {
	good := testBank(6, false, 1)
	badCfg := DefaultConfig()
	badCfg.Randomesque = 0
	cases := map[string]struct {
		bank []Item
		cfg  Config
	}{
		"empty bank":    {nil, DefaultConfig()},
		"duplicate id":  {append(append([]Item(nil), good...), good[0]), DefaultConfig()},
		"no level":      {[]Item{{ID: "x", Domain: "d"}}, DefaultConfig()},
		"no domain":     {[]Item{{ID: "x", Level: 1}}, DefaultConfig()},
		"no id":         {[]Item{{Domain: "d", Level: 1}}, DefaultConfig()},
		"negative a":    {[]Item{{ID: "x", Domain: "d", A: -1}}, DefaultConfig()},
		"nan b":         {[]Item{{ID: "x", Domain: "d", A: 1, B: math.NaN()}}, DefaultConfig()},
		"bad config":    {good, badCfg},
		"zero config":   {good, Config{}},
		"unsorted cuts": {good, func() Config { c := DefaultConfig(); c.Cuts = []float64{1, 0}; return c }()},
		"band conf > 1": {good, func() Config { c := DefaultConfig(); c.BandConfidence = 1.5; return c }()},
		"progressive":   {good, func() Config { c := DefaultConfig(); c.Progressive = -0.1; return c }()},
	}
	for name, c := range cases {
		if _, err := NewDiagnostic(c.bank, c.cfg, 1); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestDiagnosticFlow(t *testing.T) {
	bank := testBank(30, false, 1)
	cfg := DefaultConfig()
	d, err := NewDiagnostic(bank, cfg, 42)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Domains(); fmt.Sprint(got) != fmt.Sprint(testDomains) {
		t.Fatalf("Domains = %v", got)
	}
	seen := map[string]bool{}
	perDomain := map[string]int{}
	levelOf := map[string]Item{}
	for _, it := range d.Bank() {
		levelOf[it.ID] = it
	}
	r := rand.New(rand.NewPCG(3, 3))
	for step := 0; ; step++ {
		id, ok := d.Next()
		if !ok {
			break
		}
		if again, _ := d.Next(); again != id {
			t.Fatalf("Next not stable before Record: %q then %q", id, again)
		}
		if seen[id] {
			t.Fatalf("item %q given twice", id)
		}
		seen[id] = true
		it := levelOf[id]
		if perDomain[it.Domain] == 0 && it.Level != 1 {
			t.Errorf("first item of %s is level %d, want an easy one", it.Domain, it.Level)
		}
		// Domains take turns: the first five items cover the five domains.
		if step < len(testDomains) && perDomain[it.Domain] != 0 {
			t.Errorf("item %d repeats domain %s before every domain had one", step, it.Domain)
		}
		perDomain[it.Domain]++
		o := []Outcome{Correct, Incorrect, DontKnow}[r.IntN(3)]
		if err := d.Record(id, o); err != nil {
			t.Fatal(err)
		}
	}
	if d.Len() > cfg.MaxItems {
		t.Errorf("%d items, over the maximum %d", d.Len(), cfg.MaxItems)
	}
	for dom, n := range perDomain {
		if n > cfg.MaxPerDomain {
			t.Errorf("%s: %d items, over the cap %d", dom, n, cfg.MaxPerDomain)
		}
	}
	for _, res := range d.Results() {
		if !res.Done {
			t.Errorf("%s not done at the end: %+v", res.Domain, res)
		}
		if !(res.SE < cfg.SEThreshold) && !(res.BandProb >= cfg.BandConfidence) && res.Items < cfg.MaxPerDomain {
			t.Errorf("%s stopped with SE %.2f and band probability %.2f after %d items", res.Domain, res.SE, res.BandProb, res.Items)
		}
		if res.Items != perDomain[res.Domain] || res.Correct+res.DontKnow > res.Items {
			t.Errorf("%s counts %+v, given %d", res.Domain, res, perDomain[res.Domain])
		}
	}
}

func TestRecordErrors(t *testing.T) {
	d, err := NewDiagnostic(testBank(6, false, 1), DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := d.Next()
	if err := d.Record("nope", Correct); !errors.Is(err, ErrUnknownItem) {
		t.Errorf("unknown item: %v", err)
	}
	if err := d.Record(id, Outcome(7)); err == nil {
		t.Error("bad outcome accepted")
	}
	if err := d.Record(id, Correct); err != nil {
		t.Fatal(err)
	}
	if err := d.Record(id, Correct); !errors.Is(err, ErrRepeated) {
		t.Errorf("repeated item: %v", err)
	}
}

func TestEstimation(t *testing.T) {
	bank := []Item{{ID: "a", Domain: "d", Level: 2}, {ID: "b", Domain: "d", Level: 2}}
	d, _ := NewDiagnostic(bank, DefaultConfig(), 1)
	r := d.Results()[0]
	if math.Abs(r.Theta) > 1e-9 || math.Abs(r.SE-1) > 0.01 {
		t.Errorf("prior result %+v, want theta 0, SE 1", r)
	}
	right, _ := NewDiagnostic(bank, DefaultConfig(), 1)
	_ = right.Record("a", Correct)
	wrong, _ := NewDiagnostic(bank, DefaultConfig(), 1)
	_ = wrong.Record("a", Incorrect)
	dk, _ := NewDiagnostic(bank, DefaultConfig(), 1)
	_ = dk.Record("a", DontKnow)
	rt, wt, kt := right.Results()[0], wrong.Results()[0], dk.Results()[0]
	if !(rt.Theta > 0.3) || math.Abs(rt.Theta+wt.Theta) > 1e-9 || rt.SE >= 1 {
		t.Errorf("one right answer %+v, one wrong %+v: want symmetric estimates and a smaller SE", rt, wt)
	}
	if kt.Theta != wt.Theta || kt.DontKnow != 1 || dk.Answers()[0].Outcome != DontKnow {
		t.Errorf("don't know %+v should score as wrong %+v and be kept as DontKnow", kt, wt)
	}
	// Closed form check of one answer: posterior ∝ φ(θ)·P(θ) integrated finely.
	var s0, s1 float64
	for x := -8.0; x <= 8; x += 0.0005 {
		w := math.Exp(-x*x/2) * Prob(SeedA, 0, x)
		s0 += w
		s1 += w * x
	}
	if want := s1 / s0; math.Abs(rt.Theta-want) > 0.005 {
		t.Errorf("EAP %v, numerical integral %v", rt.Theta, want)
	}
}

func TestRecovery(t *testing.T) {
	bank := testBank(40, true, 2)
	cfg := DefaultConfig()
	cfg.SEThreshold, cfg.MaxPerDomain, cfg.MaxItems = 0.4, 10, 50
	cfg.BandConfidence = 0 // precision of θ, not classification
	cfg.CrossDomain = 0    // the simulated domains are independent
	r := rand.New(rand.NewPCG(9, 9))
	var se2, n float64
	var sx, sy, sxx, syy, sxy float64
	for l := 0; l < 300; l++ {
		theta := map[string]float64{}
		for _, dom := range testDomains {
			theta[dom] = r.NormFloat64()
		}
		d, err := NewDiagnostic(bank, cfg, int64(l))
		if err != nil {
			t.Fatal(err)
		}
		simulate(t, d, theta, r, 1000)
		for _, res := range d.Results() {
			x, y := theta[res.Domain], res.Theta
			se2 += (x - y) * (x - y)
			n++
			sx, sy, sxx, syy, sxy = sx+x, sy+y, sxx+x*x, syy+y*y, sxy+x*y
		}
	}
	rmse := math.Sqrt(se2 / n)
	corr := (n*sxy - sx*sy) / math.Sqrt((n*sxx-sx*sx)*(n*syy-sy*sy))
	t.Logf("RMSE %.3f, correlation %.3f", rmse, corr)
	if rmse > 0.55 || corr < 0.85 {
		t.Errorf("RMSE %.3f, correlation %.3f; want ≤ 0.55 and ≥ 0.85", rmse, corr)
	}
}

func TestStopAnyTime(t *testing.T) {
	d, _ := NewDiagnostic(testBank(30, false, 1), DefaultConfig(), 5)
	simulate(t, d, map[string]float64{}, rand.New(rand.NewPCG(1, 1)), 3)
	d.Stop()
	if _, ok := d.Next(); ok || !d.Done() {
		t.Error("Next after Stop still gives an item")
	}
	res := d.Results()
	if len(res) != 5 {
		t.Fatalf("%d results", len(res))
	}
	for _, r := range res {
		if !(r.SE > 0) || r.BandProb <= 0 || r.BandProb > 1+1e-9 {
			t.Errorf("result without uncertainty: %+v", r)
		}
	}
	// With CrossDomain the other domains' answers narrow its prior, never
	// below the SD given one domain known exactly.
	if rho := DefaultConfig().CrossDomain; res[4].Items != 0 || res[4].SE < math.Sqrt(1-rho*rho)-1e-9 || res[4].SE > 1+1e-9 {
		t.Errorf("unanswered domain %+v should keep (about) the prior's SE", res[4])
	}
}

func TestSEStopping(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SEThreshold = 0.95
	cfg.MinPerDomain = 1
	d, _ := NewDiagnostic(testBank(30, false, 1), cfg, 5)
	simulate(t, d, map[string]float64{}, rand.New(rand.NewPCG(1, 1)), 100)
	if d.Len() != 5 {
		t.Errorf("with SE threshold 0.95 the test took %d items, want 1 per domain", d.Len())
	}
	cfg.SEThreshold = 0
	cfg.MaxItems = 12
	d, _ = NewDiagnostic(testBank(30, false, 1), cfg, 5)
	simulate(t, d, map[string]float64{}, rand.New(rand.NewPCG(1, 1)), 100)
	if d.Len() != 12 {
		t.Errorf("global maximum 12: took %d items", d.Len())
	}
}

func TestBandConfidenceStopping(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SEThreshold = 0
	cfg.BandConfidence = 0.7
	cfg.MinPerDomain = 2
	cfg.MaxPerDomain = 15
	cfg.MaxItems = 100
	cfg.Progressive = 0
	bank := testBank(30, false, 1)
	// Far from every cut, a visitor stops well before the cap; near a cut
	// (θ = 0), more items. A domain stops exactly when its band probability
	// first reaches the threshold after MinPerDomain items, or at the cap.
	lengths := map[float64]float64{}
	for _, theta := range []float64{-3, 0, 0.75, 3} {
		total := 0
		for l := 0; l < 30; l++ {
			d, _ := NewDiagnostic(bank, cfg, int64(l))
			r := rand.New(rand.NewPCG(uint64(l), 2))
			byID := map[string]Item{}
			for _, it := range d.Bank() {
				byID[it.ID] = it
			}
			for id, ok := d.Next(); ok; id, ok = d.Next() {
				it := byID[id]
				ds := d.domains[d.domOf[d.index[id]]]
				if ds.done {
					t.Fatalf("θ %v: item %s proposed in a stopped domain", theta, id)
				}
				o := Incorrect
				if r.Float64() < Prob(it.A, it.B, theta) {
					o = Correct
				}
				if err := d.Record(id, o); err != nil {
					t.Fatal(err)
				}
				_, prob, _ := d.BandEstimate(it.Domain)
				want := ds.n >= cfg.MaxPerDomain || (ds.n >= cfg.MinPerDomain && prob >= cfg.BandConfidence)
				if ds.done != want {
					t.Fatalf("θ %v: after %d items band prob %.3f, done %v", theta, ds.n, prob, ds.done)
				}
			}
			for _, res := range d.Results() {
				if !res.Done || (res.Items < cfg.MaxPerDomain && res.BandProb < cfg.BandConfidence) {
					t.Errorf("θ %v: %s stopped at %d items with band prob %.3f", theta, res.Domain, res.Items, res.BandProb)
				}
			}
			total += d.Len()
		}
		lengths[theta] = float64(total) / 30
	}
	t.Logf("mean lengths by ability: %v", lengths)
	if !(lengths[-3] < lengths[0] && lengths[3] < lengths[0] && lengths[0.75] < lengths[0]) {
		t.Errorf("mean lengths by ability %v: far from the cuts should stop early", lengths)
	}
}

func TestProgressiveKeepsEasyFirstItem(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Progressive = 1
	bank := testBank(30, false, 1)
	for l := 0; l < 50; l++ {
		d, _ := NewDiagnostic(bank, cfg, int64(l))
		id, _ := d.Next()
		if it := d.bank[d.index[id]]; it.Level != 1 {
			t.Fatalf("seed %d: first item %s at level %d, want an easy one", l, id, it.Level)
		}
	}
}

// TestExposureCap runs a seeded population through the default diagnostic
// on a 200-item bank with seeded parameters, like the default pack's, and
// checks that no item reaches more than 30 % of the learners. (A calibrated
// bank with a few very discriminating items exceeds it: docs/assessment.md.)
func TestExposureCap(t *testing.T) {
	for _, calibrated := range []bool{false} {
		bank := testBank(40, calibrated, 3)
		count := map[string]int{}
		const learners = 400
		r := rand.New(rand.NewPCG(11, 12))
		for l := 0; l < learners; l++ {
			theta := map[string]float64{}
			for _, dom := range testDomains {
				theta[dom] = r.NormFloat64()
			}
			d, _ := NewDiagnostic(bank, DefaultConfig(), int64(l))
			simulate(t, d, theta, r, 1000)
			for _, a := range d.Answers() {
				count[a.Item]++
			}
		}
		for id, c := range count {
			if rate := float64(c) / learners; rate > 0.30 {
				t.Errorf("calibrated %v: item %s given to %.1f %% of learners", calibrated, id, 100*rate)
			}
		}
	}
}

func TestExhaustedBank(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SEThreshold = 0
	d, _ := NewDiagnostic([]Item{{ID: "a", Domain: "x", Level: 1}, {ID: "b", Domain: "x", Level: 3}}, cfg, 1)
	simulate(t, d, map[string]float64{}, rand.New(rand.NewPCG(1, 1)), 100)
	if d.Len() != 2 {
		t.Errorf("took %d items from a bank of 2", d.Len())
	}
}

func TestResume(t *testing.T) {
	bank := testBank(40, true, 4)
	prog := DefaultConfig()
	prog.Progressive = 1 // random draws for every item: resume must replay them
	cross := DefaultConfig()
	cross.CrossDomain = 0.7 // every answer moves every domain's prior
	indep := DefaultConfig()
	indep.CrossDomain = 0
	for _, cfg := range []Config{DefaultConfig(), prog, cross, indep} {
		testResume(t, bank, cfg)
	}
}

func testResume(t *testing.T, bank []Item, cfg Config) {
	for _, cut := range []int{0, 1, 7, 13} {
		ref, _ := NewDiagnostic(bank, cfg, 99)
		theta := map[string]float64{"internet": 1, "documents": -1}
		answer(t, ref, theta, cut)
		if cut%2 == 1 {
			ref.Next() // an item is on screen when the kiosk is interrupted
		}
		data, err := ref.MarshalState()
		if err != nil {
			t.Fatal(err)
		}
		got, err := RestoreDiagnostic(bank, data)
		if err != nil {
			t.Fatalf("cut %d: %v", cut, err)
		}
		answer(t, ref, theta, 1000)
		answer(t, got, theta, 1000)
		if fmt.Sprint(ref.Answers()) != fmt.Sprint(got.Answers()) {
			t.Errorf("cut %d: resumed diagnostic diverged:\n%v\n%v", cut, ref.Answers(), got.Answers())
		}
		if fmt.Sprint(ref.Results()) != fmt.Sprint(got.Results()) {
			t.Errorf("cut %d: results differ", cut)
		}
	}
}

func TestRestoreErrors(t *testing.T) {
	bank := testBank(6, false, 1)
	d, _ := NewDiagnostic(bank, DefaultConfig(), 1)
	id, _ := d.Next()
	_ = d.Record(id, Correct)
	data, _ := d.MarshalState()
	for name, c := range map[string]struct {
		bank []Item
		data string
	}{
		"not json":      {bank, "{"},
		"wrong version": {bank, `{"version":9}`},
		"other bank":    {testBank(6, false, 1)[6:], string(data)},
		"bad config":    {bank, `{"version":1,"config":{}}`},
		"bad rng":       {bank, `{"version":1,"config":` + mustJSON(DefaultConfig()) + `,"rng":"AAAA"}`},
	} {
		if _, err := RestoreDiagnostic(c.bank, []byte(c.data)); !errors.Is(err, ErrBadState) {
			t.Errorf("%s: error %v, want ErrBadState", name, err)
		}
	}
}

func mustJSON(c Config) string {
	d, _ := NewDiagnostic([]Item{{ID: "a", Domain: "x", Level: 1}}, c, 1)
	data, _ := d.MarshalState()
	s := string(data)
	start := len(`{"version":1,"config":`)
	depth := 0
	for i := start; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return s[start : i+1]
			}
		}
	}
	return ""
}

func TestRecommended(t *testing.T) {
	bank := testBank(30, false, 1)
	cfg := DefaultConfig()
	low, _ := NewDiagnostic(bank, cfg, 1)
	high, _ := NewDiagnostic(bank, cfg, 1)
	for _, c := range []struct {
		d *Diagnostic
		o Outcome
	}{{low, Incorrect}, {high, Correct}} {
		for id, ok := c.d.Next(); ok; id, ok = c.d.Next() {
			_ = c.d.Record(id, c.o)
		}
	}
	for i, r := range low.Results() {
		if r.Band != 0 || len(r.Recommended) != 10 || r.Recommended[0] != r.Domain+"-s00" {
			t.Errorf("weak learner %s: band %d, recommended %v; want band 0, all 10 skills, easiest first", r.Domain, r.Band, r.Recommended)
		}
		h := high.Results()[i]
		if h.Band != 3 || len(h.Recommended) != 0 {
			t.Errorf("strong learner %s: band %d, recommended %v", h.Domain, h.Band, h.Recommended)
		}
	}
}

func TestExposureSpread(t *testing.T) {
	// Tied items (same seeded parameters) must share exposure, not favour
	// the first ones of the bank.
	bank := testBank(36, false, 1)
	count := map[string]int{}
	for l := 0; l < 400; l++ {
		d, _ := NewDiagnostic(bank, DefaultConfig(), int64(l))
		id, _ := d.Next()
		count[id]++
	}
	if len(count) < 10 {
		t.Errorf("first item drawn from only %d items: %v", len(count), count)
	}
}

func benchBank(n int) []Item {
	r := rand.New(rand.NewPCG(1, 2))
	bank := make([]Item, n)
	for i := range bank {
		d := testDomains[i%len(testDomains)]
		bank[i] = Item{ID: fmt.Sprintf("i%05d", i), Domain: d, Skill: fmt.Sprintf("%s-s%03d", d, i%250/5),
			Level: 1 + i%3, A: math.Exp(0.2 + 0.25*r.NormFloat64()), B: r.NormFloat64() * 1.5}
	}
	return bank
}

// BenchmarkNext measures choosing the next item on a bank of 5 000 items
// (1 000 per domain) after 10 answers, with the default config.
func BenchmarkNext(b *testing.B) {
	bank := benchBank(5000)
	cfg := DefaultConfig()
	d, err := NewDiagnostic(bank, cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	simulate(b, d, map[string]float64{}, rand.New(rand.NewPCG(1, 1)), 10)
	b.ResetTimer()
	for b.Loop() {
		d.pending = ""
		if _, ok := d.Next(); !ok {
			b.Fatal("no item")
		}
	}
}

// BenchmarkNextOneDomain is BenchmarkNext with all 5 000 items in one domain.
func BenchmarkNextOneDomain(b *testing.B) {
	bank := benchBank(5000)
	for i := range bank {
		bank[i].Domain = "x"
	}
	cfg := DefaultConfig()
	cfg.SEThreshold = 0
	cfg.BandConfidence = 0
	cfg.MaxPerDomain = 100
	d, _ := NewDiagnostic(bank, cfg, 1)
	simulate(b, d, map[string]float64{}, rand.New(rand.NewPCG(1, 1)), 10)
	for b.Loop() {
		d.pending = ""
		if _, ok := d.Next(); !ok {
			b.Fatal("no item")
		}
	}
}

// BenchmarkRecord measures taking an answer and updating the estimate.
func BenchmarkRecord(b *testing.B) {
	bank := benchBank(5000)
	cfg := DefaultConfig()
	cfg.MaxItems = 1 << 30
	cfg.MaxPerDomain = 1 << 30
	cfg.SEThreshold = 0
	d, _ := NewDiagnostic(bank, cfg, 1)
	i := 0
	for b.Loop() {
		if i == len(bank) {
			b.StopTimer()
			d, _ = NewDiagnostic(bank, cfg, 1)
			i = 0
			b.StartTimer()
		}
		_ = d.Record(bank[i].ID, Outcome(i%2))
		i++
	}
}

// TestCrossDomainPrior: the other domains' answers move a domain's prior
// toward them, more with a higher ρ, and not at all at ρ = 0.
func TestCrossDomainPrior(t *testing.T) {
	bank := testBank(20, true, 3)
	theta := func(rho float64, o Outcome) (float64, float64) {
		cfg := DefaultConfig()
		cfg.CrossDomain = rho
		d, err := NewDiagnostic(bank, cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		// Three answers in every domain but the last.
		for _, it := range d.Bank() {
			if it.Domain != testDomains[4] && d.skillCount(it.Domain) < 3 {
				if err := d.Record(it.ID, o); err != nil {
					t.Fatal(err)
				}
			}
		}
		th, se, n, _ := d.Estimate(testDomains[4])
		if n != 0 {
			t.Fatalf("last domain has %d answers", n)
		}
		return th, se
	}
	fresh, _ := NewDiagnostic(bank, DefaultConfig(), 1)
	th0, se0, _, _ := fresh.Estimate(testDomains[4])
	if th, se := theta(0, Incorrect); th != th0 || se != se0 {
		t.Errorf("ρ = 0: unanswered domain at %v ± %v, want the prior's %v ± %v", th, se, th0, se0)
	}
	lo3, se3 := theta(0.3, Incorrect)
	lo7, se7 := theta(0.7, Incorrect)
	hi7, _ := theta(0.7, Correct)
	if !(lo7 < lo3 && lo3 < -0.1) || !(hi7 > 0.1) {
		t.Errorf("prior means %v (ρ 0.3, all wrong), %v (ρ 0.7, all wrong), %v (ρ 0.7, all right): not moved toward the evidence", lo3, lo7, hi7)
	}
	if !(se7 < se3 && se3 < 1 && se7 >= math.Sqrt(1-0.49)-1e-9) {
		t.Errorf("prior SDs %v (ρ 0.3), %v (ρ 0.7): want in [√(1−ρ²), 1), narrower for higher ρ", se3, se7)
	}
}

// TestCrossDomainOff: at ρ = 0 each domain's estimate is exactly that of a
// diagnostic holding that domain alone (the old, independent estimate).
func TestCrossDomainOff(t *testing.T) {
	bank := testBank(20, true, 5)
	cfg := DefaultConfig()
	cfg.CrossDomain = 0
	d, _ := NewDiagnostic(bank, cfg, 7)
	answer(t, d, map[string]float64{"internet": 1.5, "documents": -1.5}, 1000)
	for _, dom := range testDomains {
		var alone []Item
		for _, it := range bank {
			if it.Domain == dom {
				alone = append(alone, it)
			}
		}
		one, _ := NewDiagnostic(alone, cfg, 7)
		for _, a := range d.Answers() {
			if one.hasItem(a.Item) {
				if err := one.Record(a.Item, a.Outcome); err != nil {
					t.Fatal(err)
				}
			}
		}
		th, se, _, _ := d.Estimate(dom)
		th1, se1, _, _ := one.Estimate(dom)
		if th != th1 || se != se1 {
			t.Errorf("%s: %v ± %v with the other domains, %v ± %v alone", dom, th, se, th1, se1)
		}
	}
}

func (d *Diagnostic) skillCount(domain string) int {
	_, _, n, _ := d.Estimate(domain)
	return n
}

func (d *Diagnostic) hasItem(id string) bool {
	_, ok := d.index[id]
	return ok
}

func TestSympsonHetter(t *testing.T) {
	// One domain where "star" is by far the most informative item at every
	// ability the test visits: without exposure control every visitor gets
	// it first; with Exposure 0.2 about one in five does.
	bank := []Item{{ID: "star", Domain: "x", Skill: "s0", A: 3, B: -1.5}}
	for i := 0; i < 20; i++ {
		bank = append(bank, Item{ID: fmt.Sprintf("i%02d", i), Domain: "x", Skill: fmt.Sprintf("s%d", i+1), A: 0.8, B: -1.5 + 0.15*float64(i)})
	}
	cfg := DefaultConfig()
	cfg.Randomesque, cfg.Progressive, cfg.MaxPerDomain, cfg.MaxItems = 1, 0, 1, 1
	givenStar := func(k float64) (given, passed int) {
		b := append([]Item(nil), bank...)
		b[0].Exposure = k
		for l := 0; l < 2000; l++ {
			d, err := NewDiagnostic(b, cfg, int64(l))
			if err != nil {
				t.Fatal(err)
			}
			id, _ := d.Next()
			if id == "star" {
				given++
			}
			if p := d.Passed(); len(p) == 1 && p[0] == "star" {
				passed++
			}
		}
		return given, passed
	}
	for _, k := range []float64{0, 1} {
		if g, p := givenStar(k); g != 2000 || p != 0 {
			t.Errorf("exposure %v: star given %d times, passed %d, want 2000 and 0", k, g, p)
		}
	}
	g, p := givenStar(0.2)
	if g < 330 || g > 470 || g+p != 2000 {
		t.Errorf("exposure 0.2: star given %d / 2000 times (passed %d), want about 400 and the rest passed", g, p)
	}

	// Every item of the domain passed: the test still goes on.
	all := append([]Item(nil), bank[:3]...)
	for i := range all {
		all[i].Exposure = 1e-9
	}
	cfg = DefaultConfig()
	cfg.SEThreshold, cfg.BandConfidence = 0, 0
	d, _ := NewDiagnostic(all, cfg, 1)
	simulate(t, d, map[string]float64{"x": 0}, rand.New(rand.NewPCG(1, 2)), 10)
	if d.Len() != 3 {
		t.Errorf("bank of 3 items all passed: %d answers, want 3", d.Len())
	}

	if _, err := NewDiagnostic([]Item{{ID: "a", Domain: "x", Level: 1, Exposure: -0.5}}, DefaultConfig(), 1); err == nil {
		t.Error("negative exposure parameter accepted")
	}
}

func TestResumeWithPassedItems(t *testing.T) {
	bank := testBank(40, true, 5)
	for i := range bank {
		bank[i].Exposure = 0.5 // half the selections are passed
	}
	testResume(t, bank, DefaultConfig())

	d, _ := NewDiagnostic(bank, DefaultConfig(), 3)
	answer(t, d, map[string]float64{}, 6)
	if len(d.Passed()) == 0 {
		t.Fatal("no item passed with exposure 0.5")
	}
	data, _ := d.MarshalState()
	got, err := RestoreDiagnostic(bank, data)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Passed()) != fmt.Sprint(d.Passed()) {
		t.Errorf("passed items %v restored as %v", d.Passed(), got.Passed())
	}
	bad := []byte(strings.Replace(string(data), `"passed":["`, `"passed":["nope","`, 1))
	if _, err := RestoreDiagnostic(bank, bad); !errors.Is(err, ErrBadState) {
		t.Errorf("state with an unknown passed item: %v, want ErrBadState", err)
	}
}

func TestConfigForBank(t *testing.T) {
	bank := testBank(5, false, 1)
	if c := ConfigForBank(bank); c.Randomesque != RobustConfig().Randomesque || c.Progressive != RobustConfig().Progressive || c.Randomesque < 2 {
		t.Errorf("bank without exposure parameters: %+v", c)
	}
	bank[3].Exposure = 0.4
	if c := ConfigForBank(bank); c.Randomesque != 1 || c.Progressive != 0 {
		t.Errorf("bank with exposure parameters: randomesque %d progressive %v", c.Randomesque, c.Progressive)
	}
}

// TestGridInterval: the central interval of a posterior on the grid holds
// the asked mass, and a normal posterior gives about ±1.96 SD.
func TestGridInterval(t *testing.T) {
	g := newGrid(161, -4, 4, 0, 1)
	post := make([]float64, len(g.theta))
	ll := make([]float64, len(g.theta))
	g.moments(ll, post, func(i int) float64 { return -0.5 * (g.theta[i] - 0.5) * (g.theta[i] - 0.5) / 0.25 })
	lo, hi := GridInterval(g.theta, post, 0.95)
	if math.Abs(lo-(0.5-1.96*0.5)) > 0.02 || math.Abs(hi-(0.5+1.96*0.5)) > 0.02 {
		t.Errorf("N(0.5, 0.5) interval [%.3f, %.3f]", lo, hi)
	}
	d, err := NewDiagnostic(testBank(20, false, 1), DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	dom := d.Domains()[0]
	lo, hi, ok := d.Interval(dom, 0.95)
	if !ok || !(lo < -1.5 && hi > 1.5) {
		t.Errorf("prior interval [%.2f, %.2f] %v", lo, hi, ok)
	}
	if _, _, ok := d.Interval(dom, 1); ok {
		t.Error("level 1 accepted")
	}
}

// BenchmarkRecordRobust is BenchmarkRecord under RobustConfig with a
// three-component joint prior: every answer re-conditions every domain's
// prior over the patterns of departing domains.
func BenchmarkRecordRobust(b *testing.B) {
	bank := benchBank(5000)
	cfg := RobustConfig()
	cfg.MaxItems, cfg.MaxPerDomain, cfg.SEThreshold, cfg.BandConfidence = 1<<30, 1<<30, 0, 0
	probe, _ := NewDiagnostic(bank, cfg, 1)
	doms := probe.Domains()
	m := equicorrelated(doms, make([]Normal, len(doms)), 0.6)
	for i := range doms {
		m.Components[0].Cov[i*len(doms)+i] = 1
	}
	c := m.Components[0]
	m.Components = nil
	for k, shift := range []float64{-1.5, 0, 1.5} {
		comp := Component{Weight: []float64{0.2, 0.6, 0.2}[k], Mean: make([]float64, len(doms)), Cov: c.Cov}
		for i := range comp.Mean {
			comp.Mean[i] = shift
		}
		m.Components = append(m.Components, comp)
	}
	cfg.Mixture = m
	d, err := NewDiagnostic(bank, cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if i == 40 {
			b.StopTimer()
			d, _ = NewDiagnostic(bank, cfg, 1)
			i = 0
			b.StartTimer()
		}
		_ = d.Record(bank[i].ID, Outcome(i%2))
		i++
	}
}
