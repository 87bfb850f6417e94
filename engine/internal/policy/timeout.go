package policy

import (
	"context"
	"time"
)

// Timeout bounds the handler it wraps (a pipeline's steps and sinks
// together) to d. A step or sink that runs out of time fails with
// context.DeadlineExceeded, which Classify treats as retryable. The
// middlewares outside it keep the delivery's own context, so a timed-out
// delivery is still counted and dead-lettered.
func Timeout(d time.Duration) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, dl *Delivery) error {
			ctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			return next(ctx, dl)
		}
	}
}
