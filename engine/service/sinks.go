package service

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// sinkRunner is a started sink with its connection's circuit (nil without
// a connection) and the batcher feeding it.
type sinkRunner struct {
	key, id string
	sink    component.Sink
	circuit *circuit
	batcher *batcher
	http    *registrar // the sink's notification paths
	// seen is the SeenIDs the sink was given (pack_seen.go).
	seen *packSeen
}

// buildSink creates and starts a sink of p.
func (e *Engine) buildSink(ctx context.Context, p *pipelineRunner, cc *config.ComponentConfig, key string) (*sinkRunner, error) {
	id := p.pl.Name + "/sink/" + cc.Name
	sr := &sinkRunner{key: key, id: id, http: e.http.registrar(id)}
	set := component.SinkSettings{
		Settings:   e.settings(p.dir, id, p.pl.Name),
		DeadLetter: &deadLetterer{p: p, step: "sink:" + cc.Name, index: len(p.pl.Steps), sink: cc.Name},
		HTTP:       sr.http,
	}
	set.Owner = e.leases // a sink's background loop runs on one engine
	if e.seenKV != nil {
		sr.seen = &packSeen{pipeline: p.pl.Name, kv: component.NewStateSeenIDs(transport.NewState(e.seenKV, id)), memo: e.packMemo}
		set.Seen = sr.seen
	}
	if cc.Connection != "" {
		lc := p.conns[cc.Connection]
		set.Connection = lc.conn
		sr.circuit = lc.circuit
	}
	sink, err := cc.Factory.(component.SinkFactory).CreateSink(ctx, set, cc.Config)
	if err != nil {
		e.http.release(sr.http)
		return nil, fmt.Errorf("creating %s (%s): %w", id, cc.Type, err)
	}
	if err := sink.Start(ctx); err != nil {
		_ = sink.Shutdown(ctx)
		e.http.release(sr.http)
		return nil, fmt.Errorf("starting %s: %w", id, err)
	}
	sr.sink = sink
	_, concurrent := sink.(component.ConcurrentSink)
	sr.batcher = newBatcher(sink, concurrent, p.pl.Errors.Timeout.D())
	return sr, nil
}

// write delivers msgs and returns one error (or nil) per message, feeding
// the circuit with the outcome.
func (s *sinkRunner) write(ctx context.Context, msgs []*component.Message) []error {
	errs := s.batcher.write(ctx, msgs)
	if s.circuit != nil {
		for _, err := range errs {
			switch {
			case err == nil || component.IsPermanent(err) || component.IsWaiting(err):
				s.circuit.Success()
			case component.IsRetryable(err):
				s.circuit.Failure(err)
			}
		}
	}
	return errs
}

// batcher gathers the messages that concurrent handlers hand to one sink
// into batches (group commit): while a Write runs, new requests queue up and
// go out together in the next Write. A concurrent sink is called directly.
type batcher struct {
	sink       component.Sink
	concurrent bool
	timeout    time.Duration
	reqs       chan *writeRequest
	done       chan struct{} // closed by stop
	exited     chan struct{} // closed once loop has returned
	once       sync.Once
}

type writeRequest struct {
	msgs []*component.Message
	errs []error
	done chan struct{} // receives once, when the request is written
}

// writeRequests holds requests (and their channels) between writes.
var writeRequests = sync.Pool{New: func() any { return &writeRequest{done: make(chan struct{}, 1)} }}

const maxBatch = 1024

func newBatcher(sink component.Sink, concurrent bool, timeout time.Duration) *batcher {
	b := &batcher{sink: sink, concurrent: concurrent, timeout: timeout, reqs: make(chan *writeRequest, maxBatch),
		done: make(chan struct{}), exited: make(chan struct{})}
	if !concurrent {
		go b.loop()
	}
	return b
}

func (b *batcher) write(ctx context.Context, msgs []*component.Message) []error {
	if b.concurrent {
		return spread(b.sink.Write(ctx, msgs), len(msgs))
	}
	req := writeRequests.Get().(*writeRequest)
	req.msgs = msgs
	select {
	case b.reqs <- req:
	case <-ctx.Done():
		writeRequests.Put(req)
		return spread(component.Retryable(ctx.Err()), len(msgs))
	case <-b.done:
		writeRequests.Put(req)
		return spread(errStopping, len(msgs))
	}
	select {
	case <-req.done:
	case <-b.exited:
		// The loop completes every request it took before it returns; one
		// still queued will never be written (nor reused).
		select {
		case <-req.done:
		default:
			return spread(errStopping, len(msgs))
		}
	}
	errs := req.errs
	req.msgs, req.errs = nil, nil
	writeRequests.Put(req)
	return errs
}

// errStopping hands a message back to the stream when the engine stops.
var errStopping = component.Retryable(errors.New("engine is stopping"))

func (b *batcher) loop() {
	defer close(b.exited)
	for {
		var first *writeRequest
		select {
		case first = <-b.reqs:
		case <-b.done:
			return
		}
		// Group commit: the request woke this loop at once, while the
		// records processed alongside it are still on their way to the
		// sink. Yielding once lets the handlers that can run reach their
		// writes, which then go out in this batch instead of one write each.
		runtime.Gosched()
		reqs := []*writeRequest{first}
		n := len(first.msgs)
	gather:
		for n < maxBatch {
			select {
			case r := <-b.reqs:
				reqs = append(reqs, r)
				n += len(r.msgs)
			default:
				break gather
			}
		}
		batch := make([]*component.Message, 0, n)
		for _, r := range reqs {
			batch = append(batch, r.msgs...)
		}
		ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
		errs := spread(b.sink.Write(ctx, batch), len(batch))
		cancel()
		i := 0
		for _, r := range reqs {
			r.errs = errs[i : i+len(r.msgs)]
			i += len(r.msgs)
			r.done <- struct{}{}
		}
	}
}

// spread turns a Write result into one error per message.
func spread(err error, n int) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = component.ErrFor(err, i)
	}
	return errs
}

func (b *batcher) stop() { b.once.Do(func() { close(b.done) }) }
