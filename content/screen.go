package content

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// reNegation finds a sentence built on "ne … pas", "ne … plus" or
// "ne … jamais": CONTENT.md asks for positive wording, and a visitor who
// reads little easily misses the small "ne" and reads the opposite.
var reNegation = regexp.MustCompile(`(?:^|[^\p{L}])(?:ne|n['’])[^.?!]*?[^\p{L}](?:pas|plus|jamais)(?:[^\p{L}]|$)`)

// HasNegation reports whether text holds a "ne … pas/plus/jamais" negation.
func HasNegation(text string) bool {
	return reNegation.MatchString(strings.ToLower(text))
}

var (
	reNumber = regexp.MustCompile(`\d+(?:[ ,.:]\d+)*`)
	reQuote  = regexp.MustCompile(`«\s*([^»]+?)\s*»`)
)

// keyTokens returns what in a text an answer may hinge on and a person must
// both see and hear: numbers (digits only, so "4 8 2 9 1 3" and 482913 are
// the same), web and e-mail addresses (lower case), and quoted messages.
func keyTokens(text string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	addrs := reAddress.FindAllString(text, -1)
	for _, a := range addrs {
		add(strings.TrimRight(strings.ToLower(a), "."))
	}
	rest := reAddress.ReplaceAllString(text, " ")
	for _, n := range reNumber.FindAllString(rest, -1) {
		add(digitsOf(n))
	}
	return out
}

// digitsOf keeps the digits and decimal commas of a number.
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) || r == ',' {
			return r
		}
		return -1
	}, s)
}

// holds reports whether a key token appears in text.
func holds(text, token string) bool {
	low := strings.ToLower(text)
	if strings.Contains(low, token) {
		return true
	}
	if digitsOf(token) == token {
		for _, n := range reNumber.FindAllString(low, -1) {
			if digitsOf(n) == token {
				return true
			}
		}
		// A spelled-out code, "4 8 2 9 1 3", is the same number.
		if strings.Contains(digitsOf(strings.ReplaceAll(low, " ", "")), token) && len(token) >= 4 {
			return true
		}
	}
	return false
}

// stopWords are frequent words that say nothing about an item's question.
var stopWords = map[string]bool{
	"vous": true, "votre": true, "vos": true, "pour": true, "avec": true, "dans": true,
	"sur": true, "que": true, "quel": true, "quelle": true, "quels": true, "quelles": true,
	"faites": true, "faites-vous": true, "cliquez": true, "touchez": true, "écrivez": true,
	"est-ce": true, "c'est": true, "une": true, "des": true, "les": true, "elle": true,
	"ils": true, "mais": true, "puis": true, "ensuite": true, "d'abord": true, "bonne": true,
	"bonnes": true, "réponse": true, "réponses": true, "chaque": true, "quoi": true,
}

// stems returns the first 5 letters of each content word of text.
func stems(text string) map[string]bool {
	out := map[string]bool{}
	for _, w := range Words(text) {
		lw := strings.ToLower(w)
		if i := strings.IndexAny(lw, "'’"); i >= 0 && i <= 2 {
			_, size := utf8.DecodeRuneInString(lw[i:])
			lw = lw[i+size:]
		}
		r := []rune(lw)
		if len(r) < 4 || stopWords[lw] {
			continue
		}
		if len(r) > 5 {
			r = r[:5]
		}
		out[string(r)] = true
	}
	return out
}

// screenText is everything an item shows in words: its prompt and the
// texts of its choices, cards and groups.
func (it *Item) screenText() string {
	parts := []string{it.Prompt}
	for _, c := range it.Choices {
		parts = append(parts, c.Text)
	}
	for _, s := range it.Steps {
		parts = append(parts, s.Text)
	}
	for _, g := range it.Groups {
		parts = append(parts, g.Title)
		for _, m := range g.Members {
			parts = append(parts, m.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// VoiceAndScreen returns warnings about an item whose spoken instruction and
// written prompt disagree: the screen must show what the voice says that the
// answer depends on (numbers, addresses, how many answers to pick), and the
// voice must say what the prompt asks. A visitor who cannot hear, or who
// reads slowly, gets the same question either way.
func VoiceAndScreen(it *Item) []string {
	var out []string
	// How many answers to pick is on screen for every multiple choice: the
	// kiosk shows "Choisissez N réponses" above the choices.
	// Practice sandboxes show their own mock program, where what the voice
	// names (an address to type, a file to attach) is on screen.
	if it.Spoken == "" || !IsQuestion(it.Kind) {
		return out
	}
	screen := it.screenText()
	for _, tok := range keyTokens(it.Prompt) {
		if !holds(it.Spoken, tok) {
			out = append(out, fmt.Sprintf("the prompt shows %q but the voice does not say it", tok))
		}
	}
	for _, tok := range keyTokens(it.Spoken) {
		// A single digit ("the 2 buttons of the mouse") describes; codes,
		// amounts, dates and addresses are what answers hinge on.
		if len(tok) < 2 {
			continue
		}
		if !holds(screen, tok) {
			out = append(out, fmt.Sprintf("the voice says %q but the screen does not show it", tok))
		}
	}
	for _, q := range reQuote.FindAllStringSubmatch(it.Spoken, -1) {
		if !strings.Contains(strings.ToLower(screen), strings.ToLower(q[1])) {
			out = append(out, fmt.Sprintf("the voice quotes %q but the screen does not show it", short(q[1])))
		}
	}
	want := stems(it.Prompt)
	if len(want) >= 3 {
		said := stems(it.Spoken)
		found := 0
		for s := range want {
			if said[s] {
				found++
			}
		}
		if 2*found < len(want) {
			out = append(out, fmt.Sprintf("the voice says little of the prompt (%d of %d words): say what the screen asks", found, len(want)))
		}
	}
	return out
}
