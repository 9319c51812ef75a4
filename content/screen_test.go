package content

import (
	"strings"
	"testing"
)

func TestHasNegation(t *testing.T) {
	for text, want := range map[string]bool{
		"Je ne clique pas sur le lien.":        true,
		"Vous n'avez plus de place.":           true,
		"Une banque ne demande jamais ce code": true,
		"Je supprime le SMS.":                  false,
		"À personne, il reste secret":          false,
		"Le mot de passe, pas le nom":          false,
	} {
		if got := HasNegation(text); got != want {
			t.Errorf("HasNegation(%q) = %v, want %v", text, got, want)
		}
	}
	if f := CheckPlain("Je ne réponds pas.", RoleChoice); len(f) == 0 || !f[0].Warning {
		t.Errorf("a negative choice is not flagged as a warning: %v", f)
	}
	if f := CheckPlain("Je ne réponds pas.", RoleFeedback); len(f) != 0 {
		t.Errorf("feedback may explain with a negation: %v", f)
	}
}

func TestVoiceAndScreen(t *testing.T) {
	cases := []struct {
		name string
		it   Item
		want string // part of a warning; "" = none
	}{
		{"same words", Item{Prompt: "Quel site sert pour la santé ?", Spoken: "Vous êtes malade. Quel site sert pour la santé ?"}, ""},
		{"code only on screen", Item{Prompt: "Votre code est 482913. Que faites-vous ?", Spoken: "Un SMS arrive avec un code. Que faites-vous ?"}, "the prompt shows \"482913\""},
		{"code spelled out", Item{Prompt: "Votre code est 482913. Que faites-vous ?", Spoken: "Votre code est 4 8 2 9 1 3. Que faites-vous ?"}, ""},
		{"address only in the voice", Item{Prompt: "Écrivez l'adresse des impôts.", Spoken: "Écrivez l'adresse des impôts, impots.gouv.fr."}, "the voice says \"impots.gouv.fr\""},
		{"address in a choice", Item{Prompt: "Quel site ?", Spoken: "Quel site est celui des impôts ?", Choices: []Choice{{Text: "impots.gouv.fr"}}}, ""},
		{"voice asks another question", Item{Prompt: "Quelqu'un vous aide pour une démarche. Que lui donnez-vous ?", Spoken: "Que faites-vous avec votre mot de passe ?"}, "says little of the prompt"},
		{"no spoken text", Item{Prompt: "Cliquez sur 482913."}, ""},
	}
	sandbox := Item{Kind: KindSandboxBrowser, Prompt: "Allez sur le site.", Spoken: "Écrivez service-public.gouv.fr."}
	if got := VoiceAndScreen(&sandbox); len(got) > 0 {
		t.Errorf("a sandbox shows its own mock program: warned %q", got)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.it.Kind = KindSingle
			got := VoiceAndScreen(&c.it)
			if c.want == "" {
				if len(got) > 0 {
					t.Errorf("warnings %q, want none", got)
				}
				return
			}
			for _, g := range got {
				if strings.Contains(g, c.want) {
					return
				}
			}
			t.Errorf("warnings %q, want one with %q", got, c.want)
		})
	}
}

func TestSpokenWords(t *testing.T) {
	for text, want := range map[string]int{
		"Cliquez sur le lien.":        4,
		"Allez sur caf.fr":            6, // Allez sur kaf point f r
		"Prenez rendez-vous.":         2,
		"Chat-Vert-Piano-42!":         4,
		"Entraînez-vous à écrire.":    3,
		"Votre code est 482913.":      9, // code said digit by digit
		"L'adresse de la mairie":      4,
		"Né en 1975":                  4, // 1975 said in 2 words or more
		"Ouvrez avis-impot-2024.pdf.": 9, // Ouvrez avis impot 2024 point pé dé èf
	} {
		if got := SpokenWords("fr", text); got != want {
			t.Errorf("SpokenWords(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestSummarisePaces(t *testing.T) {
	s := SummarisePaces([]Pace{{WPM: 100, Seconds: 2}, {WPM: 135, Seconds: 3}, {WPM: 170, Seconds: 1}})
	if s.Clips != 3 || s.Median != 135 || s.Min != 100 || s.Max != 170 || s.Outside != 2 || s.Seconds != 6 {
		t.Errorf("SummarisePaces = %+v", s)
	}
	if probs := paceProblems([]Pace{{WPM: 100, Clip: "voice/a.ogg", Text: "a"}, {WPM: 135}}); len(probs) != 1 || !probs[0].Warning {
		t.Errorf("paceProblems = %v, want 1 warning", probs)
	}
}
