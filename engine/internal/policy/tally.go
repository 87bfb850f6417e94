package policy

import (
	"context"
	"log/slog"

	"github.com/pipewright/pipewright/engine/component"
)

// Tally keeps each stored message's processing attempts and spent budget
// in state (the engine's JetStream KV: shared by every replica, kept across
// restarts) under the message's stream sequence, since message ids repeat
// (a replay of the same dead letter, a source publishing an id again after
// the duplicate window). Before the handler runs it sets d.Attempt and
// d.Unclassified from the tally; a first delivery has none, so only
// redeliveries read it. A delivery that goes back to the stream writes the
// tally; a settled one deletes it once settled (see Settle). Deliveries
// that only waited for an open circuit never get here (see Gate), so they
// count for neither. A tally that cannot be read hands the delivery back;
// one that cannot be written costs the message one uncounted attempt, as
// do two deliveries of one message at once (its ack wait ran out).
func Tally(state component.State, log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, d *Delivery) error {
			key := tallyKey(d)
			var t tally
			found := false
			if d.Delivered > 1 {
				var err error
				if t, found, err = loadTally(ctx, state, key, d.Msg.ID); err != nil {
					log.Warn("cannot read the message's attempts; it will be retried", "id", d.Msg.ID, "error", err)
					return err
				}
			}
			d.Attempt, d.Unclassified = t.Attempts+1, t.Unclassified
			err := next(ctx, d)
			switch {
			case FailuresOf(err).retrying():
				t = tally{ID: d.Msg.ID, Attempts: d.Attempt, Unclassified: d.Unclassified}
				if perr := saveTally(ctx, state, key, t); perr != nil {
					log.Warn("cannot count the message's attempt", "id", d.Msg.ID, "attempt", d.Attempt, "error", perr)
				}
			case found:
				d.OnSettled(func(ctx context.Context) {
					if err := state.Delete(ctx, key); err != nil {
						log.Warn("cannot forget a settled message's attempts", "id", d.Msg.ID, "error", err)
					}
				})
			}
			return err
		}
	}
}
