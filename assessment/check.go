package assessment

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Outcome is the result of checking one response.
type Outcome int

// Outcomes of a response. Incorrect is the zero value.
const (
	Incorrect Outcome = iota // the answer is wrong
	Correct                  // the answer is right
	DontKnow                 // the visitor chose "Je ne sais pas"
)

// String returns "incorrect", "correct" or "dont-know".
func (o Outcome) String() string {
	switch o {
	case Incorrect:
		return "incorrect"
	case Correct:
		return "correct"
	case DontKnow:
		return "dont-know"
	}
	return "outcome(" + strconv.Itoa(int(o)) + ")"
}

// Kind is an item kind, as named in content packs.
type Kind string

// Answer kinds. Practice kinds ("sandbox-*", "gesture-*") are checked like the
// answer they hold: Accept as text, Zones as a tap, Order as order, Groups as
// sort, Correct as choices.
const (
	KindSingle   Kind = "single"
	KindMultiple Kind = "multiple"
	KindText     Kind = "text"
	KindTap      Kind = "tap"
	KindOrder    Kind = "order"
	KindSort     Kind = "sort"
)

// Text formats of AnswerKey.Format.
const (
	FormatWords  = ""       // free words: case, accents, spaces, punctuation and small typos ignored
	FormatEmail  = "email"  // an e-mail address
	FormatURL    = "url"    // a web address
	FormatNumber = "number" // a number, decimal comma or point
)

// Zone is a rectangle of a picture, in coordinates relative to the picture
// (0..1 from the top-left corner).
type Zone struct{ X, Y, W, H float64 }

// Contains reports whether the relative point (x, y) lies inside the zone,
// edges included.
func (z Zone) Contains(x, y float64) bool {
	return x >= z.X && x <= z.X+z.W && y >= z.Y && y <= z.Y+z.H
}

// AnswerKey is what an item expects.
type AnswerKey struct {
	Kind    Kind
	Correct []int             // single/multiple: indices of correct choices
	Accept  []string          // text: accepted answers
	Format  string            // text: "" (words), "email", "url", "number"
	Zones   []Zone            // tap: any zone counts
	Order   []string          // order: expected sequence of step ids
	Groups  map[string]string // sort: member -> group
}

// Response is what a visitor answered.
type Response struct {
	DontKnow bool
	Choices  []int
	Text     string
	X, Y     float64 // tap, relative 0..1
	Order    []string
	Groups   map[string]string
}

// ErrBadKey is wrapped by every error Check returns for a malformed key.
var ErrBadKey = errors.New("malformed answer key")

// Check returns the outcome of a response. A response with DontKnow set is
// DontKnow whatever else it holds. A malformed key returns an error wrapping
// ErrBadKey, never a panic; a malformed response is simply Incorrect.
func Check(key AnswerKey, r Response) (Outcome, error) {
	base, err := baseKind(key)
	if err != nil {
		return Incorrect, err
	}
	if err := validate(base, key); err != nil {
		return Incorrect, err
	}
	if r.DontKnow {
		return DontKnow, nil
	}
	var ok bool
	switch base {
	case KindSingle:
		ok = len(r.Choices) == 1 && contains(key.Correct, r.Choices[0])
	case KindMultiple:
		ok = sameSet(key.Correct, r.Choices)
	case KindText:
		ok = MatchText(key.Format, key.Accept, r.Text)
	case KindTap:
		for _, z := range key.Zones {
			if z.Contains(r.X, r.Y) {
				ok = true
				break
			}
		}
	case KindOrder:
		ok = len(r.Order) == len(key.Order)
		for i := 0; ok && i < len(key.Order); i++ {
			ok = r.Order[i] == key.Order[i]
		}
	case KindSort:
		ok = len(r.Groups) == len(key.Groups)
		for m, g := range key.Groups {
			if !ok {
				break
			}
			ok = r.Groups[m] == g
		}
	}
	if ok {
		return Correct, nil
	}
	return Incorrect, nil
}

// baseKind maps a kind to the answer kind it is checked as.
func baseKind(key AnswerKey) (Kind, error) {
	switch key.Kind {
	case KindSingle, KindMultiple, KindText, KindTap, KindOrder, KindSort:
		return key.Kind, nil
	}
	k := string(key.Kind)
	if strings.HasPrefix(k, "sandbox-") || strings.HasPrefix(k, "gesture-") {
		switch {
		case len(key.Accept) > 0:
			return KindText, nil
		case len(key.Zones) > 0:
			return KindTap, nil
		case len(key.Order) > 0:
			return KindOrder, nil
		case len(key.Groups) > 0:
			return KindSort, nil
		case len(key.Correct) == 1:
			return KindSingle, nil
		case len(key.Correct) > 1:
			return KindMultiple, nil
		}
		return "", fmt.Errorf("%w: kind %q holds no answer (accept, zones, order, groups or correct)", ErrBadKey, k)
	}
	return "", fmt.Errorf("%w: unknown kind %q", ErrBadKey, k)
}

func validate(kind Kind, key AnswerKey) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrBadKey, key.Kind, fmt.Sprintf(format, args...))
	}
	switch kind {
	case KindSingle, KindMultiple:
		if len(key.Correct) == 0 {
			return bad("no correct choice")
		}
		seen := map[int]bool{}
		for _, c := range key.Correct {
			if c < 0 {
				return bad("negative choice index %d", c)
			}
			if seen[c] {
				return bad("choice %d listed twice", c)
			}
			seen[c] = true
		}
	case KindText:
		switch key.Format {
		case FormatWords, FormatEmail, FormatURL, FormatNumber, FormatDate, FormatDigits, FormatExact, "words", "text":
		default:
			return bad("unknown format %q", key.Format)
		}
		if len(key.Accept) == 0 {
			return bad("no accepted answer")
		}
		for _, a := range key.Accept {
			if canon(key.Format, a) == "" {
				return bad("accepted answer %q is empty once normalised", a)
			}
		}
	case KindTap:
		if len(key.Zones) == 0 {
			return bad("no zone")
		}
		for i, z := range key.Zones {
			for _, v := range []float64{z.X, z.Y, z.W, z.H} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return bad("zone %d is not finite", i)
				}
			}
			if z.W <= 0 || z.H <= 0 {
				return bad("zone %d has no area", i)
			}
		}
	case KindOrder:
		if len(key.Order) < 2 {
			return bad("fewer than 2 steps")
		}
		seen := map[string]bool{}
		for _, s := range key.Order {
			if seen[s] {
				return bad("step %q listed twice", s)
			}
			seen[s] = true
		}
	case KindSort:
		if len(key.Groups) == 0 {
			return bad("no member")
		}
		for m, g := range key.Groups {
			if g == "" {
				return bad("member %q has no group", m)
			}
		}
	}
	return nil
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// sameSet reports whether got, with duplicates ignored, is exactly want.
func sameSet(want, got []int) bool {
	g := map[int]bool{}
	for _, c := range got {
		g[c] = true
	}
	if len(g) != len(want) {
		return false
	}
	for _, c := range want {
		if !g[c] {
			return false
		}
	}
	return true
}

// MatchText reports whether text matches one of the accepted answers in the
// given format (see the Format constants). Free words ignore case, accents,
// spaces and punctuation, and tolerate typos by length (see MaxTypos).
func MatchText(format string, accept []string, text string) bool {
	got := canon(format, text)
	if got == "" {
		return false
	}
	for _, a := range accept {
		want := canon(format, a)
		if want == "" {
			continue
		}
		switch format {
		case FormatNumber:
			x, err1 := strconv.ParseFloat(got, 64)
			y, err2 := strconv.ParseFloat(want, 64)
			if err1 == nil && err2 == nil && math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y)) {
				return true
			}
		case FormatWords, "words", "text":
			if got == want || distanceAtMost(want, got, MaxTypos(len([]rune(want)))) {
				return true
			}
		default:
			if got == want {
				return true
			}
		}
	}
	return false
}

// MaxTypos is the number of typing errors (insertions, deletions,
// substitutions, swaps of two neighbours) tolerated in a free-word answer
// whose normalised expected form has n letters: none up to 3, one up to 7,
// two from 8.
func MaxTypos(n int) int {
	switch {
	case n <= 3:
		return 0
	case n <= 7:
		return 1
	}
	return 2
}

// canon returns the comparable form of s in the given format, or "" when s
// holds nothing comparable.
func canon(format, s string) string {
	switch format {
	case FormatDate:
		return canonDate(s)
	case FormatDigits:
		return canonDigits(s)
	case FormatExact:
		return canonExact(s)
	case FormatEmail:
		return canonEmail(s)
	case FormatURL:
		return canonURL(s)
	case FormatNumber:
		return canonNumber(s)
	}
	return Normalize(s)
}

var stripMarks = runes.Remove(runes.In(unicode.Mn))

// foldAccents removes diacritics and expands ligatures: "Œuvre été" → "Oeuvre ete".
func foldAccents(s string) string {
	s = strings.ToValidUTF8(s, "")
	t := transform.Chain(norm.NFD, stripMarks, norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return ligatures.Replace(out)
}

var ligatures = strings.NewReplacer("œ", "oe", "Œ", "OE", "æ", "ae", "Æ", "AE", "ß", "ss")

// Normalize returns the form free-word answers are compared in: lower case,
// no accents, only letters and digits (spaces and punctuation removed).
// "  L'Été, À Paris ! " → "leteaparis".
func Normalize(s string) string {
	s = foldAccents(s)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// squeeze removes white space of every kind and trailing sentence
// punctuation a person may add after an address.
func squeeze(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsSpace(r) && r != '\u200b' {
			b.WriteRune(r)
		}
	}
	return strings.TrimRight(b.String(), ".,;:!?")
}

// canonEmail lower-cases an address and drops spaces, a "mailto:" prefix,
// surrounding <> and trailing punctuation. It returns "" unless the result
// has one @ with something on each side.
func canonEmail(s string) string {
	s = strings.ToLower(squeeze(s))
	s = strings.TrimPrefix(s, "mailto:")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") {
		return ""
	}
	return local + "@" + strings.TrimSuffix(domain, ".")
}

// canonURL reduces a web address to what a person means by it: no scheme,
// no "www.", no default port, no trailing slash, lower case.
// "HTTPS://www.Exemple.fr/" → "exemple.fr".
func canonURL(s string) string {
	s = strings.ToLower(squeeze(s))
	for _, p := range []string{"https://", "http://", "//"} {
		if strings.HasPrefix(s, p) {
			s = s[len(p):]
			break
		}
	}
	s = strings.TrimPrefix(s, "www.")
	host, rest, hasRest := strings.Cut(s, "/")
	host = strings.TrimSuffix(strings.TrimSuffix(host, ":443"), ":80")
	host = strings.TrimSuffix(host, ".")
	if hasRest {
		rest = strings.TrimRight(rest, "/")
		if rest == "" || rest == "index.html" {
			return host
		}
		return host + "/" + rest
	}
	return host
}

// canonNumber returns a number with a decimal point, no thousands spaces and
// no trailing unit ("1 234,50 €" → "1234.50"), or "" when s holds no number.
func canonNumber(s string) string {
	var b strings.Builder
	seenDigit, seenSep := false, false
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			seenDigit = true
		case (r == ',' || r == '.') && seenDigit && !seenSep:
			b.WriteRune('.')
			seenSep = true
		case (r == '-' || r == '+') && i == 0:
			b.WriteRune(r)
		case unicode.IsSpace(r) || r == '\u202f' || r == '\'':
			// thousands separators
		default:
			if !seenDigit {
				return ""
			}
			return finishNumber(b.String())
		}
	}
	if !seenDigit {
		return ""
	}
	return finishNumber(b.String())
}

func finishNumber(s string) string {
	s = strings.TrimSuffix(s, ".")
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return ""
	}
	return s
}

// distanceAtMost reports whether the optimal-string-alignment
// Damerau–Levenshtein distance between a and b is at most k.
func distanceAtMost(a, b string, k int) bool {
	if k <= 0 {
		return a == b
	}
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	return Distance(a, b) <= k
}

// Distance returns the optimal-string-alignment Damerau–Levenshtein distance
// between a and b, counted in runes: insertions, deletions, substitutions and
// swaps of two neighbouring letters each cost 1.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n, m := len(ra), len(rb)
	prev2 := make([]int, m+1)
	prev := make([]int, m+1)
	cur := make([]int, m+1)
	for j := 0; j <= m; j++ {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}
