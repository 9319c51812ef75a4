package assessment

import (
	"errors"
	"math"
	"testing"
)

func TestOutcomeString(t *testing.T) {
	for o, want := range map[Outcome]string{Incorrect: "incorrect", Correct: "correct", DontKnow: "dont-know", 9: "outcome(9)"} {
		if got := o.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(o), got, want)
		}
	}
}

func TestCheck(t *testing.T) {
	text := func(format string, accept ...string) AnswerKey {
		return AnswerKey{Kind: KindText, Format: format, Accept: accept}
	}
	tests := []struct {
		name string
		key  AnswerKey
		r    Response
		want Outcome
	}{
		{"single right", AnswerKey{Kind: KindSingle, Correct: []int{2}}, Response{Choices: []int{2}}, Correct},
		{"single wrong", AnswerKey{Kind: KindSingle, Correct: []int{2}}, Response{Choices: []int{1}}, Incorrect},
		{"single none", AnswerKey{Kind: KindSingle, Correct: []int{2}}, Response{}, Incorrect},
		{"single two picked", AnswerKey{Kind: KindSingle, Correct: []int{2}}, Response{Choices: []int{2, 1}}, Incorrect},
		{"dont know", AnswerKey{Kind: KindSingle, Correct: []int{2}}, Response{DontKnow: true, Choices: []int{2}}, DontKnow},
		{"multiple exact", AnswerKey{Kind: KindMultiple, Correct: []int{0, 3}}, Response{Choices: []int{3, 0}}, Correct},
		{"multiple dup ok", AnswerKey{Kind: KindMultiple, Correct: []int{0, 3}}, Response{Choices: []int{3, 0, 3}}, Correct},
		{"multiple subset", AnswerKey{Kind: KindMultiple, Correct: []int{0, 3}}, Response{Choices: []int{0}}, Incorrect},
		{"multiple superset", AnswerKey{Kind: KindMultiple, Correct: []int{0, 3}}, Response{Choices: []int{0, 1, 3}}, Incorrect},
		{"text case accents", text("", "Éléphant"), Response{Text: "  elephant "}, Correct},
		{"text punctuation spaces", text("", "mot de passe"), Response{Text: "Mot-de-passe !"}, Correct},
		{"text one typo", text("", "souris"), Response{Text: "sourie"}, Correct},
		{"text swap", text("", "clavier"), Response{Text: "calvier"}, Correct},
		{"text two typos long", text("", "navigateur"), Response{Text: "navigatuer s"}, Correct},
		{"text too many typos", text("", "souris"), Response{Text: "sorsi"}, Incorrect},
		{"text short exact", text("", "oui"), Response{Text: "ouis"}, Incorrect},
		{"text second accepted", text("", "courriel", "e-mail", "mail"), Response{Text: "Email"}, Correct},
		{"text ligature", text("", "cœur"), Response{Text: "COEUR"}, Correct},
		{"text empty", text("", "souris"), Response{Text: "  ?! "}, Incorrect},
		{"email case spaces", text("email", "marie.dupont@exemple.fr"), Response{Text: " Marie.Dupont @ Exemple.FR. "}, Correct},
		{"email mailto", text("email", "marie@exemple.fr"), Response{Text: "mailto:marie@exemple.fr"}, Correct},
		{"email typo wrong", text("email", "marie@exemple.fr"), Response{Text: "marie@exemple.com"}, Incorrect},
		{"email no at", text("email", "marie@exemple.fr"), Response{Text: "marie exemple.fr"}, Incorrect},
		{"url scheme www slash", text("url", "exemple.fr"), Response{Text: "HTTPS://www.Exemple.fr/"}, Correct},
		{"url reverse", text("url", "https://www.service-public.fr/"), Response{Text: "service-public.fr"}, Correct},
		{"url path", text("url", "ameli.fr/assure"), Response{Text: "http://www.ameli.fr/assure/"}, Correct},
		{"url other site", text("url", "exemple.fr"), Response{Text: "exemple.com"}, Incorrect},
		{"number comma", text("number", "12.5"), Response{Text: "12,5"}, Correct},
		{"number point", text("number", "12,50"), Response{Text: "12.5 €"}, Correct},
		{"number thousands", text("number", "1234"), Response{Text: "1 234"}, Correct},
		{"number wrong", text("number", "12.5"), Response{Text: "125"}, Incorrect},
		{"number words", text("number", "3"), Response{Text: "trois"}, Incorrect},
		{"tap inside", AnswerKey{Kind: KindTap, Zones: []Zone{{0.1, 0.1, 0.2, 0.2}}}, Response{X: 0.2, Y: 0.25}, Correct},
		{"tap second zone", AnswerKey{Kind: KindTap, Zones: []Zone{{0.1, 0.1, 0.2, 0.2}, {0.6, 0.6, 0.1, 0.1}}}, Response{X: 0.65, Y: 0.7}, Correct},
		{"tap outside", AnswerKey{Kind: KindTap, Zones: []Zone{{0.1, 0.1, 0.2, 0.2}}}, Response{X: 0.5, Y: 0.25}, Incorrect},
		{"tap NaN", AnswerKey{Kind: KindTap, Zones: []Zone{{0.1, 0.1, 0.2, 0.2}}}, Response{X: math.NaN(), Y: 0.25}, Incorrect},
		{"order right", AnswerKey{Kind: KindOrder, Order: []string{"a", "b", "c"}}, Response{Order: []string{"a", "b", "c"}}, Correct},
		{"order swapped", AnswerKey{Kind: KindOrder, Order: []string{"a", "b", "c"}}, Response{Order: []string{"b", "a", "c"}}, Incorrect},
		{"order short", AnswerKey{Kind: KindOrder, Order: []string{"a", "b", "c"}}, Response{Order: []string{"a", "b"}}, Incorrect},
		{"sort right", AnswerKey{Kind: KindSort, Groups: map[string]string{"x": "1", "y": "2"}}, Response{Groups: map[string]string{"y": "2", "x": "1"}}, Correct},
		{"sort wrong", AnswerKey{Kind: KindSort, Groups: map[string]string{"x": "1", "y": "2"}}, Response{Groups: map[string]string{"y": "1", "x": "1"}}, Incorrect},
		{"sort missing", AnswerKey{Kind: KindSort, Groups: map[string]string{"x": "1", "y": "2"}}, Response{Groups: map[string]string{"x": "1"}}, Incorrect},
		{"sort extra", AnswerKey{Kind: KindSort, Groups: map[string]string{"x": "1"}}, Response{Groups: map[string]string{"x": "1", "z": "1"}}, Incorrect},
		{"sandbox url", AnswerKey{Kind: "sandbox-browser", Format: "url", Accept: []string{"ameli.fr"}}, Response{Text: "www.ameli.fr"}, Correct},
		{"gesture click", AnswerKey{Kind: "gesture-click", Zones: []Zone{{0, 0, 0.5, 0.5}}}, Response{X: 0.1, Y: 0.1}, Correct},
		{"gesture type", AnswerKey{Kind: "gesture-type", Accept: []string{"Bonjour"}}, Response{Text: "bonjour"}, Correct},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Check(tt.key, tt.r)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if got != tt.want {
				t.Errorf("Check = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckBadKey(t *testing.T) {
	keys := map[string]AnswerKey{
		"unknown kind":     {Kind: "essay"},
		"empty kind":       {},
		"single no answer": {Kind: KindSingle},
		"negative index":   {Kind: KindMultiple, Correct: []int{-1}},
		"duplicate index":  {Kind: KindMultiple, Correct: []int{1, 1}},
		"text no accept":   {Kind: KindText},
		"text bad format":  {Kind: KindText, Format: "date", Accept: []string{"x"}},
		"text blank":       {Kind: KindText, Accept: []string{" !"}},
		"email malformed":  {Kind: KindText, Format: "email", Accept: []string{"nobody"}},
		"number malformed": {Kind: KindText, Format: "number", Accept: []string{"abc"}},
		"tap no zone":      {Kind: KindTap},
		"tap empty zone":   {Kind: KindTap, Zones: []Zone{{0.1, 0.1, 0, 0.1}}},
		"tap inf zone":     {Kind: KindTap, Zones: []Zone{{0.1, 0.1, math.Inf(1), 0.1}}},
		"order one step":   {Kind: KindOrder, Order: []string{"a"}},
		"order dup":        {Kind: KindOrder, Order: []string{"a", "a"}},
		"sort empty":       {Kind: KindSort},
		"sort no group":    {Kind: KindSort, Groups: map[string]string{"a": ""}},
		"sandbox empty":    {Kind: "sandbox-mail"},
	}
	for name, key := range keys {
		t.Run(name, func(t *testing.T) {
			o, err := Check(key, Response{Text: "x", Choices: []int{0}})
			if !errors.Is(err, ErrBadKey) {
				t.Fatalf("Check error = %v, want ErrBadKey", err)
			}
			if o != Incorrect {
				t.Errorf("outcome = %v, want Incorrect", o)
			}
		})
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"kitten", "sitting", 3},
		{"ab", "ba", 1}, {"clavier", "calvier", 1}, {"ca", "abc", 3}, {"été", "ete", 2},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"  L'Été, À Paris ! ": "leteaparis",
		"Œuvre":               "oeuvre",
		"ÇA VA":               "cava",
		"\xff\xfeabc":         "abc",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"Éléphant", "HTTPS://www.Exemple.fr/", "marie@exemple.fr", "1 234,5 €", "\xff", ""} {
		f.Add(s, s, "")
		f.Add(s, "exemple.fr", "url")
		f.Add(s, "a@b.fr", "email")
		f.Add(s, "12,5", "number")
	}
	f.Fuzz(func(t *testing.T, accept, text, format string) {
		key := AnswerKey{Kind: KindText, Format: format, Accept: []string{accept}}
		o, err := Check(key, Response{Text: text})
		if err != nil {
			if !errors.Is(err, ErrBadKey) {
				t.Fatalf("error not wrapping ErrBadKey: %v", err)
			}
			return
		}
		if o != Correct && o != Incorrect {
			t.Fatalf("outcome %v", o)
		}
		// An accepted answer always matches itself.
		if self, _ := Check(key, Response{Text: accept}); self != Correct {
			t.Fatalf("accepted %q (format %q) does not match itself", accept, format)
		}
	})
}

func FuzzDistance(f *testing.F) {
	f.Add("kitten", "sitting")
	f.Add("", "été")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 64 || len(b) > 64 {
			return
		}
		d := Distance(a, b)
		if d != Distance(b, a) {
			t.Fatalf("asymmetric distance %q %q", a, b)
		}
		la, lb := len([]rune(a)), len([]rune(b))
		if d < max(la, lb)-min(la, lb) || d > max(la, lb) {
			t.Fatalf("distance %d out of bounds for %q %q", d, a, b)
		}
		if (d == 0) != (a == b) && string([]rune(a)) == a && string([]rune(b)) == b {
			t.Fatalf("zero distance mismatch %q %q", a, b)
		}
	})
}

func FuzzCheckKey(f *testing.F) {
	f.Add("single", 1, "x", 0.5, 0.5, 0.1, 0.1)
	f.Add("tap", -1, "", 0.0, 0.0, -1.0, 0.0)
	f.Add("sandbox-files", 0, "a", 0.1, 0.2, 0.3, 0.4)
	f.Fuzz(func(t *testing.T, kind string, idx int, s string, x, y, w, h float64) {
		key := AnswerKey{Kind: Kind(kind), Correct: []int{idx}, Accept: []string{s}, Zones: []Zone{{x, y, w, h}},
			Order: []string{s, s + "2"}, Groups: map[string]string{s: s}}
		for _, k := range []AnswerKey{key, {Kind: Kind(kind)}, {Kind: Kind(kind), Zones: key.Zones}} {
			_, err := Check(k, Response{Choices: []int{idx}, Text: s, X: x, Y: y, Order: []string{s}, Groups: map[string]string{s: s}})
			if err != nil && !errors.Is(err, ErrBadKey) {
				t.Fatalf("error not wrapping ErrBadKey: %v", err)
			}
		}
	})
}
