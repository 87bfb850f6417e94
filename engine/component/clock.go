package component

import "time"

// Clock tells the time and waits. The engine's clock may run faster than
// real time in tests and benchmarks.
type Clock interface {
	Now() time.Time
	// After waits for d of clock time, like time.After.
	After(d time.Duration) <-chan time.Time
}

// WallClock is the real clock.
type WallClock struct{}

var _ Clock = WallClock{}

// Now returns time.Now().
func (WallClock) Now() time.Time { return time.Now() }

// After is time.After.
func (WallClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// FixedClock is a clock stopped at one time; After waits real time.
type FixedClock time.Time

var _ Clock = FixedClock{}

// Now returns the fixed time.
func (c FixedClock) Now() time.Time { return time.Time(c) }

// After is time.After.
func (FixedClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// ScaledClock runs scale times faster than real time from a start: an hour
// of clock time passes in 3600/scale seconds. Demos, the SP-API simulator and
// accelerated tests use it.
type ScaledClock struct {
	start time.Time // clock time at origin
	real  time.Time // wall time at origin
	scale float64
}

var _ Clock = (*ScaledClock)(nil)

// NewScaledClock returns a clock showing start now and running scale times
// faster than real time (scale ≤ 0 means 1).
func NewScaledClock(start time.Time, scale float64) *ScaledClock {
	if scale <= 0 {
		scale = 1
	}
	return &ScaledClock{start: start, real: time.Now(), scale: scale}
}

// Now returns the scaled time.
func (c *ScaledClock) Now() time.Time {
	return c.start.Add(time.Duration(float64(time.Since(c.real)) * c.scale))
}

// After fires after d of clock time (d/scale of real time).
func (c *ScaledClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.Now()
		return ch
	}
	time.AfterFunc(time.Duration(float64(d)/c.scale), func() { ch <- c.Now() })
	return ch
}
