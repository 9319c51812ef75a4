package event_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/tremplin-numerique/tremplin/sync/event"
)

// Payloads as the kiosk journaled them before this package (copied from a
// journal written by commit 812af75): the response with Go field names.
const (
	oldAnswer = `{"choice_order":[2,0,1],"correct":false,"domain":"communiquer","item_id":"com-01","kind":"single",` +
		`"learner_id":"L1","outcome":"dont_know","response":{"DontKnow":true,"Choices":null,"Text":"","X":0,"Y":0,"Order":null,"Groups":null},` +
		`"session_id":"S1","shown_ms":5230,"skill":"com-mail-lire"}`
	oldAnswerTap = `{"correct":true,"domain":"equipement","item_id":"eq-04","kind":"tap","learner_id":"L1","outcome":"correct",` +
		`"response":{"DontKnow":false,"Choices":[1,3],"Text":"Bonjour","X":0.25,"Y":0.5,"Order":["a","b"],"Groups":{"c":"g"}},` +
		`"session_id":"S1","shown_ms":800,"skill":"eq-clic"}`
	oldFinished = `{"items":12,"results":[{"domain":"equipement","band":2,"band_prob":0.71,"theta":0.4,"se":0.5,` +
		`"plain_theta":0.38,"plain_se":0.55,"prior":{"mean":0.1,"sd":1},"items":6,"correct":4,"dont_know":1,"done":true,` +
		`"recommended":["eq-souris","eq-clavier"]}],"session_id":"S1"}`
	oldPaused = `{"items":3,"reason":"idle","session_id":"S1","state":"{\"v\":1}"}`
)

func TestOldPayloadsDecode(t *testing.T) {
	v, err := event.Decode(event.TypeAnswerRecorded, []byte(oldAnswer))
	if err != nil {
		t.Fatal(err)
	}
	a := v.(*event.AnswerRecorded)
	if !a.Response.DontKnow || a.Outcome != event.OutcomeDontKnow || a.ShownMS != 5230 || !reflect.DeepEqual(a.ChoiceOrder, []int{2, 0, 1}) {
		t.Errorf("old answer: %+v", a)
	}
	var tap event.AnswerRecorded
	if err := json.Unmarshal([]byte(oldAnswerTap), &tap); err != nil {
		t.Fatal(err)
	}
	want := event.Response{Choices: []int{1, 3}, Text: "Bonjour", X: 0.25, Y: 0.5, Order: []string{"a", "b"}, Groups: map[string]string{"c": "g"}}
	if !reflect.DeepEqual(tap.Response, want) {
		t.Errorf("old response %+v, want %+v", tap.Response, want)
	}
	v, err = event.Decode(event.TypeDiagnosticFinished, []byte(oldFinished))
	if err != nil {
		t.Fatal(err)
	}
	f := v.(*event.DiagnosticFinished)
	wantR := event.DomainResult{Domain: "equipement", Band: 2, BandProb: 0.71, Theta: 0.4, SE: 0.5, PlainTheta: 0.38, PlainSE: 0.55,
		Prior: event.Normal{Mean: 0.1, SD: 1}, Items: 6, Correct: 4, DontKnow: 1, Done: true, Recommended: []string{"eq-souris", "eq-clavier"}}
	if f.Items != 12 || len(f.Results) != 1 || !reflect.DeepEqual(f.Results[0], wantR) {
		t.Errorf("old result: %+v", f)
	}
	v, err = event.Decode(event.TypeSessionPaused, []byte(oldPaused))
	if err != nil {
		t.Fatal(err)
	}
	if p := v.(*event.SessionPaused); p.Reason != "idle" || p.Items != 3 || p.State != `{"v":1}` {
		t.Errorf("old pause: %+v", p)
	}
}

// TestEveryTypeRoundTrips encodes a filled payload of every type and checks
// it decodes to the same value with snake_case names only.
func TestEveryTypeRoundTrips(t *testing.T) {
	seen := map[string]bool{}
	for _, typ := range event.Types {
		v := event.New(typ)
		if v == nil {
			t.Fatalf("New(%q) = nil", typ)
		}
		fill(reflect.ValueOf(v).Elem())
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var keys map[string]any
		if err := json.Unmarshal(b, &keys); err != nil {
			t.Fatal(err)
		}
		for k := range keys {
			if k != strings.ToLower(k) {
				t.Errorf("%s: JSON name %q is not snake_case", typ, k)
			}
		}
		back, err := event.Decode(typ, b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, v) {
			t.Errorf("%s: %+v came back as %+v", typ, v, back)
		}
		seen[typ] = true
	}
	if len(seen) != 21 {
		t.Errorf("saw %d types, want 21", len(seen))
	}
	if _, err := event.Decode("no.such", nil); err == nil {
		t.Error("unknown type decoded")
	}
}

// fill sets every field of v to a non-zero value.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i))
		}
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(3)
	case reflect.Float64:
		v.SetFloat(0.5)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0))
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e)
		m.SetMapIndex(reflect.ValueOf("k"), e)
		v.Set(m)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{oldAnswer, oldAnswerTap, oldFinished, oldPaused, "null", "{}", `{"response":7}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range event.Types {
			_, _ = event.Decode(typ, []byte(s))
		}
	})
}
