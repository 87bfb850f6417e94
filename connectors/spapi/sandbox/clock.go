package sandbox

import (
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// scaledClock is the wall clock sped up: simulated time starts at origin
// and runs scale times faster than real time.
type scaledClock struct {
	origin    time.Time
	realStart time.Time
	scale     float64
}

var _ component.Clock = (*scaledClock)(nil)

// NewScaledClock returns a clock that starts at the current wall-clock time
// and runs scale times faster than real time (scale ≤ 0 means 1). Give the
// engine under test the simulator's Clock() so both agree.
func NewScaledClock(scale float64) component.Clock {
	if scale <= 0 {
		scale = 1
	}
	now := time.Now()
	return &scaledClock{origin: now.UTC().Truncate(time.Millisecond), realStart: now, scale: scale}
}

func (c *scaledClock) Now() time.Time {
	return c.origin.Add(time.Duration(float64(time.Since(c.realStart)) * c.scale))
}

func (c *scaledClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.Now()
		return ch
	}
	time.AfterFunc(time.Duration(float64(d)/c.scale), func() { ch <- c.Now() })
	return ch
}
