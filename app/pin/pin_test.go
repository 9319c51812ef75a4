package pin

import "testing"

func TestHashVerify(t *testing.T) {
	h, err := Hash("4821")
	if err != nil {
		t.Fatal(err)
	}
	if !Verify("4821", h) {
		t.Error("right PIN refused")
	}
	for _, wrong := range []string{"4822", "", "48210", " 4821"} {
		if Verify(wrong, h) {
			t.Errorf("wrong PIN %q accepted", wrong)
		}
	}
	h2, _ := Hash("4821")
	if h == h2 {
		t.Error("two hashes of one PIN are equal: no salt")
	}
}

func TestCheck(t *testing.T) {
	for p, ok := range map[string]bool{"1234": true, "123": false, "12a4": false, "987654": true} {
		if (Check(p) == nil) != ok {
			t.Errorf("Check(%q) = %v", p, Check(p))
		}
	}
}

func FuzzVerify(f *testing.F) {
	h, _ := Hash("1234")
	f.Add("1234", h)
	f.Add("0000", "$argon2id$v=19$m=1,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, p, enc string) {
		Verify(p, enc)
	})
}

func BenchmarkVerify(b *testing.B) {
	h, _ := Hash("4821")
	for b.Loop() {
		Verify("4821", h)
	}
}
