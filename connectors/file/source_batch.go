package file

import (
	"context"
	"fmt"
	"strconv"

	"github.com/pipewright/pipewright/engine/component"
)

// batcher collects a file's messages and publishes them in batches, moving
// the file's cursor only after each batch is durable.
type batcher struct {
	s    *source
	name string
	msgs []*component.Message
	cur  cursor
}

// add queues one record read up to cursor c. A record that failed to decode
// (decErr) is dead-lettered instead, with its raw text as body.
func (b *batcher) add(ctx context.Context, body any, decErr error, c cursor) error {
	b.cur = c
	line := strconv.Itoa(c.line)
	where := b.name + ":" + line
	msg := component.NewMessage(where, body)
	msg.SetMeta("file", b.name)
	msg.SetMeta("line", line)
	if decErr != nil {
		return b.s.set.DeadLetter.DeadLetter(ctx, msg, component.Permanentf("%s: %v", where, decErr))
	}
	if !b.s.cfg.ID.IsZero() {
		id, err := b.s.cfg.ID.EvalString(ctx, msg)
		if err != nil {
			return b.s.set.DeadLetter.DeadLetter(ctx, msg, component.Permanentf("%s: id: %v", where, err))
		}
		msg.ID = id
	}
	b.msgs = append(b.msgs, msg)
	if len(b.msgs) >= b.s.cfg.BatchSize {
		return b.flush(ctx)
	}
	return nil
}

// flush publishes the queued messages and then stores the cursor.
func (b *batcher) flush(ctx context.Context) error {
	if len(b.msgs) > 0 {
		if err := b.s.set.Publisher.Publish(ctx, b.msgs...); err != nil {
			return fmt.Errorf("publishing %s: %w", b.name, err)
		}
		b.msgs = b.msgs[:0]
	}
	if b.cur.offset == 0 {
		return nil
	}
	return b.s.saveCursor(ctx, b.name, b.cur)
}
