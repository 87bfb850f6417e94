package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// tally is what the earlier processing attempts of one stored message
// spent. ID tells a reused stream sequence apart (a stream created again).
type tally struct {
	ID           string `json:"id"`
	Attempts     int    `json:"attempts"`
	Unclassified int    `json:"unclassified"`
}

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
// one that cannot be written costs the message one uncounted attempt.
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
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			switch {
			case FailuresOf(err).retrying():
				b, _ := json.Marshal(tally{ID: d.Msg.ID, Attempts: d.Attempt, Unclassified: d.Unclassified})
				if perr := state.Put(ctx, key, b); perr != nil {
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

// tallyKey is the state key of d's stored message: its stream sequence,
// or a digest of its id when the sequence is unknown.
func tallyKey(d *Delivery) string {
	if d.Seq > 0 {
		return strconv.FormatUint(d.Seq, 10)
	}
	sum := sha256.Sum256([]byte(d.Msg.ID))
	return "id." + hex.EncodeToString(sum[:16])
}

// loadTally reads the tally under key; found reports that one is stored,
// even when it belongs to another message (whose tally then starts anew).
func loadTally(ctx context.Context, state component.State, key, id string) (t tally, found bool, err error) {
	b, err := state.Get(ctx, key)
	if errors.Is(err, component.ErrNotFound) {
		return tally{}, false, nil
	}
	if err != nil {
		return tally{}, false, err
	}
	if err := json.Unmarshal(b, &t); err != nil || t.ID != id {
		return tally{}, true, nil
	}
	return t, true, nil
}
