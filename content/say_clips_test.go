package content_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

// TestKioskPhrasesHaveClips proves that the kiosk can speak every one of its
// own phrases (say.* keys) in both interface languages from the embedded
// default pack. A new or edited phrase without a clip fails here: run
// tremplin-content voice assets/pack (French) and
// tremplin-content voice assets/pack --lang en (English).
func TestKioskPhrasesHaveClips(t *testing.T) {
	pack := assets.DefaultPack()
	files, err := fs.Glob(assets.Translations(), "*.json")
	if err != nil || len(files) < 2 {
		t.Fatalf("catalogues %v: %v", files, err)
	}
	for _, file := range files {
		b, err := fs.ReadFile(assets.Translations(), file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var cat map[string]any
		if err := json.Unmarshal(b, &cat); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		n := 0
		for key, v := range cat {
			text, ok := v.(string)
			if !ok || !strings.HasPrefix(key, "say.") {
				continue
			}
			n++
			name, data, ok := content.FindClip(pack, text)
			if !ok {
				lang := strings.TrimSuffix(file, ".json")
				lang = lang[strings.LastIndexByte(lang, '.')+1:]
				t.Errorf("%s %s: no clip for %q (run tremplin-content voice assets/pack --lang %s)", file, key, text, lang)
				continue
			}
			if strings.HasSuffix(name, ".ogg") && !bytes.HasPrefix(data, []byte("OggS")) {
				t.Errorf("%s %s: clip %s is not Ogg", file, key, name)
			}
		}
		if n == 0 && (file == "fr.json" || file == "en.json") {
			t.Errorf("%s has no say.* phrase", file)
		}
	}
}

func TestPronounceEnglish(t *testing.T) {
	cases := []struct{ in, want string }{
		// The French lexicon stays out of English texts.
		{"Click OK, then open the PDF from Google.", "Click OK, then open the PDF from Google."},
		{"Her address is marie.dupont@gmail.com", "Her address is marie dot dupont at gmail dot com"},
		{"The @ sign is on the keyboard.", "The at sign is on the keyboard."},
		{"Go to www.caf.fr", "Go to double u double u double u dot caf dot F R"},
		{"Pay 2 € in fees.", "Pay 2 euros in fees."},
	}
	for _, c := range cases {
		if got := content.PronounceEnglish(c.in); got != c.want {
			t.Errorf("PronounceEnglish(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := content.PronounceFor("en", c.in); got != c.want {
			t.Errorf("PronounceFor(en, %q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got, want := content.PronounceFor("fr", "Ouvrez le PDF."), content.Pronounce("Ouvrez le PDF."); got != want {
		t.Errorf("PronounceFor(fr) = %q, want Pronounce's %q", got, want)
	}
}
