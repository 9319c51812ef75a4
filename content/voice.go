package content

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"strings"
)

// Voices in order of preference when several clips of one text exist: a
// recorded human voice always wins over synthetic ones.
var Voices = []string{"human", "pico", "mbrola", "espeak"}

// clipFormats are the audio formats a clip may be stored in.
var clipFormats = []string{"ogg", "mp3", "wav"}

// VoiceKey returns the key of a spoken text: a short hash of the text with
// its spacing normalised, so an edited text gets a new key and its old clip
// shows up as missing.
func VoiceKey(text string) string {
	norm := strings.Join(strings.Fields(text), " ")
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:8])
}

// ClipName returns the file name, inside the pack, of the clip of text spoken
// by voice in the given format, such as "voice/pico-0123456789abcdef.ogg".
func ClipName(voice, text, format string) string {
	return "voice/" + voice + "-" + VoiceKey(text) + "." + format
}

// Clip returns the best clip of text in the pack: its file name (whose
// extension tells the format) and its bytes. ok is false when no clip exists.
func (p *Pack) Clip(text string) (name string, data []byte, ok bool) {
	return FindClip(p.fsys, text)
}

// FindClip returns the best clip of text in the pack folder fsys without
// loading the pack, so the kiosk can speak before its content is loaded.
func FindClip(fsys fs.FS, text string) (name string, data []byte, ok bool) {
	if strings.TrimSpace(text) == "" {
		return "", nil, false
	}
	for _, v := range Voices {
		for _, f := range clipFormats {
			n := ClipName(v, text, f)
			b, err := fs.ReadFile(fsys, n)
			if err == nil {
				return n, b, true
			}
		}
	}
	return "", nil, false
}

// ClipName returns the file name of the best clip of text without reading it.
func (p *Pack) ClipName(text string) (string, bool) {
	if strings.TrimSpace(text) == "" {
		return "", false
	}
	for _, v := range Voices {
		for _, f := range clipFormats {
			n := ClipName(v, text, f)
			if _, err := fs.Stat(p.fsys, n); err == nil {
				return n, true
			}
		}
	}
	return "", false
}

// FS returns the files of the pack.
func (p *Pack) FS() fs.FS { return p.fsys }
