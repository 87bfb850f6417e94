package runtime

import (
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// WallClock is the real clock.
type WallClock struct{}

// Now returns time.Now().
func (WallClock) Now() time.Time { return time.Now() }

// After is time.After.
func (WallClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// ScaledClock runs Scale times faster than real time from Start, for demos
// and accelerated tests: an hour of clock time passes in 3600/Scale seconds.
type ScaledClock struct {
	Start time.Time // clock time at origin
	Scale float64
	real  time.Time
}

var _ component.Clock = (*ScaledClock)(nil)

// NewScaledClock returns a clock showing start now and running scale times
// faster than real time.
func NewScaledClock(start time.Time, scale float64) *ScaledClock {
	return &ScaledClock{Start: start, Scale: scale, real: time.Now()}
}

// Now returns the scaled time.
func (c *ScaledClock) Now() time.Time {
	elapsed := time.Since(c.real)
	return c.Start.Add(time.Duration(float64(elapsed) * c.Scale))
}

// After fires after d of clock time (d/Scale of real time).
func (c *ScaledClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	time.AfterFunc(time.Duration(float64(d)/c.Scale), func() { ch <- c.Now() })
	return ch
}
