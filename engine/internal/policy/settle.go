package policy

import "context"

// Settle runs once a delivery is settled (the handler returned nil: the
// transport acknowledges it): each of record, in order, files its outcome
// (the replay outcome, the activity record, dead letters it resolves), then
// the cleanups the middlewares inside registered with d.OnSettled. They run
// with a context that the delivery's end does not cancel. A delivery that
// goes back to the stream is not settled: nothing runs.
func Settle(record ...func(ctx context.Context, d *Delivery)) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, d *Delivery) error {
			if err := next(ctx, d); err != nil {
				return err
			}
			ctx = context.WithoutCancel(ctx)
			for _, fn := range record {
				fn(ctx, d)
			}
			for _, fn := range d.settled {
				fn(ctx)
			}
			return nil
		}
	}
}
