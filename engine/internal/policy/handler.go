package policy

import "context"

// Handler handles one delivery. It returns nil when the delivery is settled
// (acknowledged) and an error when the message should go back to the stream
// and be delivered again after the backoff; Failures name what failed.
type Handler func(ctx context.Context, d *Delivery) error

// Middleware wraps a Handler with one part of the policy.
type Middleware func(Handler) Handler

// Chain wraps h in mws; the first middleware is the outermost, so it is
// the first to see a delivery and the last to see its result.
func Chain(h Handler, mws ...Middleware) Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// Observer is told what the policy decided, for metrics and the activity
// record. It is called from the delivery's goroutine and must not block for
// long.
type Observer interface {
	// Failed is called once for each retryable or unclassified failure as
	// it is classified (permanent ones are counted where they are stored).
	Failed(d *Delivery, f *Failure)
	// Retrying is called once for a delivery that goes back to the stream
	// because of its failures, with the failure that decided it.
	Retrying(ctx context.Context, d *Delivery, f *Failure)
}
