package content

import "testing"

func TestPronounce(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Écrivez caf.fr.", "Écrivez kaf point f r."},
		{"Son adresse est marie.dupont@gmail.com", "Son adresse est marie point dupont arobase dji mèl point com"},
		{"Ouvrez le PDF.", "Ouvrez le pé dé èf."},
		{"Le signe @ est sur le clavier.", "Le signe arobase est sur le clavier."},
		{"Allez sur www.impots.gouv.fr", "Allez sur double vé double vé double vé point impots point gouve point f r"},
		{"Un SMS de la CAF.", "Un èss èm èss de la kaf."},
		{"Faites un double-clic.", "Faites un double clique."},
		{"Payez 2 € de frais.", "Payez 2 euros de frais."},
		{"Le mot « Annonce »", "Le mot, Annonce,"},
	}
	for _, c := range cases {
		if got := Pronounce(c.in); got != c.want {
			t.Errorf("Pronounce(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
