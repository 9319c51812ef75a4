package sandbox_test

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tremplin-numerique/tremplin/app/learn/sandbox"
	"github.com/tremplin-numerique/tremplin/content"
)

// formItem is de-formulaire-3 of the default pack (name, e-mail, birth
// date); full adds an optional phone, a password, a supporting document and
// a code received by SMS.
func formItem(full bool) *content.Item {
	pr := &content.Practice{Fields: []content.Field{
		{ID: "nom", Label: "Votre nom", Format: "text"},
		{ID: "courriel", Label: "Votre adresse de courriel", Format: "email"},
		{ID: "naissance", Label: "Votre date de naissance", Format: "date"},
	}}
	if full {
		phone := content.Field{ID: "tel", Label: "Votre téléphone", Format: "phone"}
		phone.Optional = true
		doc := content.Field{ID: "justificatif", Label: "Justificatif de domicile", Format: "file", Accept: []string{"facture-edf.pdf"}}
		doc.Files = []string{"facture-edf.pdf", "photo-chat.jpg"}
		pr.Fields = append(pr.Fields, phone,
			content.Field{ID: "mdp", Label: "Choisissez un mot de passe", Format: "password"},
			doc,
			content.Field{ID: "code", Label: "Code reçu par SMS", Format: "code"})
		pr.Code = "482913"
	}
	return &content.Item{ID: "form", Kind: content.KindSandboxForm, Prompt: "Remplissez le formulaire.", Practice: pr}
}

func TestFormSimple(t *testing.T) {
	r := newRig(t, formItem(false))
	fm := r.s.(*sandbox.Form)
	test.Type(fm.Entries["nom"], "Martin")
	test.Type(fm.Entries["courriel"], "jean.martin@gmail")
	test.Type(fm.Entries["naissance"], "5/3/70")
	test.Tap(fm.Submit)
	res := r.result()
	if res.Success || res.Measures["fields_wrong"] != 2 {
		t.Fatalf("result %+v", res)
	}
	if fm.Errors["courriel"].Text != "Écrivez une adresse comme nom@domaine.fr." || fm.Errors["naissance"].Text != "Écrivez la date comme 05/03/1970." || fm.Errors["nom"].Text != "" {
		t.Errorf("errors %q %q %q", fm.Errors["nom"].Text, fm.Errors["courriel"].Text, fm.Errors["naissance"].Text)
	}
	if fm.Summary.Text != "2 case(s) à corriger, en rouge." {
		t.Errorf("summary %q", fm.Summary.Text)
	}
	// Réessayer keeps what was typed: fix the two fields.
	r.s.Reset()
	r.results = nil
	if fm.Entries["nom"].Text != "Martin" {
		t.Fatal("Réessayer lost the name")
	}
	test.Type(fm.Entries["courriel"], ".com")
	fm.Entries["naissance"].SetText("")
	test.Type(fm.Entries["naissance"], "05/03/1970")
	test.Tap(fm.Submit)
	if res := r.result(); !res.Success || res.Measures["fields_wrong"] != 0 || !fm.Done.Visible() {
		t.Errorf("result %+v, errors %q", res, fm.Errors["courriel"].Text)
	}
}

func TestFormFull(t *testing.T) {
	r := newRig(t, formItem(true))
	fm := r.s.(*sandbox.Form)
	test.Type(fm.Entries["nom"], "Martin")
	test.Type(fm.Entries["courriel"], "jean.martin@gmail.com")
	test.Type(fm.Entries["naissance"], "05/03/1970")
	test.Type(fm.Entries["mdp"], "soleil")
	if len(fm.PasswordRules) != 5 {
		t.Fatalf("%d password rules", len(fm.PasswordRules))
	}
	test.Tap(fm.Browse["justificatif"])
	test.Tap(fm.PickerFiles[1]) // the cat's photo
	test.Type(fm.Entries["code"], "123456")
	test.Tap(fm.Submit)
	res := r.result()
	if res.Success || res.Measures["fields_wrong"] != 3 {
		t.Fatalf("result %+v", res)
	}
	for id, want := range map[string]string{
		"tel":          "",
		"mdp":          "Le mot de passe ne suit pas toutes les règles.",
		"justificatif": "Ce n'est pas le bon document.",
		"code":         "Ce code n'est pas le bon. Regardez le SMS.",
	} {
		if got := fm.Errors[id].Text; got != want {
			t.Errorf("%s: error %q, want %q", id, got, want)
		}
	}
	for _, a := range r.actions {
		if a.Target == "mdp" && a.Value != "••••••" {
			t.Errorf("the password is journaled as %q", a.Value)
		}
	}
	r.s.Reset()
	r.results = nil
	fm.Entries["mdp"].SetText("")
	test.Type(fm.Entries["mdp"], "Soleil-Levant-2026")
	test.Tap(fm.Browse["justificatif"])
	test.Tap(fm.PickerFiles[0])
	test.Tap(fm.SendCode)
	if !fm.Phone.Visible() || len(r.said) != 1 {
		t.Fatal("no SMS notification")
	}
	fm.Entries["code"].SetText("")
	test.Type(fm.Entries["code"], "482 913")
	test.Tap(fm.Submit)
	if res := r.result(); !res.Success {
		t.Errorf("result %+v; errors: pw %q doc %q code %q", res, fm.Errors["mdp"].Text, fm.Errors["justificatif"].Text, fm.Errors["code"].Text)
	}
}

func TestFormPhone(t *testing.T) {
	for _, tc := range []struct {
		phone string
		ok    bool
	}{{"06 12 34 56 78", true}, {"+33 6 12 34 56 78", true}, {"06 12 34 56", false}, {"", true}} {
		it := formItem(false)
		f := content.Field{ID: "tel", Label: "Téléphone", Format: "phone"}
		f.Optional = true
		it.Practice.Fields = []content.Field{f}
		r := newRig(t, it)
		fm := r.s.(*sandbox.Form)
		test.Type(fm.Entries["tel"], tc.phone)
		test.Tap(fm.Submit)
		if got := r.result().Success; got != tc.ok {
			t.Errorf("phone %q: success %v", tc.phone, got)
		}
	}
}
