package transport

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Limits configures the streams and consumers.
type Limits struct {
	// DuplicateWindow is how long message ids are remembered (default 2m).
	DuplicateWindow time.Duration
	// AckWait is how long a delivery may stay unacknowledged (default 60s).
	AckWait time.Duration
	// SinkDedupWindow is how long the seen-id bucket remembers a message
	// id a sink completed (default 24h; see DefaultSinkDedupWindow).
	SinkDedupWindow time.Duration
	// MaxAckPending bounds the messages in flight per consumer (default
	// DefaultMaxAckPending).
	MaxAckPending int
	// MaxBytes bounds each pipeline stream; publishers get an error (and
	// retry) when it is full. 0: unlimited.
	MaxBytes int64
	// Replicas of every stream and bucket (0: one; Provision resolves an
	// unset count to the cluster's, see ResolveReplicas).
	Replicas int
}

// DefaultSinkDedupWindow is how long a sink's completed message ids are
// remembered by default. A message whose acknowledgement was lost comes
// again after AckWait (60s by default; the consumer redelivers without a
// count limit, and every redelivery of one message carries its id), or,
// when no engine runs, as soon as one starts again: a day covers the
// redelivery after a lost acknowledgement many times over, and an outage
// of every engine of up to a day.
const DefaultSinkDedupWindow = 24 * time.Hour

// DefaultMaxAckPending is how many messages a pipeline's consumer hands out
// before their acknowledgements: enough to keep the engine's workers (32
// by default) busy while acknowledgements travel, few enough that the
// deliveries waiting in the subscribers' buffers stay small (each is a
// whole message in memory).
const DefaultMaxAckPending = 512

// WithDefaults fills the zero fields with the defaults.
func (l Limits) WithDefaults() Limits {
	if l.DuplicateWindow == 0 {
		l.DuplicateWindow = 2 * time.Minute
	}
	if l.AckWait == 0 {
		l.AckWait = 60 * time.Second
	}
	if l.SinkDedupWindow == 0 {
		l.SinkDedupWindow = DefaultSinkDedupWindow
	}
	if l.MaxAckPending == 0 {
		l.MaxAckPending = DefaultMaxAckPending
	}
	if l.MaxBytes == 0 {
		l.MaxBytes = -1
	}
	return l
}

// Every Ensure function creates or updates its objects with retry (see
// Transient): engines started together on a fresh cluster create the same
// objects at the same moment, and a cluster that is forming or restarting
// answers "not yet" for a while. They give up when ctx ends.

// EnsurePipeline creates or updates a pipeline's stream (work-queue
// retention: a message leaves the stream when acknowledged) and its durable
// push consumer with a deliver group, so every engine instance shares it.
func EnsurePipeline(ctx context.Context, js jetstream.JetStream, n Names, pipeline string, lim Limits) error {
	lim = lim.WithDefaults()
	stream := jetstream.StreamConfig{
		Name:        n.Stream(pipeline),
		Description: "pipewright input of pipeline " + pipeline,
		Subjects:    []string{n.Subject(pipeline)},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Duplicates:  lim.DuplicateWindow,
		MaxBytes:    lim.MaxBytes,
		Discard:     jetstream.DiscardNew,
		Replicas:    lim.Replicas,
	}
	if _, err := EnsureStream(ctx, js, stream); err != nil {
		return err
	}
	durable := n.Durable(pipeline)
	consumer := jetstream.ConsumerConfig{
		Durable:        durable,
		Description:    "pipewright workers of pipeline " + pipeline,
		DeliverSubject: "_pw.deliver." + durable,
		DeliverGroup:   durable,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        lim.AckWait,
		MaxDeliver:     -1, // retries are decided by the engine, never by dropping
		MaxAckPending:  lim.MaxAckPending,
	}
	return retryCreate(ctx, "consumer "+durable, func(ctx context.Context) error {
		_, err := js.CreateOrUpdatePushConsumer(ctx, n.Stream(pipeline), consumer)
		return err
	}, func(ctx context.Context) bool {
		// Consumer names come from the cluster's meta leader, which knows
		// a consumer as soon as it is assigned.
		st, err := js.Stream(ctx, n.Stream(pipeline))
		if err != nil {
			return false
		}
		names := st.ConsumerNames(ctx)
		found := false
		for name := range names.Name() {
			found = found || name == durable
		}
		return found && names.Err() == nil
	})
}

// EnsureStream creates or updates a stream with retry.
func EnsureStream(ctx context.Context, js jetstream.JetStream, cfg jetstream.StreamConfig) (st jetstream.Stream, err error) {
	err = retryCreate(ctx, "stream "+cfg.Name, func(ctx context.Context) error {
		st, err = js.CreateOrUpdateStream(ctx, cfg)
		return err
	}, streamExists(js, cfg.Name, cfg.Subjects))
	return st, err
}

// EnsureDLQ creates or updates the dead-letter stream: one message per
// subject (each record's latest version); records stay until they are
// dropped or their retention removes them. Direct gets stay off: reading a
// record by id asks for the last message of a wildcard subject.
func EnsureDLQ(ctx context.Context, js jetstream.JetStream, n Names, lim Limits) (jetstream.Stream, error) {
	lim = lim.WithDefaults()
	cfg := jetstream.StreamConfig{
		Name:              n.DLQStream(),
		Description:       "pipewright dead letters of project " + n.Project,
		Subjects:          []string{n.DLQRoot() + ".>"},
		Retention:         jetstream.LimitsPolicy,
		Storage:           jetstream.FileStorage,
		MaxMsgsPerSubject: 1,
		Duplicates:        lim.DuplicateWindow,
		Replicas:          lim.Replicas,
	}
	return EnsureStream(ctx, js, cfg)
}

// Buckets are the project's key/value buckets.
type Buckets struct {
	// State holds component state (component.State).
	State jetstream.KeyValue
	// Replays holds the outcomes of dead-letter replays for a day.
	Replays jetstream.KeyValue
	// Shared holds what engines coordinate on (component.SharedState).
	Shared jetstream.KeyValue
	// Seen holds the message ids sinks completed (component.SeenIDs); a
	// key expires SinkDedupWindow after it was written.
	Seen jetstream.KeyValue
}

// EnsureBuckets creates or updates the project's buckets.
func EnsureBuckets(ctx context.Context, js jetstream.JetStream, n Names, lim Limits) (Buckets, error) {
	lim = lim.WithDefaults()
	var b Buckets
	var err error
	for _, one := range []struct {
		kv  *jetstream.KeyValue
		cfg jetstream.KeyValueConfig
	}{
		{&b.State, jetstream.KeyValueConfig{Bucket: n.StateBucket(), History: 1,
			Description: "pipewright component state (cursors, snapshots, bookkeeping)"}},
		{&b.Replays, jetstream.KeyValueConfig{Bucket: n.ReplayBucket(), TTL: 24 * time.Hour,
			Description: "pipewright dead-letter replay outcomes"}},
		{&b.Shared, jetstream.KeyValueConfig{Bucket: n.SharedBucket(), History: 1,
			Description: "pipewright state the engines of the project coordinate on (shared rate limits)"}},
		{&b.Seen, jetstream.KeyValueConfig{Bucket: n.SeenBucket(), History: 1, TTL: lim.SinkDedupWindow,
			Description: "pipewright message ids sinks completed, for de-duplication"}},
	} {
		one.cfg.Storage, one.cfg.Replicas = jetstream.FileStorage, lim.Replicas
		if *one.kv, err = ensureBucket(ctx, js, one.cfg); err != nil {
			return Buckets{}, err
		}
	}
	return b, nil
}

// ensureBucket creates or updates a key/value bucket with retry.
func ensureBucket(ctx context.Context, js jetstream.JetStream, cfg jetstream.KeyValueConfig) (kv jetstream.KeyValue, err error) {
	err = retryCreate(ctx, "bucket "+cfg.Bucket, func(ctx context.Context) error {
		kv, err = js.CreateOrUpdateKeyValue(ctx, cfg)
		return err
	}, streamExists(js, "KV_"+cfg.Bucket, []string{"$KV." + cfg.Bucket + ".>"}))
	return kv, err
}

// streamExists returns a function telling whether a stream exists: it
// asks which stream has the stream's first subject, which the cluster's
// meta leader answers as soon as the stream is assigned (stream info waits
// for the stream's own leader).
func streamExists(js jetstream.JetStream, name string, subjects []string) func(ctx context.Context) bool {
	return func(ctx context.Context) bool {
		if len(subjects) == 0 {
			return false
		}
		got, err := js.StreamNameBySubject(ctx, subjects[0])
		return err == nil && got == name
	}
}
