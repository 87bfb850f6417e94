package transport

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Limits configures the streams and consumers.
type Limits struct {
	// DuplicateWindow is how long message ids are remembered (default 2m).
	DuplicateWindow time.Duration
	// AckWait is how long a delivery may stay unacknowledged (default 60s).
	AckWait time.Duration
	// MaxAckPending bounds the messages in flight per consumer (default 4096).
	MaxAckPending int
	// MaxBytes bounds each pipeline stream; publishers get an error (and
	// retry) when it is full. 0: unlimited.
	MaxBytes int64
	// Replicas for streams on a cluster (default 1).
	Replicas int
}

// WithDefaults fills the zero fields with the defaults.
func (l Limits) WithDefaults() Limits {
	if l.DuplicateWindow == 0 {
		l.DuplicateWindow = 2 * time.Minute
	}
	if l.AckWait == 0 {
		l.AckWait = 60 * time.Second
	}
	if l.MaxAckPending == 0 {
		l.MaxAckPending = 4096
	}
	if l.Replicas == 0 {
		l.Replicas = 1
	}
	if l.MaxBytes == 0 {
		l.MaxBytes = -1
	}
	return l
}

// EnsurePipeline creates or updates a pipeline's stream (work-queue
// retention: a message leaves the stream when acknowledged) and its durable
// push consumer with a deliver group, so every engine instance shares it.
func EnsurePipeline(ctx context.Context, js jetstream.JetStream, n Names, pipeline string, lim Limits) error {
	lim = lim.WithDefaults()
	_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        n.Stream(pipeline),
		Description: "pipewright input of pipeline " + pipeline,
		Subjects:    []string{n.Subject(pipeline)},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Duplicates:  lim.DuplicateWindow,
		MaxBytes:    lim.MaxBytes,
		Discard:     jetstream.DiscardNew,
		Replicas:    lim.Replicas,
	})
	if err != nil {
		return fmt.Errorf("stream %s: %w", n.Stream(pipeline), err)
	}
	durable := n.Durable(pipeline)
	_, err = js.CreateOrUpdatePushConsumer(ctx, n.Stream(pipeline), jetstream.ConsumerConfig{
		Durable:        durable,
		Description:    "pipewright workers of pipeline " + pipeline,
		DeliverSubject: "_pw.deliver." + durable,
		DeliverGroup:   durable,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        lim.AckWait,
		MaxDeliver:     -1, // retries are decided by the engine, never by dropping
		MaxAckPending:  lim.MaxAckPending,
	})
	if err != nil {
		return fmt.Errorf("consumer %s: %w", durable, err)
	}
	return nil
}

// EnsureDLQ creates or updates the dead-letter stream: one message per
// subject (each record's latest version); records stay until they are
// dropped or their retention removes them. Direct gets stay off: reading a
// record by id asks for the last message of a wildcard subject.
func EnsureDLQ(ctx context.Context, js jetstream.JetStream, n Names, lim Limits) (jetstream.Stream, error) {
	lim = lim.WithDefaults()
	st, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:              n.DLQStream(),
		Description:       "pipewright dead letters of project " + n.Project,
		Subjects:          []string{n.DLQRoot() + ".>"},
		Retention:         jetstream.LimitsPolicy,
		Storage:           jetstream.FileStorage,
		MaxMsgsPerSubject: 1,
		Duplicates:        lim.DuplicateWindow,
		Replicas:          lim.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", n.DLQStream(), err)
	}
	return st, nil
}

// EnsureBuckets creates or updates the state and replay-outcome buckets.
func EnsureBuckets(ctx context.Context, js jetstream.JetStream, n Names, lim Limits) (state, replays jetstream.KeyValue, err error) {
	lim = lim.WithDefaults()
	state, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: n.StateBucket(), Description: "pipewright component state (cursors, snapshots, bookkeeping)",
		Storage: jetstream.FileStorage, Replicas: lim.Replicas, History: 1,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("bucket %s: %w", n.StateBucket(), err)
	}
	replays, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: n.ReplayBucket(), Description: "pipewright dead-letter replay outcomes",
		Storage: jetstream.FileStorage, Replicas: lim.Replicas, TTL: 24 * time.Hour,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("bucket %s: %w", n.ReplayBucket(), err)
	}
	return state, replays, nil
}
