package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/hajimehoshi/go-mp3"
)

// DecodeMP3 decodes an MP3 clip, the usual format of recorded human voices.
// Errors wrap ErrFormat.
func DecodeMP3(data []byte) (s *Sound, err error) {
	defer recoverDecode("mp3", &err)
	d, err := mp3.NewDecoder(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: mp3: %v", ErrFormat, err)
	}
	rate := d.SampleRate()
	if err := checkRate(rate); err != nil {
		return nil, fmt.Errorf("mp3: %w", err)
	}
	limit := maxSamples(rate)
	capHint := d.Length() / 4 // 16-bit stereo frames
	if capHint <= 0 || capHint > int64(limit) {
		capHint = int64(rate)
	}
	out := make([]float32, 0, capHint)
	buf := make([]byte, 16384)
	for idle := 0; ; {
		n, rerr := d.Read(buf)
		n -= n % 4
		for i := 0; i < n; i += 4 {
			l := int16(binary.LittleEndian.Uint16(buf[i:]))
			r := int16(binary.LittleEndian.Uint16(buf[i+2:]))
			out = append(out, (float32(l)+float32(r))/(2*32768))
		}
		if len(out) > limit {
			return nil, fmt.Errorf("%w: mp3: longer than %v", ErrFormat, MaxDuration)
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return nil, fmt.Errorf("%w: mp3: %v", ErrFormat, rerr)
		}
		if n == 0 {
			if idle++; idle > 1000 {
				return nil, fmt.Errorf("%w: mp3: decoder makes no progress", ErrFormat)
			}
		} else {
			idle = 0
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: mp3: no audio", ErrFormat)
	}
	return &Sound{Rate: rate, Samples: out}, nil
}
