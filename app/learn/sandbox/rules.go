package sandbox

import (
	"strings"

	"github.com/tremplin-numerique/tremplin/assessment"
	"github.com/tremplin-numerique/tremplin/content"
)

// defaultFormat is how a rule compares when the pack names no format: an
// address for a recipient, the exact name for an attachment, free words
// (case, accents, punctuation and small typos ignored) otherwise.
func defaultFormat(field string) string {
	switch field {
	case "to":
		return assessment.FormatEmail
	case "attachment":
		return assessment.FormatExact
	}
	return assessment.FormatWords
}

// parts splits a field into what a rule compares one by one: addresses for
// a recipient, file names for attachments; the whole text otherwise.
func parts(field, value string) []string {
	switch field {
	case "to":
		return strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ';' || r == ' ' })
	case "attachment":
		return strings.FieldsFunc(value, func(r rune) bool { return r == '\n' })
	}
	if strings.TrimSpace(value) == "" {
		return nil
	}
	return []string{value}
}

// ruleHolds reports whether the text of the rule's field (from values)
// meets the rule, leniently like a typed answer: "contains" looks for one
// of the values among the words of the text (with the typo tolerance of
// assessment.MatchText), "equals" compares the whole text.
func ruleHolds(r content.Rule, values map[string]string) bool {
	format := r.Format
	if format == "" {
		format = defaultFormat(r.Field)
	}
	ps := parts(r.Field, values[r.Field])
	switch r.Op {
	case content.OpEmpty:
		return len(ps) == 0
	case content.OpNotEmpty:
		return len(ps) > 0
	case content.OpEquals:
		return len(ps) == 1 && assessment.MatchText(format, r.Values, ps[0])
	}
	for _, p := range ps {
		if r.Field == "to" || r.Field == "attachment" {
			if assessment.MatchText(format, r.Values, p) {
				return true
			}
			continue
		}
		if containsWords(format, r.Values, p) {
			return true
		}
	}
	return false
}

// containsWords reports whether some run of words of text matches one of
// the values: "Oui, je viendrai" contains "oui" and "je viendrais".
func containsWords(format string, values []string, text string) bool {
	words := strings.Fields(text)
	// Bounded work whatever is typed or pasted: a message is read up to
	// maxWords words, and a value longer than maxRun words must match
	// the whole text.
	if len(words) > maxWords {
		words = words[:maxWords]
	}
	for _, v := range values {
		n := len(strings.Fields(v))
		if n == 0 {
			continue
		}
		if n > maxRun || len(v) > maxValue {
			if assessment.MatchText(format, []string{v}, strings.Join(words, " ")) {
				return true
			}
			continue
		}
		for size := max(1, n-1); size <= n+1; size++ {
			for i := 0; i+size <= len(words); i++ {
				if assessment.MatchText(format, []string{v}, strings.Join(words[i:i+size], " ")) {
					return true
				}
			}
		}
	}
	return false
}

// Limits of containsWords.
const (
	maxWords = 400
	maxRun   = 12
	maxValue = 200 // bytes; content validation refuses longer rule values
)

// failedRules returns the rules values do not meet, in order.
func failedRules(rules []content.Rule, values map[string]string) []content.Rule {
	var out []content.Rule
	for _, r := range rules {
		if !ruleHolds(r, values) {
			out = append(out, r)
		}
	}
	return out
}
