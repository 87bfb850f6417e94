package source

import (
	"context"
	"fmt"

	"github.com/pipewright/pipewright/engine/component"
)

// deliver publishes a batch, retrying until the messages are durable (or
// dead-lettered when the transport refuses them for good), then calls its
// Ack and stores its cursor. The publish, Ack and cursor use a context
// that the source's stop does not cancel, so that a started batch is
// finished; retries stop when ctx ends. An error means the batch is not
// done and the loop polls again from the old cursor.
func (l *loop) deliver(ctx context.Context, b component.Batch) error {
	if len(b.Messages) > 0 && !l.publish(ctx, b.Messages) {
		return ctx.Err()
	}
	return l.commit(ctx, b)
}

// deliverOnce is deliver without retries.
func (l *loop) deliverOnce(ctx context.Context, b component.Batch) error {
	if len(b.Messages) > 0 {
		if err := l.publishOnce(ctx, b.Messages); err != nil {
			return err
		}
	}
	return l.commit(ctx, b)
}

// publish publishes msgs until it succeeds; false when ctx ended first.
func (l *loop) publish(ctx context.Context, msgs []*component.Message) bool {
	return l.retry(ctx, "publishing", func() error { return l.publishOnce(ctx, msgs) })
}

// publishOnce publishes msgs once. When the publisher refuses them
// permanently (a message the transport can never store), each is
// dead-lettered with the reason instead, and the batch counts as done.
func (l *loop) publishOnce(ctx context.Context, msgs []*component.Message) error {
	ctx = context.WithoutCancel(ctx)
	err := l.r.set.Publisher.Publish(ctx, msgs...)
	if err == nil || !component.IsPermanent(err) {
		return err
	}
	l.log.Error("the transport refused a batch; dead-lettering its messages", "error", err, "messages", len(msgs))
	if l.r.set.DeadLetter == nil {
		return fmt.Errorf("dead-lettering a refused batch: the engine gave no dead-letter stream: %w", err)
	}
	for _, m := range msgs {
		if dlErr := l.r.set.DeadLetter.DeadLetter(ctx, m, err); dlErr != nil {
			return component.Retryable(fmt.Errorf("dead-lettering message %s: %w", m.ID, dlErr))
		}
	}
	return nil
}

// commit calls the batch's Ack and stores its cursor (see store).
func (l *loop) commit(ctx context.Context, b component.Batch) error {
	ctx = context.WithoutCancel(ctx)
	if b.Ack != nil {
		if err := b.Ack(ctx); err != nil {
			return fmt.Errorf("recording the published batch: %w", err)
		}
	}
	if b.Cursor == nil {
		return nil
	}
	return l.store(ctx, b.Cursor)
}
