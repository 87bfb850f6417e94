package service

import (
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/policy"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// A source's batch is stored in packs: consecutive records in one stream
// message (transport.EncodePack), so the stream stores, delivers and
// acknowledges once per pack. The consumer runs each record through the
// same per-record handler as a single message (steps, sinks, error policy,
// dead letters, activity), several at a time, and acknowledges the pack
// once every record is settled. When a record has to be retried no further
// record starts; which records are done is written in the pack's done set
// (pack_done.go, one put) and the pack goes back to the stream with the
// backoff; its redelivery processes only the records that were not done.
// A pipeline with a keyless sink also writes the done set of every settled
// pack before acknowledging it: that is how its sinks drop a repeated pack
// at one read and one write per pack (pack_run.go, pack_seen.go).

// Pack bounds unless transport.pack says otherwise.
const (
	defaultPackRecords = 128
	defaultPackBytes   = 256 << 10
	// packHeadroom is what a pack leaves of the server's max_payload for
	// its headers.
	packHeadroom = 64 << 10
)

// packSize bounds the packs of a batch.
type packSize struct{ records, bytes int }

// packSize is the project's pack bounds.
func (e *Engine) packSize() packSize {
	t := e.project().Transport.Pack
	s := packSize{records: t.Records, bytes: t.Bytes}
	if s.records <= 0 {
		s.records = defaultPackRecords
	}
	if s.bytes <= 0 {
		s.bytes = defaultPackBytes
	}
	if limit := int(e.conn.NC.MaxPayload()) - packHeadroom; limit > 0 && s.bytes > limit {
		s.bytes = limit
	}
	return s
}

// split cuts records into packs of consecutive records within the bounds;
// a record larger than the byte bound is a pack of its own.
func (s packSize) split(records []*message.Message) [][]*message.Message {
	var packs [][]*message.Message
	start, size := 0, 0
	for i, r := range records {
		n := transport.PackedSize(r)
		if i > start && (i-start == s.records || size+n > s.bytes) {
			packs = append(packs, records[start:i])
			start, size = i, 0
		}
		size += n
	}
	return append(packs, records[start:])
}

// packWorkers is how many records of one pack are processed at once: their
// sink writes go out together (see batcher), as the records of a pack share
// nothing else.
const packWorkers = 8

// handlePack handles a stream message holding a pack: each record its done
// set (pack_done.go) does not hold goes through the per-record handler,
// packWorkers at a time. It returns nil once every record is settled, else
// the error of a record that sends the pack back to the stream; once a
// record failed, no further record starts. inProgress is called before each
// record starts, to keep the pack's acknowledgement deadline away.
func (p *pipelineRunner) handlePack(wm *message.Message, inProgress func()) error {
	records, err := transport.DecodePack(wm.Payload)
	if err != nil {
		d := &policy.Delivery{Msg: &component.Message{ID: wm.UUID, Metadata: map[string]string(wm.Metadata), Body: "(a pack that cannot be decoded)"},
			Seq: metaUint(wm, transport.MetaStreamSeq), Attempt: 1}
		_, err = p.storeDeadLetter(wm.Context(), d, &policy.Failure{Step: "decode", Input: d.Msg, Err: err, Class: policy.Permanent})
		return err
	}
	ctx := wm.Context()
	run, err := p.startPack(ctx, wm, records)
	if err != nil {
		return err
	}
	defer run.end()
	w := &packWork{p: p, records: records, rc: receiptOf(wm), inProgress: inProgress, done: make([]bool, len(records))}
	w.rc.packed = true
	for i, r := range records {
		if run.done.has(r.UUID) {
			w.done[i] = true
			continue
		}
		r.SetContext(ctx)
		w.todo = append(w.todo, i)
	}
	// A few workers take the records in order; the handler's goroutine is
	// one of them. Workers, not a goroutine per record: a record's steps
	// grow its goroutine's stack, which a worker keeps for the next.
	var wg sync.WaitGroup
	for range min(packWorkers, len(w.todo)) - 1 {
		wg.Go(w.work)
	}
	w.work()
	wg.Wait()
	run.finish(ctx, w.done, w.settled, w.first == nil)
	return w.first
}

// packWork is the records of one delivery of a pack, shared by the
// workers that process them.
type packWork struct {
	p          *pipelineRunner
	records    []*message.Message
	rc         receipt // of the pack's stream message
	inProgress func()

	mu      sync.Mutex
	todo    []int  // indexes of the records to process, in order
	next    int    // of todo, the next to start
	done    []bool // by index: settled, now or before
	settled int    // settled now
	first   error  // of the first record that failed
}

// work processes records until none is left or one failed.
func (w *packWork) work() {
	for {
		w.mu.Lock()
		if w.first != nil || w.next == len(w.todo) {
			w.mu.Unlock()
			return
		}
		i := w.todo[w.next]
		w.next++
		w.inProgress()
		w.mu.Unlock()
		rc := w.rc
		rc.record = i
		err := w.p.handleRecord(w.records[i], rc)
		w.mu.Lock()
		switch {
		case err == nil:
			w.done[i] = true
			w.settled++
		case w.first == nil:
			w.first = err
		}
		w.mu.Unlock()
	}
}

// inProgress tells JetStream that wm's stream message is still being
// processed, at most every third of AckWait, so that a pack of slow
// records is not delivered again meanwhile.
func (e *Engine) inProgress(wm *message.Message) func() {
	last := time.Now()
	every := e.limits().AckWait / 3
	return func() {
		if time.Since(last) < every {
			return
		}
		last = time.Now()
		if v, ok := e.inFlight.m.Load(wm); ok {
			if m := v.(*nats.Msg); m.Reply != "" {
				_ = e.conn.NC.Publish(m.Reply, []byte("+WPI"))
			}
		}
	}
}

// isPack reports whether wm holds a pack.
func isPack(wm *message.Message) bool { return wm.Metadata.Get(transport.MetaPack) != "" }

// packHandlerWait bounds the handling of one stream message: a pack's
// records run one after another, each within errors.timeout, while
// inProgress keeps JetStream's ack_wait from running out, so a pack may
// take far longer than ack_wait.
const packHandlerWait = time.Hour

// packAckWait is how long the subscriber waits for the handler's verdict
// on a stream message before it cancels it.
func packAckWait(ackWait time.Duration) time.Duration { return max(ackWait, packHandlerWait) }
