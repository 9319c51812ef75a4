package wire_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/tremplin-numerique/tremplin/sync/wire"
)

func ev(i int) wire.Event {
	return wire.Event{
		ID: uuid.Must(uuid.NewV7()).String(), DeviceID: "0190a4b2-7c3e-7000-8000-000000000001",
		Seq: int64(i + 1), WallMS: 1700000000000, HLC: 1 << 20, Type: "answer.recorded",
		LearnerID: "0190a4b2-7c3e-7000-8000-0000000000aa", Payload: json.RawMessage(`{"correct":true}`),
	}
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestRoundTripAndDedup(t *testing.T) {
	a, b := ev(0), ev(1)
	body, err := wire.EncodePush([]wire.Event{a, b, a})
	if err != nil {
		t.Fatal(err)
	}
	got, err := wire.DecodePush(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID || string(got[1].Payload) != `{"correct":true}` {
		t.Fatalf("got %+v", got)
	}
}

func TestDecodeRefusals(t *testing.T) {
	many := make([]wire.Event, wire.MaxBatchEvents+1)
	for i := range many {
		many[i] = ev(i)
	}
	tooMany, _ := json.Marshal(wire.PushRequest{V: 1, Events: many})
	bomb := gz(bytes.Repeat([]byte(" "), wire.MaxInflatedBytes+10))
	big := make([]byte, wire.MaxBodyBytes+1)
	mut := func(f func(*wire.Event)) []byte {
		e := ev(0)
		f(&e)
		b, _ := json.Marshal(wire.PushRequest{V: 1, Events: []wire.Event{e}})
		return gz(b)
	}
	cases := []struct {
		name string
		body []byte
		want error
	}{
		{"not gzip", []byte(`{"v":1}`), wire.ErrMalformed},
		{"truncated gzip", gz([]byte(`{"v":1,"events":[]}`))[:15], wire.ErrMalformed},
		{"not json", gz([]byte(`hello`)), wire.ErrMalformed},
		{"no version", gz([]byte(`{"events":[]}`)), wire.ErrMalformed},
		{"version 2", gz([]byte(`{"v":2,"events":[]}`)), wire.ErrVersion},
		{"empty", gz([]byte(`{"v":1,"events":[]}`)), wire.ErrMalformed},
		{"too many", gz(tooMany), wire.ErrTooLarge},
		{"gzip bomb", bomb, wire.ErrTooLarge},
		{"body too big", big, wire.ErrTooLarge},
		{"bad id", mut(func(e *wire.Event) { e.ID = "x" }), wire.ErrInvalid},
		{"bad device", mut(func(e *wire.Event) { e.DeviceID = "" }), wire.ErrInvalid},
		{"seq 0", mut(func(e *wire.Event) { e.Seq = 0 }), wire.ErrInvalid},
		{"hlc 0", mut(func(e *wire.Event) { e.HLC = 0 }), wire.ErrInvalid},
		{"bad type", mut(func(e *wire.Event) { e.Type = "DROP TABLE" }), wire.ErrInvalid},
		{"long learner", mut(func(e *wire.Event) { e.LearnerID = strings.Repeat("a", 65) }), wire.ErrInvalid},
		{"control learner", mut(func(e *wire.Event) { e.LearnerID = "a\x00" }), wire.ErrInvalid},
		{"huge payload", mut(func(e *wire.Event) {
			e.Payload = json.RawMessage(`"` + strings.Repeat("a", wire.MaxPayloadBytes) + `"`)
		}), wire.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := wire.DecodePush(bytes.NewReader(c.body))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

// FuzzDecodePush feeds arbitrary bytes, raw and gzip'd, to the decoder: it
// must never panic, and whatever it accepts must validate and re-encode.
func FuzzDecodePush(f *testing.F) {
	good, _ := wire.EncodePush([]wire.Event{ev(0), ev(1)})
	f.Add(good)
	f.Add([]byte(`{"v":1,"events":[{"id":"0190a4b2-7c3e-7000-8000-000000000001"}]}`))
	f.Add([]byte(`{"v":1,"events":[{"payload":{}}]}`))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, body := range [][]byte{data, gz(data)} {
			evs, err := wire.DecodePush(bytes.NewReader(body))
			if err != nil {
				continue
			}
			if len(evs) == 0 || len(evs) > wire.MaxBatchEvents {
				t.Fatalf("accepted %d events", len(evs))
			}
			for i := range evs {
				if err := evs[i].Validate(); err != nil {
					t.Fatalf("accepted invalid event: %v", err)
				}
			}
			if _, err := wire.EncodePush(evs); err != nil {
				t.Fatal(err)
			}
		}
	})
}
