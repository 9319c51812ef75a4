package audio

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
)

// Sound is a decoded clip: mono PCM samples in [-1, 1] at Rate frames per
// second. Decoders mix stereo sources down to mono, since voice clips are
// speech.
type Sound struct {
	Rate    int
	Samples []float32
}

// Duration returns how long the sound plays at its own rate.
func (s *Sound) Duration() time.Duration {
	if s == nil || s.Rate <= 0 {
		return 0
	}
	return time.Duration(int64(len(s.Samples)) * int64(time.Second) / int64(s.Rate))
}

// Limits on what a decoder accepts, so corrupt or hostile clips cannot make
// the kiosk allocate without bound.
const (
	// MinRate and MaxRate bound a clip's sample rate.
	MinRate = 4000
	MaxRate = 192000
	// MaxDuration bounds a clip's length: instructions are short.
	MaxDuration = 5 * time.Minute
)

// ErrFormat is wrapped by every error about a clip's bytes: unknown format,
// corrupt data, unsupported encoding or a clip beyond the limits.
var ErrFormat = errors.New("audio: bad clip")

// FormatOf returns the format name of a clip file from its extension, in
// lower case and without the dot: "voice/pico-0123.ogg" gives "ogg".
func FormatOf(name string) string {
	return strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
}

// Decode decodes a clip in the given format: "ogg" (Ogg Vorbis), "wav"
// (PCM or IEEE float RIFF/WAVE) or "mp3". Errors wrap ErrFormat. Decode never
// panics on corrupt bytes.
func Decode(data []byte, format string) (*Sound, error) {
	switch strings.ToLower(strings.TrimPrefix(format, ".")) {
	case "ogg", "oga":
		return DecodeOgg(data)
	case "wav", "wave":
		return DecodeWAV(data)
	case "mp3":
		return DecodeMP3(data)
	default:
		return nil, fmt.Errorf("%w: unknown format %q", ErrFormat, format)
	}
}

// maxSamples returns how many mono frames a clip at rate may hold.
func maxSamples(rate int) int {
	return int(int64(rate) * int64(MaxDuration/time.Second))
}

func checkRate(rate int) error {
	if rate < MinRate || rate > MaxRate {
		return fmt.Errorf("%w: sample rate %d Hz out of range", ErrFormat, rate)
	}
	return nil
}

// recoverDecode turns a panic inside a third-party decoder into an error, as
// the last line of defence for outside bytes.
func recoverDecode(kind string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %s decoder failed: %v", ErrFormat, kind, r)
	}
}

// downmix appends the mono mix of interleaved frames to dst.
func downmix(dst []float32, interleaved []float32, channels int) []float32 {
	if channels == 1 {
		return append(dst, interleaved...)
	}
	inv := 1 / float32(channels)
	for i := 0; i+channels <= len(interleaved); i += channels {
		var sum float32
		for c := 0; c < channels; c++ {
			sum += interleaved[i+c]
		}
		dst = append(dst, sum*inv)
	}
	return dst
}
