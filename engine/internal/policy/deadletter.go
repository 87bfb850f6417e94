package policy

import "context"

// DeadLetterStore stores f of d as a dead letter and returns the record. An
// error means the record was not stored.
type DeadLetterStore func(ctx context.Context, d *Delivery, f *Failure) (DeadLettered, error)

// DeadLetter stores the permanent, exhausted, expired and held failures the handler
// returns, noting each record in d.Outcome. What is left (retryable and
// unclassified failures under the budget) is returned, and the delivery
// goes back to the stream; without any, the delivery is settled (nil). A
// record that cannot be stored returns its error: the delivery goes back
// and is dead-lettered on a later attempt, never lost.
func DeadLetter(store DeadLetterStore) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, d *Delivery) error {
			err := next(ctx, d)
			fs := FailuresOf(err)
			if fs == nil {
				return err
			}
			var rest Failures
			for _, f := range fs {
				if !f.Class.stored() {
					rest = append(rest, f)
					continue
				}
				rec, serr := store(ctx, d, f)
				if serr != nil {
					return serr
				}
				d.Outcome.DeadLetters = append(d.Outcome.DeadLetters, rec)
			}
			if len(rest) > 0 {
				return rest
			}
			return nil
		}
	}
}
