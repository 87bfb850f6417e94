package spapi

import (
	"context"
	"sort"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
)

// stateRound drains the State records under a prefix that intakes leave
// for a worker loop (notified orders, announced reports): a round takes
// every record there is when it starts, in key order, and gives one batch
// per poll. A record whose processing fails stays for the next round.
type stateRound struct {
	prefix  string
	keys    []string
	started bool
}

// next processes the round's records until one gives a batch to publish
// (Ack set; More when records are left); process gets the key without the
// prefix, failed is told of a record that failed (not when ctx ended).
func (r *stateRound) next(ctx context.Context, st component.State, process func(context.Context, string) (component.Batch, error),
	failed func(id string, err error)) (component.Batch, error) {
	if !r.started {
		keys, err := st.Keys(ctx, r.prefix)
		if err != nil {
			return component.Batch{}, err
		}
		sort.Strings(keys)
		r.keys, r.started = keys, true
	}
	for len(r.keys) > 0 && ctx.Err() == nil {
		id := strings.TrimPrefix(r.keys[0], r.prefix)
		r.keys = r.keys[1:]
		b, err := process(ctx, id)
		if err != nil {
			if ctx.Err() == nil {
				failed(id, err)
			}
			continue
		}
		if b.Ack != nil {
			b.More = len(r.keys) > 0
			r.started = b.More // the next poll starts a new round
			return b, nil
		}
	}
	r.started = false
	return component.Batch{}, ctx.Err()
}
