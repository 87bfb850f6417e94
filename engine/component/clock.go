package component

import (
	"context"
	"sync"
	"time"
)

// Clock tells the time and waits. The engine's clock may run faster than
// real time in tests and benchmarks.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives the clock's time once d of
	// clock time has passed (at once when d ≤ 0). When ctx has ended, or
	// ends first, nothing is ever sent and the clock keeps nothing for the
	// wait: no timer runs, a test clock no longer counts it. Callers select
	// on ctx.Done() beside the channel; to give up a wait for another
	// reason, they pass a context they cancel (Sleep and SleepOrWake do).
	After(ctx context.Context, d time.Duration) <-chan time.Time
}

// Sleep waits d of c's time. It returns ctx's error when ctx ends first;
// the clock's wait ends with it.
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	_, err := SleepOrWake(ctx, c, d, nil)
	return err
}

// SleepOrWake waits d of c's time or until wake fires (a nil wake never
// does), whichever comes first, and reports whether wake fired. It returns
// ctx's error when ctx ends first. The clock's wait is over when it
// returns, so a test clock counts only the waits in progress.
func SleepOrWake(ctx context.Context, c Clock, d time.Duration, wake <-chan struct{}) (woke bool, err error) {
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-wake:
		return true, nil
	case <-c.After(wctx, d):
		return false, nil
	}
}

// WallClock is the real clock.
type WallClock struct{}

var _ Clock = WallClock{}

// Now returns time.Now().
func (WallClock) Now() time.Time { return time.Now() }

// After waits d of real time.
func (WallClock) After(ctx context.Context, d time.Duration) <-chan time.Time {
	return timerAfter(ctx, d, time.Now)
}

// FixedClock is a clock stopped at one time; After waits real time.
type FixedClock time.Time

var _ Clock = FixedClock{}

// Now returns the fixed time.
func (c FixedClock) Now() time.Time { return time.Time(c) }

// After waits d of real time and sends the fixed time.
func (c FixedClock) After(ctx context.Context, d time.Duration) <-chan time.Time {
	return timerAfter(ctx, d, c.Now)
}

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
func (c *ScaledClock) After(ctx context.Context, d time.Duration) <-chan time.Time {
	return timerAfter(ctx, time.Duration(float64(d)/c.scale), c.Now)
}

// timerAfter sends now() after d of real time unless ctx ends first: then
// the timer is stopped. Whichever happens first unhooks the other, so a
// long-lived ctx does not collect a hook per wait.
func timerAfter(ctx context.Context, d time.Duration, now func() time.Time) <-chan time.Time {
	ch := make(chan time.Time, 1)
	if ctx.Err() != nil {
		return ch
	}
	if d <= 0 {
		ch <- now()
		return ch
	}
	var mu sync.Mutex // holds the timer's func until unhook is set
	mu.Lock()
	defer mu.Unlock()
	var unhook func() bool
	t := time.AfterFunc(d, func() {
		mu.Lock()
		live := unhook() // false: ctx ended, the wait is over
		mu.Unlock()
		if live {
			ch <- now()
		}
	})
	unhook = context.AfterFunc(ctx, func() { t.Stop() })
	return ch
}
