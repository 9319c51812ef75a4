package content

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/jfreymuth/oggvorbis"
)

// Listening pace: speech for people who read little should run at 120–150
// words per minute with clear pauses between sentences. Clips outside
// MinWPM–MaxWPM get a warning from Check.
const (
	// TargetWPM is the pace `tremplin-content voice` aims at.
	TargetWPM = 135
	MinWPM    = 110
	MaxWPM    = 160
)

// SpokenWords counts the words a voice says for text in lang, in its
// pronounced form: "caf.fr" is "kaf point f r", 4 words. Signs inside a
// token part words ("Chat!Bleu-Velo-2019" is 4, "scan_0042" is 2), but a
// hyphen joins the words of a compound or of a verb and its pronoun
// ("rendez-vous", "Entraînez-vous", 1 each), as a reader counts them.
func SpokenWords(lang, text string) int {
	n := 0
	for _, tok := range strings.Fields(PronounceFor(lang, text)) {
		for _, part := range reNotWord.Split(reLetterDigit.ReplaceAllString(tok, "$1 $2"), -1) {
			if part == "" || !reHasWordChar.MatchString(part) {
				continue
			}
			if reNumberWord.MatchString(part) {
				// 1975 is said "mille neuf cent soixante-quinze": count a
				// word per 2 digits.
				n += (len(part) + 1) / 2
				continue
			}
			n += hyphenWords(strings.Trim(part, "-"))
		}
	}
	return n
}

var (
	reNotWord     = regexp.MustCompile(`[^\p{L}\d'’-]+|\s`)
	reHasWordChar = regexp.MustCompile(`[\p{L}\d]`)
	reDigit       = regexp.MustCompile(`\d`)
	reNumberWord  = regexp.MustCompile(`^\d+$`)
	reLetterDigit = regexp.MustCompile(`(\p{L})(\d)`)
)

// joined are the words that a hyphen binds into one: pronouns after a verb
// and the first halves of common compounds.
var joined = map[string]bool{
	"vous": true, "nous": true, "moi": true, "toi": true, "il": true, "elle": true,
	"ils": true, "elles": true, "on": true, "je": true, "le": true, "la": true, "les": true,
	"lui": true, "leur": true, "y": true, "en": true, "ci": true, "là": true, "même": true,
	"t-il": true, "t-elle": true, "rendez": true, "après": true, "avant": true, "arrière": true,
	"grand": true, "demi": true, "sous": true, "wi": true, "e": true, "porte": true,
}

// hyphenWords counts the words of a token that may hold hyphens.
func hyphenWords(tok string) int {
	parts := strings.Split(tok, "-")
	if len(parts) == 2 && !reDigit.MatchString(tok) {
		a, b := strings.ToLower(parts[0]), strings.ToLower(parts[1])
		if joined[a] || joined[b] {
			return 1
		}
	}
	n := 0
	for _, p := range parts {
		if p != "" {
			n++
		}
	}
	return n
}

// ClipSeconds returns the length of a clip (Ogg Vorbis or WAV) in seconds.
func ClipSeconds(name string, data []byte) (float64, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".ogg":
		n, f, err := oggvorbis.GetLength(bytes.NewReader(data))
		if err != nil {
			return 0, fmt.Errorf("clip %s: %w", name, err)
		}
		if f.SampleRate <= 0 {
			return 0, fmt.Errorf("clip %s: no sample rate", name)
		}
		return float64(n) / float64(f.SampleRate), nil
	case ".wav":
		return wavSeconds(data)
	}
	return 0, fmt.Errorf("clip %s: length of this format is not measured", name)
}

// wavSeconds reads a PCM WAV header.
func wavSeconds(b []byte) (float64, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return 0, fmt.Errorf("not a WAV file")
	}
	var byteRate uint32
	for i := 12; i+8 <= len(b); {
		id, size := string(b[i:i+4]), int(binary.LittleEndian.Uint32(b[i+4:i+8]))
		switch id {
		case "fmt ":
			if i+16 <= len(b) && size >= 12 {
				byteRate = binary.LittleEndian.Uint32(b[i+16 : i+20])
			}
		case "data":
			if byteRate == 0 {
				return 0, fmt.Errorf("WAV data before its format")
			}
			return float64(size) / float64(byteRate), nil
		}
		i += 8 + size + size%2
	}
	return 0, fmt.Errorf("WAV file without data")
}

// Pace is the speaking rate of one clip.
type Pace struct {
	Text    string
	Clip    string
	Words   int
	Seconds float64
	WPM     float64
}

// Paces measures the speaking rate of every clip of the pack's spoken
// texts and of extra texts (the kiosk's phrases), in French.
func (p *Pack) Paces(extra []string) []Pace {
	var out []Pace
	seen := map[string]bool{}
	texts := p.SpokenTexts()
	for _, e := range extra {
		texts = append(texts, Text{Text: e})
	}
	for _, t := range texts {
		name, data, ok := p.Clip(t.Text)
		if !ok || seen[name] {
			continue
		}
		seen[name] = true
		secs, err := ClipSeconds(name, data)
		if err != nil || secs <= 0 {
			continue
		}
		w := SpokenWords(p.lang(), t.Text)
		if w == 0 {
			continue
		}
		out = append(out, Pace{Text: t.Text, Clip: name, Words: w, Seconds: secs, WPM: float64(w) * 60 / secs})
	}
	return out
}

// lang is the pack's language without region, "fr" by default.
func (p *Pack) lang() string {
	l, _, _ := strings.Cut(strings.ToLower(p.Meta.Language), "-")
	if l == "" {
		return "fr"
	}
	return l
}

// PaceSummary is the distribution of speaking rates over a pack's clips.
type PaceSummary struct {
	Clips   int     `json:"clips"`
	Median  float64 `json:"median_wpm"`
	Min     float64 `json:"min_wpm"`
	Max     float64 `json:"max_wpm"`
	Outside int     `json:"outside_110_160"`
	// Seconds is the total length of the clips.
	Seconds float64 `json:"seconds"`
}

// SummarisePaces returns the median, extremes and count outside
// MinWPM–MaxWPM of paces.
func SummarisePaces(paces []Pace) PaceSummary {
	var s PaceSummary
	if len(paces) == 0 {
		return s
	}
	w := make([]float64, len(paces))
	for i, p := range paces {
		w[i] = p.WPM
		s.Seconds += p.Seconds
		if p.WPM < MinWPM || p.WPM > MaxWPM {
			s.Outside++
		}
	}
	slices.Sort(w)
	s.Clips, s.Min, s.Max = len(w), w[0], w[len(w)-1]
	if len(w)%2 == 1 {
		s.Median = w[len(w)/2]
	} else {
		s.Median = (w[len(w)/2-1] + w[len(w)/2]) / 2
	}
	return s
}
