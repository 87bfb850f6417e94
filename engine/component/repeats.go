package component

import (
	"context"
	"errors"
	"log/slog"
	"sync"

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
// In the engine the SeenIDs answer for the records of a pack (many
// records in one stream message) from memory: the engine skips the records
// of a pack it settled before (a redelivery, or a source's republish of
// the same records) before they reach the sink, and writes which records
// of a pack were settled once per pack, before acknowledging it. Single
// messages (webhooks, replays) and Record are checked and recorded one ID
// at a time.
//
// What remains: a crash after the write and before the ID is recorded
// writes the message again on redelivery, unless the sink can tell at
// start what it wrote and calls Record. For a single message that window
// is one key/value put; for a record of a pack it is the pack: a crash
// (kill -9) before the pack's settlement was written writes again the
// records of that pack the sink had completed in that delivery, except
// those it records at start. An ID is forgotten after the window of the
// SeenIDs (the project's transport.sink_dedup_window).
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
// pipewright_sink_duplicates_dropped_total{pipeline}; a set.Seen that is
// a RepeatSkipper is told so, with that counter.
func NewRepeats(set SinkSettings) *Repeats {
	seen := set.Seen
	if seen == nil {
		seen = NewStateSeenIDs(set.State)
	}
	r := &Repeats{seen: seen, log: set.Logger, dropped: droppedCounter(set.Metrics).WithLabelValues(set.Pipeline)}
	if s, ok := seen.(RepeatSkipper); ok {
		s.CountSkipsIn(r.dropped)
	}
	return r
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
	var check []int           // indexes of the first message of each ID
	for i, m := range batch {
		if j, ok := first[m.ID]; ok && m.ID != "" {
			same[i] = j
			continue
		}
		first[m.ID] = i
		check = append(check, i)
	}
	seen := make([]bool, len(batch))
	mem, _ := r.seen.(MemorySeenIDs)
	var ask []int // indexes of the messages Seen is asked about
	for _, i := range check {
		switch id := batch[i].ID; {
		case id == "":
		case mem == nil:
			ask = append(ask, i)
		default:
			var ok bool
			if seen[i], ok = mem.SeenInMemory(id); !ok {
				ask = append(ask, i)
			}
		}
	}
	var mu sync.Mutex
	concurrently(len(ask), func(k int) {
		i := ask[k]
		ok, err := r.seen.Seen(ctx, batch[i].ID)
		mu.Lock()
		defer mu.Unlock()
		seen[i] = ok
		if err != nil {
			errs[i] = err
		}
	})
	var fresh []*Message
	var index []int // fresh position -> batch position
	for _, i := range check {
		switch {
		case errs[i] != nil:
		case seen[i]:
			r.drop(batch[i])
		default:
			fresh, index = append(fresh, batch[i]), append(index, i)
		}
	}
	if len(fresh) > 0 {
		werr := write(ctx, fresh)
		var be *BatchError
		if werr != nil && len(fresh) == len(batch) && !errors.As(werr, &be) {
			return werr // one error for the whole batch, as the sink said it
		}
		var done []int // indexes of the written messages Record is called for
		for k, i := range index {
			switch err := ErrFor(werr, k); {
			case err != nil:
				errs[i] = err
			case batch[i].ID == "":
			case mem == nil || !mem.RecordInMemory(batch[i].ID):
				done = append(done, i)
			}
		}
		concurrently(len(done), func(k int) { r.record(ctx, batch[done[k]]) })
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

// inFlight bounds the SeenIDs calls Repeats makes at once: a batch's
// checks and records go out together, so a batch costs about one round
// trip to the bucket each way rather than one per message.
const inFlight = 64

// concurrently calls f(0) ... f(n-1), at most inFlight at a time, and
// returns when every call has.
func concurrently(n int, f func(k int)) {
	switch n {
	case 0:
		return
	case 1:
		f(0)
		return
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, inFlight)
	for k := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			f(k)
		})
	}
	wg.Wait()
}

// Record records ids as completed, for a sink that finds out at start
// what it completed before a crash without recording it (the file sink
// notes each batch before it appends it). Empty ids are skipped; the
// errors are returned joined.
func (r *Repeats) Record(ctx context.Context, ids ...string) error {
	errs := make([]error, len(ids))
	concurrently(len(ids), func(k int) {
		if ids[k] != "" {
			errs[k] = r.seen.Record(ctx, ids[k])
		}
	})
	return errors.Join(errs...)
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
