package assessment

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// More text formats, for answers where the form matters as much as the words.
const (
	// FormatDate is a date written day, month, year in digits with any
	// separator: "5/3/1970" = "05-03-1970"; a 2-digit year means 19xx or 20xx
	// as written in the accepted answer.
	FormatDate = "date"
	// FormatDigits compares only the digits: "06 12 34 56 78" = "0612345678".
	FormatDigits = "digits"
	// FormatExact keeps case and accents (a capital letter is the point of
	// the item) and ignores only spaces around and between words.
	FormatExact = "exact"
)

// canonDate returns "DD/MM/YYYY" for a day-month-year date, or "".
func canonDate(s string) string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
	if len(parts) != 3 {
		return ""
	}
	d, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	y, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || d < 1 || d > 31 || m < 1 || m > 12 || len(parts[2]) > 4 {
		return ""
	}
	if len(parts[2]) <= 2 {
		// Keep two-digit years apart from four-digit ones: "70" ≠ "1970"
		// would be too strict for a visitor, so both forms are kept as
		// written and the pack lists the ones it accepts.
		return fmt.Sprintf("%02d/%02d/%02d", d, m, y)
	}
	return fmt.Sprintf("%02d/%02d/%04d", d, m, y)
}

// canonDigits returns the digits of s in order, or "" when it has none.
func canonDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// canonExact trims and squeezes spaces, keeping everything else.
func canonExact(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
}
