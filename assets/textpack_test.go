package assets_test

import (
	"io/fs"
	"os"
	"testing"

	"github.com/tremplin-numerique/tremplin/assets"
	"github.com/tremplin-numerique/tremplin/content"
)

// TestTextPackIsThePackWithoutVoice: the server's pack holds every top-level
// entry of the pack folder but the voice clips, so a new pack file cannot be
// forgotten by the embed patterns, and it loads as a pack.
func TestTextPackIsThePackWithoutVoice(t *testing.T) {
	entries, err := os.ReadDir("pack")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		_, err := fs.Stat(assets.TextPack(), e.Name())
		if e.Name() == "voice" {
			if err == nil {
				t.Error("TextPack carries the voice clips")
			}
			continue
		}
		if err != nil {
			t.Errorf("TextPack lacks %s: add it to textFS's embed patterns", e.Name())
		}
	}
	p, err := content.Load(assets.TextPack())
	if err != nil {
		t.Fatalf("TextPack does not load: %v", err)
	}
	if len(p.Items) == 0 || len(p.Modules) == 0 {
		t.Fatalf("TextPack loaded %d items, %d modules", len(p.Items), len(p.Modules))
	}
}
