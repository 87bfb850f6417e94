package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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

// tallyKey is the state key of d's stored message: its stream sequence
// (and its index in a pack after the first), or a digest of its id when
// the sequence is unknown.
func tallyKey(d *Delivery) string {
	switch {
	case d.Seq > 0 && d.Record > 0:
		return strconv.FormatUint(d.Seq, 10) + "." + strconv.Itoa(d.Record)
	case d.Seq > 0:
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

// saveTally stores t under key with a fresh context: a delivery that timed
// out still counts.
func saveTally(ctx context.Context, state component.State, key string, t tally) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return state.Put(ctx, key, b)
}
