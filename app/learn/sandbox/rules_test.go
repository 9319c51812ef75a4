package sandbox

import (
	"testing"

	"github.com/tremplin-numerique/tremplin/content"
)

func TestRuleHolds(t *testing.T) {
	cases := []struct {
		rule  content.Rule
		value string
		want  bool
	}{
		{content.Rule{Field: "body", Values: []string{"oui"}}, "Oui, je viens.", true},
		{content.Rule{Field: "body", Values: []string{"oui"}}, "Ouille", false},
		{content.Rule{Field: "body", Values: []string{"je viendrai"}}, "Bonjour, je viendrais mardi", true},
		{content.Rule{Field: "body", Values: []string{"attestation CAF"}}, "voici mon attestation de la CAF", false},
		{content.Rule{Field: "subject", Op: "equals", Values: []string{"Candidature"}}, " candidature ", true},
		{content.Rule{Field: "subject", Op: "equals", Values: []string{"Candidature"}}, "Demande de rendez-vous", false},
		{content.Rule{Field: "subject", Op: "not-empty"}, "  ", false},
		{content.Rule{Field: "subject", Op: "empty"}, "", true},
		{content.Rule{Field: "to", Op: "equals", Values: []string{"marie@orange.fr"}}, "Marie@Orange.fr ", true},
		{content.Rule{Field: "to", Op: "equals", Values: []string{"marie@orange.fr"}}, "marie@orange.fr, paul@free.fr", false},
		{content.Rule{Field: "to", Values: []string{"marie@orange.fr"}}, "paul@free.fr; marie@orange.fr", true},
		{content.Rule{Field: "to", Values: []string{"marie@orange.fr"}}, "marie@orange.com", false},
		{content.Rule{Field: "attachment", Op: "equals", Values: []string{"cv.pdf"}}, "cv.pdf", true},
		{content.Rule{Field: "attachment", Op: "equals", Values: []string{"cv.pdf"}}, "cv.pdf\nphoto.jpg", false},
		{content.Rule{Field: "attachment", Values: []string{"cv.pdf"}}, "photo.jpg\ncv.pdf", true},
		{content.Rule{Field: "attachment", Values: []string{"cv.pdf"}}, "CV.pdf", false},
		{content.Rule{Field: "attachment", Op: "empty"}, "", true},
	}
	for _, c := range cases {
		if got := ruleHolds(c.rule, map[string]string{c.rule.Field: c.value}); got != c.want {
			t.Errorf("%+v on %q: %v, want %v", c.rule, c.value, got, c.want)
		}
	}
}

// FuzzRuleHolds feeds typed text to every kind of rule: never a panic.
func FuzzRuleHolds(f *testing.F) {
	f.Add("Oui, je viens.", "oui")
	f.Add("a@b.fr, c@d.fr", "c@d.fr")
	f.Add("\xff\xfe", "")
	f.Fuzz(func(t *testing.T, typed, value string) {
		for _, field := range content.RuleFields {
			for _, op := range []string{"", content.OpEquals, content.OpNotEmpty, content.OpEmpty} {
				ruleHolds(content.Rule{Field: field, Op: op, Values: []string{value}}, map[string]string{field: typed})
			}
		}
	})
}
