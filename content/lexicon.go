package content

import (
	"regexp"
	"strings"
)

// Lexicon rewrites, before synthesis, what text-to-speech engines say wrong
// in French. Keys are matched as whole words, ignoring case. Order matters
// only for Pronounce's address and symbol passes, which run first.
var Lexicon = map[string]string{
	"pdf":           "pé dé èf",
	"sms":           "èss èm èss",
	"caf":           "kaf",
	"usb":           "u èss bé",
	"www":           "double vé double vé double vé",
	"e-mail":        "i-mèl",
	"e-mails":       "i-mèl",
	"email":         "i-mèl",
	"mail":          "mèl",
	"mails":         "mèl",
	"clic":          "clique",
	"clics":         "cliques",
	"double-clic":   "double clique",
	"double-clics":  "double cliques",
	"ok":            "o ké",
	"cv":            "cé vé",
	"rib":           "rib",
	"qr":            "ku èr",
	"pin":           "pine",
	"jpg":           "ji pègue",
	"wifi":          "wi fi",
	"wi-fi":         "wi fi",
	"ameli":         "amélie",
	"franceconnect": "France connecte",
	"google":        "gougueule",
	"gmail":         "dji mèl",
	"outlook":       "aoute louke",
	"whatsapp":      "ouatsap",
	"chrome":        "crôme",
	"firefox":       "faïre fox",
	"edge":          "èdje",
	"doctolib":      "doctolibe",
	"leboncoin":     "le bon coin",
	"gouv":          "gouve",
	"fr":            "f r",
	"com":           "com",
	"net":           "nète",
	"info":          "info",
	"https":         "h t t p s",
	"http":          "h t t p",
	"suppr":         "suppre",
	"ctrl":          "contrôle",
	"échap":         "échappe",
	"alt":           "alte",
	"maj":           "maj",
	"zoom":          "zoum",
	"skype":         "skaïpe",
	"teams":         "tîmz",
	"ants":          "ants",
	"1er":           "premier",
	"1re":           "première",
	"1ers":          "premiers",
	"2e":            "deuxième",
	"3e":            "troisième",
	"€":             "euros",
}

var (
	reAddress    = regexp.MustCompile(`[\p{L}0-9._%+-]*[\p{L}0-9]@[\p{L}0-9.-]+\.[\p{L}]{2,}|(?:https?://)?(?:www\.)?[\p{L}0-9-]+(?:\.[\p{L}0-9-]+)*\.(?:fr|com|net|org|info|gouv|eu|io)(?:/[^\s]*)?`)
	reWord       = regexp.MustCompile(`[\p{L}0-9€-]+`)
	reEuro       = regexp.MustCompile(`(\d+(?:,\d+)?) ?€`)
	rePunctSpace = regexp.MustCompile(`\s+([.,!?])`)
)

// Pronounce returns text rewritten for a French text-to-speech engine:
// addresses spelled out ("caf.fr" → "kaf point f r", "@" → "arobase") and
// the words of Lexicon replaced. The clip keeps the key of the original text.
func Pronounce(text string) string {
	text = reEuro.ReplaceAllString(text, "$1 euros")
	text = reAddress.ReplaceAllStringFunc(text, spellAddress)
	text = strings.ReplaceAll(text, "@", " arobase ")
	text = reWord.ReplaceAllStringFunc(text, func(w string) string {
		if r, ok := Lexicon[strings.ToLower(w)]; ok {
			return r
		}
		return w
	})
	text = strings.ReplaceAll(text, "«", ",")
	text = strings.ReplaceAll(text, "»", ",")
	text = strings.Join(strings.Fields(text), " ")
	return rePunctSpace.ReplaceAllString(text, "$1")
}

// spellAddress says a web or e-mail address piece by piece.
func spellAddress(a string) string {
	var parts []string
	word := func(w string) {
		if w == "" {
			return
		}
		if r, ok := Lexicon[strings.ToLower(w)]; ok {
			parts = append(parts, r)
		} else {
			parts = append(parts, w)
		}
	}
	a = strings.TrimPrefix(strings.TrimPrefix(a, "https://"), "http://")
	cur := ""
	for _, r := range a {
		switch r {
		case '.':
			word(cur)
			cur = ""
			parts = append(parts, "point")
		case '@':
			word(cur)
			cur = ""
			parts = append(parts, "arobase")
		case '/':
			word(cur)
			cur = ""
			parts = append(parts, "barre")
		case '-':
			word(cur)
			cur = ""
			parts = append(parts, "tiret")
		case '_':
			word(cur)
			cur = ""
			parts = append(parts, "tiret bas")
		default:
			cur += string(r)
		}
	}
	word(cur)
	return " " + strings.Join(parts, " ") + " "
}
