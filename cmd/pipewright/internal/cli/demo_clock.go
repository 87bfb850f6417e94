package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// demoClockFile keeps the reading of run's accelerated clock (-time-scale)
// in the data directory.
const demoClockFile = "demo-clock"

// resumeDemoClock returns run's accelerated clock. It starts where the last
// run's stopped (or at the wall clock when that is later), so the simulated
// world, the engine's cursors and its dead letters stay in step across
// restarts instead of jumping back hours. Its reading is saved every few
// seconds until stop is called, and once more then.
func resumeDemoClock(dataDir string, scale float64) (clock *component.ScaledClock, stop func()) {
	path := filepath.Join(dataDir, demoClockFile)
	start := time.Now().UTC()
	if data, err := os.ReadFile(path); err == nil {
		if saved, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(data))); err == nil && saved.After(start) {
			start = saved
		}
	}
	clock = component.NewScaledClock(start, scale)
	save := func() {
		if err := os.MkdirAll(dataDir, 0o755); err == nil || errors.Is(err, fs.ErrExist) {
			_ = os.WriteFile(path, []byte(clock.Now().UTC().Format(time.RFC3339Nano)+"\n"), 0o644)
		}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				save()
				return
			case <-t.C:
				save()
			}
		}
	}()
	return clock, func() {
		close(done)
		<-stopped
	}
}

// sharedDemoClock returns run's accelerated clock when it starts from a
// given origin (-time-origin): the clock read origin at that instant of
// real time and has run scale times faster since, so every engine (and a
// simulator) given the same origin and scale reads the same time.
func sharedDemoClock(origin time.Time, scale float64) *component.ScaledClock {
	return component.NewScaledClock(origin.Add(time.Duration(float64(time.Since(origin))*scale)), scale)
}
