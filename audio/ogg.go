package audio

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/jfreymuth/oggvorbis"
)

// DecodeOgg decodes an Ogg Vorbis clip, the voice pack's format. Errors wrap
// ErrFormat.
func DecodeOgg(data []byte) (s *Sound, err error) {
	defer recoverDecode("ogg", &err)
	r, err := oggvorbis.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: ogg: %v", ErrFormat, err)
	}
	rate, channels := r.SampleRate(), r.Channels()
	if err := checkRate(rate); err != nil {
		return nil, fmt.Errorf("ogg: %w", err)
	}
	if channels < 1 || channels > 8 {
		return nil, fmt.Errorf("%w: ogg: %d channels", ErrFormat, channels)
	}
	limit := maxSamples(rate)
	capHint := r.Length()
	if capHint <= 0 || capHint > int64(limit) {
		capHint = int64(rate) // one second; grows as needed
	}
	out := make([]float32, 0, capHint)
	buf := make([]float32, 4096*channels)
	for idle := 0; ; {
		n, rerr := r.Read(buf)
		out = downmix(out, buf[:n-n%channels], channels)
		if len(out) > limit {
			return nil, fmt.Errorf("%w: ogg: longer than %v", ErrFormat, MaxDuration)
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return nil, fmt.Errorf("%w: ogg: %v", ErrFormat, rerr)
		}
		if n == 0 {
			if idle++; idle > 1000 {
				return nil, fmt.Errorf("%w: ogg: decoder makes no progress", ErrFormat)
			}
		} else {
			idle = 0
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: ogg: no audio", ErrFormat)
	}
	return &Sound{Rate: rate, Samples: out}, nil
}
