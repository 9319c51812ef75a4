package app

import (
	"fmt"
	"strconv"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
)

// ItemBank returns the pack's items the kiosk can show, as the assessment
// engine sees them, the framework's domains in order: the diagnostic takes
// the domains in turn in this order, so a visitor starts with using the
// computer (equipement), not with typing an e-mail address.
func ItemBank(p *content.Pack) []assessment.Item {
	var bank []assessment.Item
	for _, it := range p.Questions() {
		if !supportedKinds[it.Kind] {
			continue
		}
		bank = append(bank, assessment.Item{ID: it.ID, Domain: it.Domain, Skill: it.Skill, Level: it.Level, A: it.IRT.A, B: it.IRT.B, Exposure: it.IRT.Exposure})
	}
	return bank
}

// AdaptiveDiagnostic starts the assessment package's adaptive diagnostic over
// the pack's items.
func AdaptiveDiagnostic(p *content.Pack, seed uint64) (Diagnostic, error) {
	return adaptiveDiagnostic(p, nil, nil, seed)
}

// adaptiveDiagnostic is AdaptiveDiagnostic with each domain's prior and
// the joint prior over all domains learnt from earlier visitors (nil: the
// default priors).
func adaptiveDiagnostic(p *content.Pack, priors map[string]assessment.Normal, mix *assessment.Mixture, seed uint64) (Diagnostic, error) {
	bank := ItemBank(p)
	cfg := assessment.ConfigForBank(bank)
	cfg.DomainPriors = priors
	cfg.Mixture = mix
	d, err := assessment.NewDiagnostic(bank, cfg, int64(seed))
	if err != nil {
		return nil, fmt.Errorf("start diagnostic on pack %s: %w", p.Meta.ID, err)
	}
	return d, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
