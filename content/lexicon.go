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
	"ants":          "a ène té èss",
	"verr":          "vère",
	"gr":            "gé èr",
	"qwant":         "kouante",
	"cookie":        "coukie",
	"cookies":       "coukies",
	"word":          "oueurde",
	"libreoffice":   "libre office",
	"writer":        "raïteur",
	"edf":           "e dé èf",
	"usb-c":         "u èss bé cé",
	"sncf":          "èss ène cé èf",
	"ameli":         "amélie",
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
	if name, ok := symbolNames[strings.TrimSpace(text)]; ok {
		return name
	}
	text = reCode.ReplaceAllStringFunc(text, spellDigits)
	text = reHour.ReplaceAllString(text, "$1 heures $2")
	text = reFile.ReplaceAllStringFunc(text, sayFileName)
	text = strings.ReplaceAll(text, "Connect+", "Connect plus")
	text = reEuro.ReplaceAllString(text, "$1 euros")
	text = reAddress.ReplaceAllStringFunc(text, func(a string) string { return spellAddress(a, frenchSpelling) })
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

// symbolNames say a text made of one sign, such as a choice "-" (the
// engines would say "moins" or nothing).
var symbolNames = map[string]string{
	"-": "le tiret du 6", "_": "le tiret du 8", "/": "la barre oblique", "@": "l'arobase",
	".": "le point", "+": "plus", "#": "le dièse", "€": "le signe euro",
}

// reCode finds a code of 6 or more digits written as one number (482913):
// a person types it digit by digit, so the voice says it so. Postcodes
// (16000) and years read better as numbers.
// reFile finds a file name such as photo-plage.jpg: the voice says its
// parts and "point" before the type, so the listener hears every piece.
var reFile = regexp.MustCompile(`(?i)\b[\p{L}0-9_-]+\.(?:pdf|jpg|jpeg|png|docx|doc|odt|zip|mp3|txt)\b`)

func sayFileName(name string) string {
	name = strings.NewReplacer("-", " ", "_", " ").Replace(name)
	return strings.Replace(name, ".", " point ", 1)
}

var reHour = regexp.MustCompile(`\b(\d{1,2}) ?h(?: ?(\d{2}))?\b`)

var reCode = regexp.MustCompile(`\b\d{6,}\b`)

// spellDigits says a code digit by digit: "482913" → "4, 8, 2, 9, 1, 3".
func spellDigits(code string) string {
	parts := make([]string, 0, len(code))
	for _, r := range code {
		parts = append(parts, string(r))
	}
	return strings.Join(parts, ", ")
}

// spelling names the signs of an address in one language, and gives the
// lexicon its words go through.
type spelling struct {
	dot, at, slash, dash, underscore string
	lexicon                          map[string]string
}

var (
	frenchSpelling  = spelling{"point", "arobase", "barre", "tiret", "tiret bas", Lexicon}
	englishSpelling = spelling{"dot", "at", "slash", "dash", "underscore", EnglishLexicon}
)

// EnglishLexicon is what the English voice (the kiosk's interface in
// English) says differently from the text. The French Lexicon is never
// applied to English texts: its respellings only make sense to a French
// engine.
var EnglishLexicon = map[string]string{
	"€":   "euros",
	"www": "double u double u double u",
	"fr":  "F R",
}

// PronounceFor returns text rewritten for a text-to-speech engine speaking
// lang: "en" uses PronounceEnglish, anything else the French Pronounce.
func PronounceFor(lang, text string) string {
	if lang == "en" {
		return PronounceEnglish(text)
	}
	return Pronounce(text)
}

// PronounceEnglish returns text rewritten for an English text-to-speech
// engine: addresses spelled out ("caf.fr" → "caf dot fr", "@" → "at") and
// the words of EnglishLexicon replaced. The clip keeps the key of the
// original text.
func PronounceEnglish(text string) string {
	text = reEuro.ReplaceAllString(text, "$1 euros")
	text = reAddress.ReplaceAllStringFunc(text, func(a string) string { return spellAddress(a, englishSpelling) })
	text = strings.ReplaceAll(text, "@", " at ")
	text = reWord.ReplaceAllStringFunc(text, func(w string) string {
		if r, ok := EnglishLexicon[strings.ToLower(w)]; ok {
			return r
		}
		return w
	})
	text = strings.Join(strings.Fields(text), " ")
	return rePunctSpace.ReplaceAllString(text, "$1")
}

// spellAddress says a web or e-mail address piece by piece, in the language
// of sp.
func spellAddress(a string, sp spelling) string {
	var parts []string
	word := func(w string) {
		if w == "" {
			return
		}
		if r, ok := sp.lexicon[strings.ToLower(w)]; ok {
			parts = append(parts, r)
		} else {
			parts = append(parts, w)
		}
	}
	a = strings.TrimPrefix(strings.TrimPrefix(a, "https://"), "http://")
	cur := ""
	separators := map[rune]string{'.': sp.dot, '@': sp.at, '/': sp.slash, '-': sp.dash, '_': sp.underscore}
	for _, r := range a {
		if said, ok := separators[r]; ok {
			word(cur)
			cur = ""
			parts = append(parts, said)
			continue
		}
		cur += string(r)
	}
	word(cur)
	return " " + strings.Join(parts, " ") + " "
}
