//go:build unix

package expr_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the test process has used, so that
// benchmarks can report CPU per operation (garbage collection included)
// beside wall time, which a shared machine inflates.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
