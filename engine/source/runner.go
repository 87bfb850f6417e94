package source

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Options configures a Runner.
type Options struct {
	// Owner is asked before every poll; nil is NopOwner.
	Owner Owner
	// Recheck is how long a loop that does not own its source waits before
	// asking the Owner again (or its interval, when shorter); default
	// DefaultRecheck. With a lease, a fraction of the lease time.
	Recheck time.Duration
	// Backpressure is waited for before every poll; nil is NoBackpressure.
	Backpressure Backpressure
}

// DefaultRecheck is Options.Recheck unless set.
const DefaultRecheck = 5 * time.Second

// Runner is a source as the engine runs it: the source's own Start and
// Shutdown, plus the loops of a component.Poller and the routes of a
// component.Pusher. A source that is neither runs as it is.
type Runner struct {
	set     component.SourceSettings
	src     component.Source
	owner   Owner
	recheck time.Duration
	bp      Backpressure
	routes  []*route
	mu      sync.Mutex
	loops   []string // the Owner's ids of the loops started (mu)
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

var _ component.Source = (*Runner)(nil)

// New returns the runner of src, created with set. It starts nothing.
func New(set component.SourceSettings, src component.Source, opts Options) *Runner {
	if opts.Owner == nil {
		opts.Owner = NopOwner{}
	}
	if opts.Recheck <= 0 {
		opts.Recheck = DefaultRecheck
	}
	if opts.Backpressure == nil {
		opts.Backpressure = NoBackpressure{}
	}
	return &Runner{set: set, src: src, owner: opts.Owner, recheck: opts.Recheck, bp: opts.Backpressure}
}

// Source returns the source the runner runs.
func (r *Runner) Source() component.Source { return r.src }

// Loops returns the ids under which the started runner asks its Owner for
// its loops (the source's ID, plus "/" and the loop's name when it has
// one), in the order the source declared them; none for a source that
// does not poll or was not started. It is safe for concurrent use.
func (r *Runner) Loops() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.loops...)
}

// Start starts the source, then serves its routes and starts its loops.
// ctx only bounds starting: the loops run until Shutdown. When a route
// cannot be registered, what was started is stopped again.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.src.Start(ctx); err != nil {
		return err
	}
	if err := r.serve(); err != nil {
		return errors.Join(err, r.Shutdown(ctx))
	}
	p, ok := r.src.(component.Poller)
	if !ok {
		return nil
	}
	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.cancel = cancel
	for _, spec := range p.Polls() {
		l := newLoop(r, spec)
		r.mu.Lock()
		r.loops = append(r.loops, l.id)
		r.mu.Unlock()
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			l.run(loopCtx)
		}()
	}
	return nil
}

// serve registers a pusher's routes in pattern order.
func (r *Runner) serve() error {
	p, ok := r.src.(component.Pusher)
	if !ok {
		return nil
	}
	handlers := p.Routes()
	patterns := make([]string, 0, len(handlers))
	for pattern := range handlers {
		patterns = append(patterns, pattern)
	}
	sort.Strings(patterns)
	for _, pattern := range patterns {
		if r.set.HTTP == nil {
			return fmt.Errorf("serving %s: the engine gave no HTTP server", pattern)
		}
		rt := &route{h: handlers[pattern]}
		if err := r.set.HTTP.Handle(pattern, rt); err != nil {
			return fmt.Errorf("serving %s: %w", pattern, err)
		}
		r.routes = append(r.routes, rt)
	}
	return nil
}

// Shutdown answers new pushed requests 503 and waits for those in flight,
// stops the loops (a batch being published is finished first), then shuts
// the source down. It gives up waiting when ctx ends; the source is then
// shut down once its loops have stopped, never while one polls. It is safe
// without Start.
func (r *Runner) Shutdown(ctx context.Context) error {
	var errs []error
	for _, rt := range r.routes {
		errs = append(errs, rt.close(ctx))
	}
	if r.cancel != nil {
		r.cancel()
	}
	if err := r.wait(ctx); err != nil {
		go func() {
			r.wg.Wait()
			if err := r.src.Shutdown(context.Background()); err != nil {
				r.set.Logger.Warn("shutting the source down failed", "error", err)
			}
		}()
		return errors.Join(append(errs, err)...)
	}
	errs = append(errs, r.src.Shutdown(ctx))
	return errors.Join(errs...)
}

// wait waits for the loops to stop, or ctx to end.
func (r *Runner) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		r.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for %s to stop polling: %w", r.set.ID, ctx.Err())
	}
}

// PollOnce runs one poll of the source's first loop and delivers its batch
// (publish, Ack, cursor), without retrying: for tests and tools that drive
// a source without its schedule. It reports whether the batch asked for
// more. It neither starts the source nor may run beside the loops: call
// it on a Runner that was not started.
func (r *Runner) PollOnce(ctx context.Context) (more bool, err error) {
	p, ok := r.src.(component.Poller)
	if !ok || len(p.Polls()) == 0 {
		return false, fmt.Errorf("%s does not poll", r.set.ID)
	}
	l := newLoop(r, p.Polls()[0])
	if err := l.load(ctx); err != nil {
		return false, err
	}
	b, err := l.spec.Read(ctx, l.cursor)
	if err != nil {
		return false, err
	}
	if err := l.deliverOnce(ctx, b); err != nil {
		return false, err
	}
	return b.More, nil
}
