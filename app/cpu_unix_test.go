//go:build unix

package app

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process used so far (user and system): on
// a loaded machine a benchmark's wall time says how busy the machine was,
// its CPU time what the work costs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
