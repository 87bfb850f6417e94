package policy

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// MaxWait ends the wait of a message whose failures wait for something
// elsewhere (component.Waiting: a refund whose order is not in the target
// yet): once the message began waiting limit or longer ago by now, such a
// failure becomes Expired, its error naming the limit, and DeadLetter
// stores it. since tells when the message began waiting (received, or
// replayed). A limit of 0 lets messages wait without end. It runs inside
// Classify, which keeps the class it set.
func MaxWait(limit time.Duration, since func(*component.Message) (time.Time, bool), now func() time.Time, log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, d *Delivery) error {
			err := next(ctx, d)
			if limit <= 0 {
				return err
			}
			for _, f := range FailuresOf(err) {
				if f.Class != "" || !component.IsWaiting(f.Err) {
					continue
				}
				if start, ok := since(d.Msg); ok && now().Sub(start) >= limit {
					log.Warn("waited longer than errors.max_wait: the message is dead-lettered", "step", f.Step, "id", d.Msg.ID,
						"max_wait", limit, "error", f.Err)
					f.Class, f.Err = Expired, fmt.Errorf("waited longer than %s (errors.max_wait): %w", limit, f.Err)
				}
			}
			return err
		}
	}
}
