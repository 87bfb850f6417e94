package policy

import (
	"context"
	"log/slog"

	"github.com/pipewright/pipewright/engine/component"
)

// Classify sets the class of each failure the handler returns: permanent,
// retryable (marked so, or a timeout) or unclassified. A delivery with a
// retryable failure goes back to the stream for a retry with backoff, with
// one log line and one obs.Retrying for the delivery however many of its
// outputs failed; the budget is not spent (see Budget). It changes neither
// the error nor what the failures hold otherwise; a failure that already
// has a class keeps it.
func Classify(log *slog.Logger, obs Observer) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, d *Delivery) error {
			err := next(ctx, d)
			fs := FailuresOf(err)
			for _, f := range fs {
				if f.Class == "" {
					f.Class = ClassOf(f.Err)
				}
				if f.Class != Permanent && f.Class != Held {
					obs.Failed(d, f)
				}
			}
			if f := fs.first(Retryable); f != nil {
				log.Warn("retryable failure: the message will be retried", "step", f.Step, "id", d.Msg.ID,
					"correlation_id", d.Msg.Meta(component.MetaCorrelationID), "attempt", d.Attempt, "error", f.Err)
				obs.Retrying(ctx, d, f)
			}
			return err
		}
	}
}
