package pin

import "testing"

func TestHashVerify(t *testing.T) {
	h, err := Hash("482193")
	if err != nil {
		t.Fatal(err)
	}
	if !Verify("482193", h) {
		t.Error("right PIN refused")
	}
	for _, wrong := range []string{"482194", "", "4821930", " 482193"} {
		if Verify(wrong, h) {
			t.Errorf("wrong PIN %q accepted", wrong)
		}
	}
	h2, _ := Hash("482193")
	if h == h2 {
		t.Error("two hashes of one PIN are equal: no salt")
	}
}

func TestCheck(t *testing.T) {
	for p, ok := range map[string]bool{"123456": true, "1234": false, "12345": false, "12a456": false, "987654": true, "١٢٣٤٥٦": false, "１２３４５６": false} {
		if (Check(p) == nil) != ok {
			t.Errorf("Check(%q) = %v", p, Check(p))
		}
	}
}

func FuzzVerify(f *testing.F) {
	h, _ := Hash("123456")
	f.Add("123456", h)
	f.Add("0000", "$argon2id$v=19$m=1,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, p, enc string) {
		Verify(p, enc)
	})
}

func BenchmarkVerify(b *testing.B) {
	h, _ := Hash("482193")
	for b.Loop() {
		Verify("482193", h)
	}
}
