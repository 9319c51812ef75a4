package content

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// MaxSentenceWords is the longest sentence the plain-language check accepts.
const MaxSentenceWords = 20

// Finding is one plain-language problem in a text.
type Finding struct {
	Message string
	Warning bool
}

// Acronyms are the all-capital words a text may use: everyday names that
// people know better than their expansion.
var Acronyms = []string{"CAF", "PDF", "SMS", "USB", "CV", "RIB", "QR", "PIN", "JPG", "OK"}

// HardWords are the technical words a pack must explain in its glossary,
// by the word a glossary entry names, with the forms that count as a use
// (lower case, apostrophes and punctuation read as spaces).
var HardWords = map[string][]string{
	"navigateur":           {"navigateur", "navigateurs"},
	"barre d'adresse":      {"barre d adresse"},
	"moteur de recherche":  {"moteur de recherche", "moteurs de recherche"},
	"lien":                 {"lien", "liens"},
	"onglet":               {"onglet", "onglets"},
	"icône":                {"icône", "icônes", "icone", "icones"},
	"curseur":              {"curseur"},
	"double-clic":          {"double-clic", "double-cliquez", "double-cliquer", "double-clics"},
	"molette":              {"molette"},
	"courriel":             {"courriel", "courriels"},
	"arobase":              {"arobase"},
	"pièce jointe":         {"pièce jointe", "pièces jointes"},
	"hameçonnage":          {"hameçonnage"},
	"indésirable":          {"indésirable", "indésirables"},
	"fichier":              {"fichier", "fichiers"},
	"dossier":              {"dossier", "dossiers"},
	"télécharger":          {"télécharger", "téléchargez", "téléchargé", "téléchargée", "téléchargement", "téléchargements"},
	"PDF":                  {"pdf"},
	"clé USB":              {"clé usb", "clés usb"},
	"identifiant":          {"identifiant", "identifiants"},
	"mot de passe":         {"mot de passe", "mots de passe"},
	"FranceConnect":        {"franceconnect"},
	"application":          {"application", "applications"},
	"mise à jour":          {"mise à jour", "mises à jour"},
	"wifi":                 {"wifi", "wi-fi"},
	"appel vidéo":          {"appel vidéo", "appels vidéo", "visioconférence"},
	"code de vérification": {"code de vérification", "codes de vérification"},
	"données personnelles": {"données personnelles"},
	"scanner":              {"scanner", "scannez", "scanné", "numériser"},
	"capture d'écran":      {"capture d écran", "captures d écran"},
	"barre des tâches":     {"barre des tâches"},
	"QR code":              {"qr code", "code qr"},
	"traitement de texte":  {"traitement de texte"},
	"messagerie":           {"messagerie"},
	// Added 2026-11-29 after a trainer's review of the default pack.
	"FranceConnect+":   {"franceconnect+"},
	"France Identité":  {"france identité"},
	"cookies":          {"cookie", "cookies"},
	"téléconsultation": {"téléconsultation", "téléconsultations"},
	"facultatif":       {"facultatif", "facultative", "facultatifs", "facultatives"},
	"spam":             {"spam", "spams"},
	"disquette":        {"disquette"},
	"numériser":        {"numériser", "numérisez", "numérisé", "numérisée"},
	"éjecter":          {"éjecter", "éjectez"},
	"motif":            {"motif"},
	"bureau":           {"bureau"},
	"réduire":          {"réduire", "réduit", "réduite", "réduisez"},
	"Verr Maj":         {"verr maj"},
	"Alt Gr":           {"alt gr"},
	"USB-C":            {"usb-c"},
}

var numberWords = map[string]bool{
	"deux": true, "trois": true, "quatre": true, "cinq": true, "six": true, "sept": true,
	"huit": true, "dix": true, "onze": true, "douze": true, "treize": true, "quatorze": true,
	"quinze": true, "seize": true, "vingt": true, "trente": true, "quarante": true,
	"cinquante": true, "soixante": true, "cent": true, "mille": true,
	"deuxième": true, "troisième": true, "quatrième": true, "cinquième": true,
}

var abbreviations = map[string]bool{
	"etc": true, "ex": true, "cf": true, "svp": true, "stp": true, "tél": true, "rdv": true,
	"mme": true, "mlle": true, "n°": true, "qqn": true, "qqch": true, "pb": true, "env": true,
	"infos": true, "appli": true, "ordi": true, "pc": true, "resp": true,
}

var tuWords = map[string]bool{"tu": true, "toi": true, "ton": true, "tes": true, "t'as": true}

var judgingWords = map[string]bool{"faux": true, "fausse": true, "fausses": true, "erreur": true, "erreurs": true, "raté": true, "nul": true}

// otherClickVerbs are the words that say "click" differently; the pack says
// "cliquer" everywhere. "appuyer" is kept for a key or a physical button: a
// text that says "appuyer" must also say "touche", "bouton" or "clavier".
var otherClickVerbs = []string{"sélectionne", "sélectionnez", "sélectionner", "cochez", "cocher", "tapez", "taper", "tapotez"}

var sentenceEnd = regexp.MustCompile(`[.!?…]+["»)]*(\s+|$)`)

// Sentences splits a text into sentences. A dot inside an address such as
// caf.fr does not end a sentence.
func Sentences(text string) []string {
	var out []string
	rest := strings.TrimSpace(text)
	for rest != "" {
		loc := sentenceEnd.FindStringIndex(rest)
		if loc == nil {
			out = append(out, rest)
			break
		}
		s := strings.TrimSpace(rest[:loc[1]])
		if s != "" {
			out = append(out, s)
		}
		rest = strings.TrimSpace(rest[loc[1]:])
	}
	return out
}

// Words returns the words of a sentence as written, without the punctuation
// around them. "l'adresse" and "double-clic" are 1 word each.
func Words(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		w := strings.TrimFunc(f, func(r rune) bool {
			return unicode.IsPunct(r) && r != '@' && r != '°' || unicode.IsSymbol(r) && r != '@' && r != '°'
		})
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// normal returns text in lower case with every character that is not a
// letter, a digit, a hyphen or @ read as a space, words separated by 1 space
// and a space at both ends, for matching whole words.
func normal(text string) string {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '+' || r == '@' || r == '°' {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// HardWordsIn returns the glossary words (keys of HardWords) used in text.
func HardWordsIn(text string) []string {
	n := normal(text)
	var out []string
	for word, forms := range HardWords {
		for _, f := range forms {
			if strings.Contains(n, " "+f+" ") {
				out = append(out, word)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// CheckPlain returns what breaks the writing rules of CONTENT.md in one text
// playing the given role. Hard words are checked pack-wide by Check, against
// the glossary.
func CheckPlain(text string, role Role) []Finding {
	var out []Finding
	add := func(warn bool, format string, args ...any) {
		out = append(out, Finding{Message: fmt.Sprintf(format, args...), Warning: warn})
	}
	seen := map[string]bool{}
	once := func(key string) bool {
		if seen[key] {
			return false
		}
		seen[key] = true
		return true
	}
	lowerText := strings.ToLower(text)
	keyContext := strings.Contains(lowerText, "touche") || strings.Contains(lowerText, "bouton") || strings.Contains(lowerText, "clavier")
	for _, s := range Sentences(text) {
		words := Words(s)
		if len(words) > MaxSentenceWords {
			add(false, "sentence of %d words (at most %d): %q", len(words), MaxSentenceWords, short(s))
		}
		if role != RoleChoice && role != RoleTitle && role != RoleScreen && oneIdeaWarning(s, words) {
			add(true, "more than 1 idea in a sentence? split it: %q", short(s))
		}
		lower := strings.ToLower(s)
		if strings.Contains(lower, "appuy") && !keyContext && role != RoleScreen && once("appuyer") {
			add(false, "say \"cliquer\" (\"appuyer\" is only for a key or a button of a device): %q", short(s))
		}
	}
	if (role == RolePrompt || role == RoleChoice) && HasNegation(text) {
		add(true, "say it positively, without « ne … pas », « ne … plus » or « ne … jamais »: %q", short(text))
	}
	for _, w := range Words(text) {
		lw := strings.ToLower(w)
		base := strings.TrimSuffix(lw, ".")
		switch {
		case numberWords[lw] && once("n"+lw):
			add(false, "write numbers in digits: %q", w)
		case abbreviations[base] && once("a"+lw):
			add(false, "no abbreviation: write %q in full", w)
		case tuWords[lw] && role != RoleScreen && once("t"+lw):
			add(false, "speak to the person with \"vous\", not %q", w)
		case judgingWords[lw] && (role == RoleFeedback || role == RoleHint) && once("j"+lw):
			add(false, "feedback never says %q: say what to try instead", w)
		case slices.Contains(otherClickVerbs, lw) && role != RoleScreen && once("c"+lw):
			add(false, "say \"cliquer\" (or \"écrire\" for text), not %q", w)
		case isShouting(w) && once("u"+w):
			add(false, "no all-capital word %q (allowed: %s)", w, strings.Join(Acronyms, ", "))
		}
	}
	return out
}

// isShouting reports whether w is an all-capital word of 2 or more letters
// that is not an allowed acronym.
func isShouting(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 2 || strings.ContainsAny(w, "@./0123456789") {
		return false
	}
	for _, part := range strings.FieldsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len([]rune(part)) >= 2 && !slices.Contains(Acronyms, part) {
			return true
		}
	}
	return false
}

// oneIdeaWarning guesses a sentence that holds several ideas: a semicolon,
// or a long sentence with 3 or more clause links.
func oneIdeaWarning(s string, words []string) bool {
	if strings.Contains(s, ";") {
		return true
	}
	if len(words) <= 14 {
		return false
	}
	links := strings.Count(s, ",")
	for _, w := range words {
		switch strings.ToLower(w) {
		case "et", "puis", "mais", "car", "donc", "ou", "qui", "quand", "parce", "si", "alors":
			links++
		}
	}
	return links >= 3
}

func short(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:57]) + "…"
	}
	return s
}
