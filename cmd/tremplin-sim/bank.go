package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

// syntheticDomains names the domains of synthetic banks, after the default
// pack's (the engine itself knows no domain name).
var syntheticDomains = []string{"equipement", "internet", "communiquer", "documents", "demarches"}

// bankFlags are the flags choosing an item bank.
type bankFlags struct {
	synthetic int
	pack      string
	seed      uint64
}

func (b *bankFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&b.synthetic, "synthetic-items", 0, "use a synthetic bank of N items (varied a and b) instead of a pack")
	fs.StringVar(&b.pack, "pack", "", "use the content pack in DIR instead of the embedded default pack")
}

// load returns the bank and a description of it.
func (b *bankFlags) load() ([]assessment.Item, string, error) {
	switch {
	case b.synthetic > 0 && b.pack != "":
		return nil, "", fmt.Errorf("%w: --synthetic-items and --pack exclude each other", errUsage)
	case b.synthetic > 0:
		return syntheticBank(b.synthetic, b.seed), fmt.Sprintf("synthetic bank of %d items", b.synthetic), nil
	case b.pack != "":
		p, err := content.Load(os.DirFS(b.pack))
		if err != nil {
			return nil, "", fmt.Errorf("load pack %s: %w", b.pack, err)
		}
		return packBank(p), fmt.Sprintf("pack %s %s (%s)", p.Meta.ID, p.Meta.Version, b.pack), nil
	}
	p, err := content.Load(assets.DefaultPack())
	if err != nil {
		return nil, "", fmt.Errorf("load default pack: %w", err)
	}
	return packBank(p), fmt.Sprintf("default pack %s %s", p.Meta.ID, p.Meta.Version), nil
}

// packBank returns the pack's question items (the kinds the diagnostic
// shows) as the engine sees them, in the kiosk's order (app.ItemBank: the
// framework's domains in order); items without IRT parameters are seeded
// from their level by the engine.
func packBank(p *content.Pack) []assessment.Item {
	var bank []assessment.Item
	for _, it := range p.Questions() {
		item := assessment.Item{ID: it.ID, Domain: it.Domain, Skill: it.Skill, Level: it.Level}
		if it.IRT != nil {
			item.A, item.B, item.Exposure = it.IRT.A, it.IRT.B, it.IRT.Exposure
		}
		bank = append(bank, item)
	}
	return bank
}

// syntheticBank returns n items spread over the five domains, skills of
// about 4 items at levels 1–3, a = exp(N(0.15, 0.25²)) (median ≈ 1.16) and
// b = 1.5·(level − 2) + N(0, 0.5²).
func syntheticBank(n int, seed uint64) []assessment.Item {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	bank := make([]assessment.Item, 0, n)
	for i := 0; i < n; i++ {
		d := syntheticDomains[i%len(syntheticDomains)]
		k := i / len(syntheticDomains) // index within the domain
		perDomain := (n + len(syntheticDomains) - 1) / len(syntheticDomains)
		level := 1 + k*3/perDomain
		bank = append(bank, assessment.Item{
			ID: fmt.Sprintf("%s-%04d", d, k), Domain: d,
			Skill: fmt.Sprintf("%s-s%03d", d, k/4), Level: level,
			A: math.Exp(0.15 + 0.25*r.NormFloat64()),
			B: assessment.SeedLevelStep*float64(level-2) + 0.5*r.NormFloat64(),
		})
	}
	return bank
}
