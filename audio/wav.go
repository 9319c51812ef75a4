package audio

import (
	"encoding/binary"
	"fmt"
	"math"
)

// WAVE format tags this decoder understands.
const (
	wavPCM        = 1
	wavFloat      = 3
	wavExtensible = 0xFFFE
)

// DecodeWAV decodes a RIFF/WAVE clip holding integer PCM (8, 16, 24 or 32
// bits) or IEEE float (32 or 64 bits), plain or WAVE_FORMAT_EXTENSIBLE.
// Errors wrap ErrFormat.
func DecodeWAV(data []byte) (*Sound, error) {
	if len(data) < 12 || string(data[0:4]) != "RIFF" || string(data[8:12]) != "WAVE" {
		return nil, fmt.Errorf("%w: wav: not a RIFF/WAVE file", ErrFormat)
	}
	var (
		haveFmt            bool
		tag, channels      int
		rate, bits, blockA int
		pcm                []byte
	)
	for p := 12; p+8 <= len(data); {
		id := string(data[p : p+4])
		size := int64(binary.LittleEndian.Uint32(data[p+4:]))
		body := data[p+8:]
		if size > int64(len(body)) {
			if id != "data" {
				return nil, fmt.Errorf("%w: wav: chunk %q truncated", ErrFormat, id)
			}
			size = int64(len(body)) // tolerate a streamed or truncated data chunk
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return nil, fmt.Errorf("%w: wav: fmt chunk too short", ErrFormat)
			}
			tag = int(binary.LittleEndian.Uint16(body[0:]))
			channels = int(binary.LittleEndian.Uint16(body[2:]))
			rate = int(binary.LittleEndian.Uint32(body[4:]))
			blockA = int(binary.LittleEndian.Uint16(body[12:]))
			bits = int(binary.LittleEndian.Uint16(body[14:]))
			if tag == wavExtensible {
				if len(body) < 26 {
					return nil, fmt.Errorf("%w: wav: extensible fmt chunk too short", ErrFormat)
				}
				tag = int(binary.LittleEndian.Uint16(body[24:])) // first bytes of the sub-format GUID
			}
			haveFmt = true
		case "data":
			if pcm == nil {
				pcm = body
			}
		}
		p += 8 + int(size) + int(size&1) // chunks are padded to even sizes
	}
	if !haveFmt {
		return nil, fmt.Errorf("%w: wav: no fmt chunk", ErrFormat)
	}
	if pcm == nil {
		return nil, fmt.Errorf("%w: wav: no data chunk", ErrFormat)
	}
	if err := checkRate(rate); err != nil {
		return nil, fmt.Errorf("wav: %w", err)
	}
	if channels < 1 || channels > 8 {
		return nil, fmt.Errorf("%w: wav: %d channels", ErrFormat, channels)
	}
	var sample func(b []byte) float32
	switch {
	case tag == wavPCM && bits == 8:
		sample = func(b []byte) float32 { return (float32(b[0]) - 128) / 128 }
	case tag == wavPCM && bits == 16:
		sample = func(b []byte) float32 { return float32(int16(binary.LittleEndian.Uint16(b))) / 32768 }
	case tag == wavPCM && bits == 24:
		sample = func(b []byte) float32 {
			v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
			return float32(v) / (1 << 23)
		}
	case tag == wavPCM && bits == 32:
		sample = func(b []byte) float32 { return float32(int32(binary.LittleEndian.Uint32(b))) / (1 << 31) }
	case tag == wavFloat && bits == 32:
		sample = func(b []byte) float32 { return finite(math.Float32frombits(binary.LittleEndian.Uint32(b))) }
	case tag == wavFloat && bits == 64:
		sample = func(b []byte) float32 { return finite(float32(math.Float64frombits(binary.LittleEndian.Uint64(b)))) }
	default:
		return nil, fmt.Errorf("%w: wav: unsupported encoding (format tag %d, %d bits)", ErrFormat, tag, bits)
	}
	width := bits / 8
	frame := width * channels
	if blockA != 0 && blockA != frame {
		return nil, fmt.Errorf("%w: wav: block align %d, want %d", ErrFormat, blockA, frame)
	}
	frames := len(pcm) / frame
	if frames == 0 {
		return nil, fmt.Errorf("%w: wav: no audio", ErrFormat)
	}
	if frames > maxSamples(rate) {
		return nil, fmt.Errorf("%w: wav: longer than %v", ErrFormat, MaxDuration)
	}
	out := make([]float32, frames)
	inv := 1 / float32(channels)
	for i := range out {
		var sum float32
		f := pcm[i*frame:]
		for c := 0; c < channels; c++ {
			sum += sample(f[c*width:])
		}
		out[i] = sum * inv
	}
	return &Sound{Rate: rate, Samples: out}, nil
}

// finite maps NaN and infinities to silence and clamps to [-1, 1].
func finite(v float32) float32 {
	switch {
	case v != v:
		return 0
	case v > 1:
		return 1
	case v < -1:
		return -1
	}
	return v
}
