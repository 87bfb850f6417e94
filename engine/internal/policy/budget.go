package policy

import (
	"context"
	"log/slog"
)

// Budget lets a message's unclassified failures retry until attempts of
// them have happened, counting from d.Unclassified (what the message spent
// on earlier deliveries, see Tally). A delivery spends one of the budget
// when it has unclassified failures and no retryable one (a system that is
// down explains the rest): under the budget its unclassified failures go
// back to the stream, with one log line and one obs.Retrying; on the last
// one they become Exhausted, for DeadLetter. Deliveries that only waited
// for an open circuit never get here (see Gate).
func Budget(attempts int, log *slog.Logger, obs Observer) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, d *Delivery) error {
			err := next(ctx, d)
			fs := FailuresOf(err)
			f := fs.first(Unclassified)
			if f == nil || fs.first(Retryable) != nil {
				return err
			}
			d.Unclassified++
			if d.Unclassified < attempts {
				log.Warn("failure: the message will be retried", "step", f.Step, "id", d.Msg.ID, "attempt", d.Attempt,
					"unclassified_failures", d.Unclassified, "of", attempts, "error", f.Err)
				obs.Retrying(ctx, d, f)
				return err
			}
			for _, f := range fs {
				if f.Class == Unclassified {
					f.Class = Exhausted
				}
			}
			return err
		}
	}
}
