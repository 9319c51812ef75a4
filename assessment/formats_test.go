package assessment

import "testing"

func TestMoreFormats(t *testing.T) {
	cases := []struct {
		format string
		accept []string
		typed  string
		want   bool
	}{
		{FormatDate, []string{"05/03/1970"}, "5/3/1970", true},
		{FormatDate, []string{"05/03/1970"}, " 05-03-1970 ", true},
		{FormatDate, []string{"05/03/1970"}, "05.03.1970", true},
		{FormatDate, []string{"05/03/1970"}, "03/05/1970", false},
		{FormatDate, []string{"05/03/1970"}, "5 mars 1970", false},
		{FormatDate, []string{"05/03/1970"}, "32/03/1970", false},
		{FormatDigits, []string{"16000"}, "16 000", true},
		{FormatDigits, []string{"0612345678"}, "06 12 34 56 78", true},
		{FormatDigits, []string{"16000"}, "1600", false},
		{FormatDigits, []string{"16000"}, "abc", false},
		{FormatExact, []string{"Angoulême"}, "  Angoulême ", true},
		{FormatExact, []string{"Angoulême"}, "angoulême", false},
		{"words", []string{"pharmacie de garde Angoulême"}, "  PHARMACIE DE GARDE angouleme ", true},
		{"text", []string{"Martin"}, "martin", true},
	}
	for _, c := range cases {
		if got := MatchText(c.format, c.accept, c.typed); got != c.want {
			t.Errorf("MatchText(%q, %q, %q) = %v, want %v", c.format, c.accept, c.typed, got, c.want)
		}
	}
	for _, f := range []string{FormatDate, FormatDigits, FormatExact, "words", "text"} {
		key := AnswerKey{Kind: KindText, Format: f, Accept: []string{"16/03/2024"}}
		if _, err := Check(key, Response{Text: "x"}); err != nil {
			t.Errorf("format %q refused: %v", f, err)
		}
	}
}

func FuzzDateAndDigits(f *testing.F) {
	f.Add("05/03/1970")
	f.Add("99999999999999999999/1/1")
	f.Fuzz(func(t *testing.T, s string) {
		canonDate(s)
		canonDigits(s)
		canonExact(s)
	})
}
