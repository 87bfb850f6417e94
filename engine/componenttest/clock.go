package componenttest

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// ManualClock is a component.Clock that moves only when Advance is called.
type ManualClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	ctx context.Context // the wait is over once it ends
	at  time.Time
	ch  chan time.Time
}

var _ component.Clock = (*ManualClock)(nil)

// NewManualClock returns a clock stopped at start.
func NewManualClock(start time.Time) *ManualClock { return &ManualClock{now: start} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After fires once the clock has been advanced by d, unless ctx ends first.
func (c *ManualClock) After(ctx context.Context, d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drop()
	ch := make(chan time.Time, 1)
	switch {
	case ctx.Err() != nil:
	case d <= 0:
		ch <- c.now
	default:
		c.waiters = append(c.waiters, waiter{ctx: ctx, at: c.now.Add(d), ch: ch})
	}
	return ch
}

// Waiters returns how many After calls are pending: not yet fired, and
// their context not ended. A component that gave up a wait (its context
// ended, or another channel won and it cancelled the wait's context) is no
// longer counted from the moment that context is cancelled.
func (c *ManualClock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drop()
	return len(c.waiters)
}

// Advance moves the clock forward by d and fires the pending waiters that
// are due, earliest first.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.drop()
	sort.Slice(c.waiters, func(i, j int) bool { return c.waiters[i].at.Before(c.waiters[j].at) })
	keep := c.waiters[:0]
	var due []waiter
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			keep = append(keep, w)
		} else {
			due = append(due, w)
		}
	}
	c.waiters = keep
	now := c.now
	c.mu.Unlock()
	for _, w := range due {
		w.ch <- now
	}
}

// drop forgets the waits whose context ended; c.mu is held.
func (c *ManualClock) drop() {
	c.waiters = slices.DeleteFunc(c.waiters, func(w waiter) bool { return w.ctx.Err() != nil })
}
