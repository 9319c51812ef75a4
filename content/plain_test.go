package content

import (
	"strings"
	"testing"
)

func TestCheckPlain(t *testing.T) {
	cases := []struct {
		name, text string
		role       Role
		want       string // part of a finding; "" = no finding
		warning    bool
	}{
		{"short and plain", "Cliquez sur le bouton vert.", RolePrompt, "", false},
		{"too long", "Vous allez maintenant cliquer sur le bouton vert qui se trouve tout en bas de la page à droite de votre écran.", RolePrompt, "sentence of 22 words", false},
		{"address dot is no sentence end", "Écrivez caf.fr dans la barre. Ensuite, validez.", RolePrompt, "", false},
		{"number in letters", "Il y a deux bonnes réponses.", RoleSpoken, "digits", false},
		{"digits", "Il y a 2 bonnes réponses.", RoleSpoken, "", false},
		{"tutoiement", "Tu cliques ici.", RolePrompt, "vous", false},
		{"faux in feedback", "C'est faux.", RoleFeedback, "never says", false},
		{"erreur in hint", "Une erreur est possible.", RoleHint, "never says", false},
		{"faux allowed in a title", "Repérer un faux message", RoleTitle, "", false},
		{"sélectionner", "Sélectionnez la photo.", RolePrompt, "cliquer", false},
		{"tapez", "Tapez votre nom.", RolePrompt, "cliquer", false},
		{"appuyer on a screen", "Appuyez sur Valider.", RolePrompt, "cliquer", false},
		{"appuyer on a key", "Appuyez sur la touche Entrée.", RolePrompt, "", false},
		{"all caps", "Cliquez sur ENVOYER.", RolePrompt, "all-capital", false},
		{"allowed acronym", "Ouvrez le PDF de la CAF.", RolePrompt, "", false},
		{"abbreviation", "Prenez un rdv.", RolePrompt, "abbreviation", false},
		{"etc", "Photos, lettres, etc.", RoleChoice, "abbreviation", false},
		{"semicolon", "Ouvrez le site; cliquez sur Aide.", RoleHint, "more than 1 idea", true},
		{"many links", "Vous ouvrez le site, vous cliquez sur le lien, puis vous écrivez votre nom et vous validez.", RoleHint, "more than 1 idea", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := CheckPlain(c.text, c.role)
			if c.want == "" {
				if len(got) > 0 {
					t.Errorf("CheckPlain(%q) = %v, want nothing", c.text, got)
				}
				return
			}
			for _, f := range got {
				if strings.Contains(f.Message, c.want) {
					if f.Warning != c.warning {
						t.Errorf("finding %q: warning = %v, want %v", f.Message, f.Warning, c.warning)
					}
					return
				}
			}
			t.Errorf("CheckPlain(%q) = %v, want a finding with %q", c.text, got, c.want)
		})
	}
}

func TestSentencesAndWords(t *testing.T) {
	s := Sentences("Allez sur ameli.fr. Cliquez ici ! Bravo…")
	if len(s) != 3 {
		t.Errorf("Sentences = %q, want 3", s)
	}
	if w := Words("« L'adresse », c'est marie@orange.fr."); len(w) != 3 {
		t.Errorf("Words = %q, want 3", w)
	}
}

func TestHardWordsIn(t *testing.T) {
	got := HardWordsIn("Ouvrez la pièce jointe dans le navigateur, puis l'onglet.")
	want := []string{"navigateur", "onglet", "pièce jointe"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("HardWordsIn = %q, want %q", got, want)
	}
	if got := HardWordsIn("Le liens"); len(got) != 1 {
		t.Errorf("plural form not found: %q", got)
	}
}
