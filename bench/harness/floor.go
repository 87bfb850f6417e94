package main

import (
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// runFloor measures the hand-written floor (2 workers) on input, writing
// to out.
func runFloor(bin, input, out string, orders int) (result, error) {
	cmd := exec.Command(bin, "-workers", "2", "-in", input, "-out", out)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("floor: %w", err)
	}
	wall := time.Since(start)
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return result{}, fmt.Errorf("floor: no resource usage on this system")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return result{orders: orders, wall: wall, cpu: cpu, peakRSS: ru.Maxrss << 10}, nil
}
