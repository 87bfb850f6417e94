package transport

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ReaderIdle is when the server drops a reader's consumer whose deletion
// was lost (its engine died mid-read).
const ReaderIdle = 30 * time.Second

// Reader creates the consumer of one bounded read of a stream (an API
// call, a console page): ephemeral, in memory, one replica, no acks, from
// cfg's start. Unlike nats.go's ordered consumer, which creates a second
// consumer on its first fetch and deletes the first in the background, it
// is one consumer, and the returned func deletes it before it returns, so
// a console polling a store leaves none behind.
func Reader(ctx context.Context, stream jetstream.Stream, cfg jetstream.ConsumerConfig) (jetstream.Consumer, func(), error) {
	cfg.AckPolicy = jetstream.AckNonePolicy
	cfg.InactiveThreshold = ReaderIdle
	cfg.MemoryStorage = true
	cfg.Replicas = 1
	cons, err := stream.CreateConsumer(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("creating a reader: %w", err)
	}
	name := cons.CachedInfo().Name
	return cons, func() { _ = stream.DeleteConsumer(context.WithoutCancel(ctx), name) }, nil
}
