package policy

import (
	"context"
	"errors"
	"time"
)

// ErrCircuitOpen hands back a delivery that waited for an open circuit
// longer than its gate allows: it waits in the stream instead.
var ErrCircuitOpen = errors.New("a connection this pipeline needs is unavailable")

// Waiter is a connection's circuit breaker as a gate sees it.
type Waiter interface {
	// Wait returns true once a message may use the connection: at once
	// while the circuit is closed, or when it closes within max. It
	// returns false when max passes or ctx ends first.
	Wait(ctx context.Context, max time.Duration) bool
}

// Gate holds a delivery until every circuit in circuits lets it through,
// waiting at most wait for each. A delivery a circuit does not let through
// goes back to the stream with ErrCircuitOpen without running anything: it
// is not an attempt and spends no budget. waited (may be nil) is told of it.
func Gate(circuits []Waiter, wait time.Duration, waited func(*Delivery)) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, d *Delivery) error {
			for _, c := range circuits {
				if !c.Wait(ctx, wait) {
					if waited != nil {
						waited(d)
					}
					return ErrCircuitOpen
				}
			}
			return next(ctx, d)
		}
	}
}
