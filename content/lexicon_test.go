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
		{"Votre code est 482913.", "Votre code est 4, 8, 2, 9, 1, 3."},
		{"Le code postal 16000.", "Le code postal 16000."},
		{"Mardi à 14 h.", "Mardi à 14 heures."},
		{"La touche Verr Maj et la touche Alt Gr.", "La touche vère maj et la touche alte gé èr."},
		{"Avec FranceConnect+.", "Avec France connecte plus."},
		{"_", "le tiret du 8"},
		{"Ouvrez photo-plage.jpg.", "Ouvrez photo plage point ji pègue."},
		{"Qwant, Word et LibreOffice Writer", "kouante, oueurde et libre office raïteur"},
	}
	for _, c := range cases {
		if got := Pronounce(c.in); got != c.want {
			t.Errorf("Pronounce(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
