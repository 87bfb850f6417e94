package service

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/source"
)

// defaultMaxAhead is transport.max_ahead unless set: the messages a
// pipeline's poll sources may run ahead of its consumers. 1,000 keeps eight
// packs of 128 records waiting for the consumers while a source reads its
// next batch; on the standard benchmark the live heap then averages about
// 27 MB instead of 30 at 2,000, the collector runs less often under the
// default memory limit, and throughput is the same (bench/README.md).
const defaultMaxAhead = 1000

// defaultMaxAheadBytes is transport.max_ahead_bytes unless set: the
// payload bytes a pipeline's poll sources may run ahead of its consumers.
// Records of up to 16 KB reach max_ahead first (the standard benchmark's
// take 1.5 KB: 1.5 MB at 1,000); records of 50 KB, which would hold 50 MB
// at 1,000, are held at about 330.
const defaultMaxAheadBytes = 16 << 20

// How often a held source asks for the backlog: soon while the consumers
// drain it, less often while they do not (a stopped sink, a removed
// pipeline's consumer).
const (
	aheadPollMin = 20 * time.Millisecond
	aheadPollMax = time.Second
)

// aheadGate bounds how far a pipeline's poll sources run ahead of its
// consumers (see source.Backpressure), in records, and in payload bytes:
// the bytes bound is turned into records by the bytes a record published
// so far took on average, and the mark is the lower of the two. The
// backlog is what the pipeline's consumer has not settled: every message
// not yet acknowledged, times the records a stream message held on average
// as the sources published them (a pack holds many). Its estimate of it is
// the last reading plus what was published since: an upper bound, as the
// consumers only take messages away, so the backlog is read only when the
// estimate reaches the high mark; a source then waits until the backlog has
// drained to the low mark (half the high one). The publish itself is untouched: every message
// is durable before the source moves on, held back or not. When the
// backlog cannot be read (NATS busy), the source is not held.
type aheadGate struct {
	backlog  func(ctx context.Context) (uint64, error)
	maxRecs  uint64     // the bound in records (math.MaxUint64: none)
	maxBytes uint64     // the bound in payload bytes (0: none)
	held     func(bool) // told when a source starts and stops waiting

	mu       sync.Mutex
	estimate uint64 // records
	known    bool
	// records, messages and bytes count what the sources published, for
	// the records a stream message holds on average (packs, see pack.go)
	// and the payload bytes of a record.
	records, messages, bytes uint64

	slow chan struct{} // one waiter reads the backlog at a time
}

var _ source.Backpressure = (*aheadGate)(nil)

// newAheadGate returns a gate at maxRecords records (<0: none) and
// maxBytes payload bytes (<=0: none).
func newAheadGate(maxRecords int, maxBytes int64, backlog func(context.Context) (uint64, error), held func(bool)) *aheadGate {
	g := &aheadGate{backlog: backlog, maxRecs: math.MaxUint64, held: held, slow: make(chan struct{}, 1)}
	if maxRecords >= 0 {
		g.maxRecs = uint64(maxRecords)
	}
	if maxBytes > 0 {
		g.maxBytes = uint64(maxBytes)
	}
	return g
}

// marks returns the high mark, in records, and the low one (half of it).
// g.mu is held.
func (g *aheadGate) marks() (high, low uint64) {
	high = g.maxRecs
	if g.maxBytes > 0 && g.bytes > 0 {
		perRecord := float64(g.bytes) / float64(g.records)
		high = min(high, max(uint64(float64(g.maxBytes)/perRecord), 1))
	}
	return high, high / 2
}

// mark returns marks() under g.mu.
func (g *aheadGate) mark() (high, low uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.marks()
}

// Wait returns at once while the estimate is below the high mark, else
// once the backlog is below it, or has drained to the low mark when it was
// not; ctx's error when ctx ends first.
func (g *aheadGate) Wait(ctx context.Context) error {
	if g.below() {
		return nil
	}
	select {
	case g.slow <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-g.slow }()
	if g.below() { // read by the waiter before this one
		return nil
	}
	n, ok := g.read(ctx)
	if high, _ := g.mark(); !ok || n < high {
		return ctx.Err()
	}
	g.held(true)
	defer g.held(false)
	delay := aheadPollMin
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for _, low := g.mark(); n > low; _, low = g.mark() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
		prev := n
		if n, ok = g.read(ctx); !ok {
			return ctx.Err()
		}
		if n < prev {
			delay = aheadPollMin
		} else {
			delay = min(2*delay, aheadPollMax)
		}
		timer.Reset(delay)
	}
	return nil
}

// published adds records published in messages stream messages of bytes
// payload bytes to the estimate.
func (g *aheadGate) published(records, messages, bytes int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.estimate += uint64(records)
	g.records += uint64(records)
	g.messages += uint64(messages)
	g.bytes += uint64(bytes)
}

func (g *aheadGate) below() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	high, _ := g.marks()
	return g.known && g.estimate < high
}

// read reads the backlog into the estimate; false when it cannot be read
// (the estimate is then unknown, and read again by the next Wait).
func (g *aheadGate) read(ctx context.Context) (uint64, bool) {
	n, err := g.backlog(ctx)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.messages > 0 {
		n = n * g.records / g.messages
	}
	g.estimate, g.known = n, err == nil
	return n, err == nil
}

// aheadGate returns the gate of a pipeline's poll sources, nil when
// transport.max_ahead and max_ahead_bytes are both -1.
func (e *Engine) aheadGate(pipeline string) *aheadGate {
	t := e.project().Transport
	maxRecs, maxBytes := t.MaxAhead, t.MaxAheadBytes
	if maxRecs == 0 {
		maxRecs = defaultMaxAhead
	}
	if maxBytes == 0 {
		maxBytes = defaultMaxAheadBytes
	}
	if maxRecs < 0 && maxBytes < 0 {
		return nil
	}
	held := e.metrics.held.WithLabelValues(pipeline)
	return newAheadGate(maxRecs, maxBytes, e.streamBacklog(pipeline), func(on bool) {
		if on {
			held.Set(1)
		} else {
			held.Set(0)
		}
	})
}

// streamBacklog returns a function reading how many stream messages a
// pipeline's consumer has not settled (waiting, in flight, or waiting for
// a retry) with one request, keeping the consumer's handle between calls.
// It asks the consumer, not the stream: after a kill -9 a work-queue
// stream can keep messages its consumer had acknowledged (their removal
// was not yet on disk) and will never deliver again, and counting those,
// times the records of a pack, held a source for good. The gate calls it
// from one goroutine at a time.
func (e *Engine) streamBacklog(pipeline string) func(context.Context) (uint64, error) {
	var cons jetstream.PushConsumer
	return func(ctx context.Context) (uint64, error) {
		if cons == nil {
			c, err := e.js.PushConsumer(ctx, e.names.Stream(pipeline), e.names.Durable(pipeline))
			if err != nil {
				return 0, err
			}
			cons = c
		}
		info, err := cons.Info(ctx)
		if err != nil {
			cons = nil
			return 0, err
		}
		return info.NumPending + uint64(info.NumAckPending), nil
	}
}
