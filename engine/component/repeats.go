package component

import (
	"context"
	"errors"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// Repeats is the de-duplication by message ID of a sink that is not
// idempotent by a business key (an append to a file, a feed, an API call
// without an "already done" answer). JetStream delivers at least once: a
// message whose acknowledgement was lost (a NATS node failing over, an
// engine killed after the write) comes again, with the same ID. Repeats
// drops such a message when the sink completed its ID before, and records
// the ID once the sink completed it.
//
// What remains: a crash after the write and before the ID is recorded
// writes the message again on redelivery (the window is one key/value put),
// and an ID is forgotten after the window of the SeenIDs (the project's
// transport.sink_dedup_window).
//
// A nil *Repeats drops nothing: a sink configured with a business key
// keeps none.
type Repeats struct {
	seen    SeenIDs
	log     *slog.Logger
	dropped prometheus.Counter
}

// NewRepeats returns the de-duplication of the sink set describes: the
// IDs live in set.Seen, or, when it is nil (a component test), in the
// sink's State. Repeats dropped are counted in
// pipewright_sink_duplicates_dropped_total{pipeline}.
func NewRepeats(set SinkSettings) *Repeats {
	seen := set.Seen
	if seen == nil {
		seen = NewStateSeenIDs(set.State)
	}
	return &Repeats{seen: seen, log: set.Logger, dropped: droppedCounter(set.Metrics).WithLabelValues(set.Pipeline)}
}

func droppedCounter(reg prometheus.Registerer) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pipewright_sink_duplicates_dropped_total",
		Help: "Messages a sink dropped because it had completed their message id before (a redelivery).",
	}, []string{"pipeline"})
	if reg == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if err := reg.Register(c); errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
			return existing // a restarted sink counts on
		}
	}
	return c
}

// Write calls write with the messages of batch whose IDs were not
// completed before, records the IDs of those write completed, and returns
// the outcome for batch as Sink.Write does. A repeat is done (nil), also a
// second message of batch with the ID of one write completed; one whose ID
// cannot be checked fails retryable. Messages without an ID are always
// written. A failure to record an ID is logged, not returned: the write is
// done, and failing it would cause the repeat Repeats exists to prevent.
func (r *Repeats) Write(ctx context.Context, batch []*Message, write func(context.Context, []*Message) error) error {
	if r == nil {
		return write(ctx, batch)
	}
	errs := map[int]error{}
	first := map[string]int{} // ID -> index of its first message in batch
	same := map[int]int{}     // index -> index of an earlier message with its ID
	var fresh []*Message
	var index []int // fresh position -> batch position
	for i, m := range batch {
		if j, ok := first[m.ID]; ok && m.ID != "" {
			same[i] = j
			continue
		}
		first[m.ID] = i
		seen, err := r.check(ctx, m.ID)
		switch {
		case err != nil:
			errs[i] = err
		case seen:
			r.drop(m)
		default:
			fresh, index = append(fresh, m), append(index, i)
		}
	}
	if len(fresh) > 0 {
		werr := write(ctx, fresh)
		var be *BatchError
		if werr != nil && len(fresh) == len(batch) && !errors.As(werr, &be) {
			return werr // one error for the whole batch, as the sink said it
		}
		for k, i := range index {
			if err := ErrFor(werr, k); err != nil {
				errs[i] = err
			} else {
				r.record(ctx, batch[i])
			}
		}
	}
	for i, j := range same {
		if errs[j] != nil {
			errs[i] = errs[j]
		} else {
			r.drop(batch[i])
		}
	}
	if len(errs) > 0 {
		return &BatchError{Errors: errs}
	}
	return nil
}

func (r *Repeats) check(ctx context.Context, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	return r.seen.Seen(ctx, id)
}

func (r *Repeats) record(ctx context.Context, m *Message) {
	if m.ID == "" {
		return
	}
	if err := r.seen.Record(ctx, m.ID); err != nil {
		r.log.Warn("written, but its message id could not be recorded: a redelivery would be written again",
			"id", m.ID, "key", m.Meta(MetaKey), "error", err)
	}
}

func (r *Repeats) drop(m *Message) {
	r.dropped.Inc()
	r.log.Debug("dropped a repeat of a message already written", "id", m.ID, "key", m.Meta(MetaKey))
}
