package journal

import (
	"fmt"
	"time"
)

// HLC is a hybrid logical clock timestamp: milliseconds of wall time in the
// high 48 bits and a logical counter in the low 16. It orders events across
// devices even when their clocks disagree, and it never goes backwards on one
// device, so a device whose clock is years off still orders its own events.
type HLC int64

const logicalBits = 16

// MakeHLC builds a timestamp from wall-clock milliseconds and a counter.
func MakeHLC(wallMS int64, logical uint16) HLC {
	return HLC(wallMS<<logicalBits | int64(logical))
}

// WallMS returns the wall-clock part in milliseconds since the Unix epoch.
func (h HLC) WallMS() int64 { return int64(h) >> logicalBits }

// Logical returns the counter part.
func (h HLC) Logical() uint16 { return uint16(h & (1<<logicalBits - 1)) }

func (h HLC) String() string {
	return fmt.Sprintf("%s/%d", time.UnixMilli(h.WallMS()).UTC().Format("2006-01-02T15:04:05.000Z"), h.Logical())
}

// Tick returns the timestamp of a new local event, given the last timestamp
// issued or seen and the current wall clock.
func Tick(last HLC, now time.Time) HLC {
	wall := now.UnixMilli()
	if wall > last.WallMS() {
		return MakeHLC(wall, 0)
	}
	return next(last)
}

// Observe returns the clock after receiving a remote timestamp, so every
// later local event sorts after what this device has seen.
func Observe(last, remote HLC, now time.Time) HLC {
	wall := now.UnixMilli()
	max := last
	if remote > max {
		max = remote
	}
	if wall > max.WallMS() {
		return MakeHLC(wall, 0)
	}
	return next(max)
}

// next increments the counter, spilling into the wall part on overflow so
// the clock stays monotonic.
func next(h HLC) HLC { return h + 1 }
