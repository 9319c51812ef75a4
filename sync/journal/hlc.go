package journal

import (
	"fmt"
	"math"
	"time"
)

// HLC is a hybrid logical clock timestamp: milliseconds of wall time in the
// high 48 bits and a logical counter in the low 16. It orders events across
// devices even when their clocks disagree, and it never goes backwards on one
// device, so a device whose clock is years off still orders its own events.
type HLC int64

const logicalBits = 16

// MaxHLC is the largest timestamp; the clock stops there instead of
// wrapping to a negative value.
const MaxHLC = HLC(math.MaxInt64)

// MaxClockAhead is how far ahead of the (server-corrected) clock this
// device lets any timestamp be: it never adopts a remote clock beyond it,
// and re-stamps its unsent events beyond it before a push. It is half the
// server's bound (wire.MaxClockAheadMS), so what a device sends is never
// refused for its clock.
const MaxClockAhead = 30 * time.Minute

// MakeHLC builds a timestamp from wall-clock milliseconds and a counter.
// Milliseconds outside 0…2^47−1 are clamped, so the result is never negative.
func MakeHLC(wallMS int64, logical uint16) HLC {
	wallMS = max(0, min(wallMS, int64(MaxHLC)>>logicalBits))
	return HLC(wallMS<<logicalBits | int64(logical))
}

// Limit is the highest timestamp a device accepts at clock now: now plus
// MaxClockAhead.
func Limit(now time.Time) HLC {
	return MakeHLC(now.Add(MaxClockAhead).UnixMilli(), math.MaxUint16)
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
// later local event sorts after what this device has seen. A remote clock
// beyond Limit(now) is not adopted: one device with a wild clock must not
// drag the others' clocks with it.
func Observe(last, remote HLC, now time.Time) HLC {
	wall := now.UnixMilli()
	m := last
	if remote > m && remote <= Limit(now) {
		m = remote
	}
	if wall > m.WallMS() {
		return MakeHLC(wall, 0)
	}
	return next(m)
}

// next increments the counter, spilling into the wall part on overflow so
// the clock stays monotonic, and stops at MaxHLC instead of wrapping.
func next(h HLC) HLC {
	if h >= MaxHLC {
		return MaxHLC
	}
	return h + 1
}
