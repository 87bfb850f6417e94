package component

import (
	"context"
	"log/slog"
	"time"
)

// Owner decides which engine instance runs a component's background loop
// when several engines run one project against one NATS (a sink that
// submits and tracks batches, such as spapi.feed): the engine's Owner is a
// lease per loop in the project's shared KV bucket, the same as the one
// that gives each source loop a single poller. Settings.Owner is nil where
// one engine runs alone (a pipeline test, a component test).
//
// Acquire and Release may be called from several loops at once.
type Owner interface {
	// Acquire reports whether this instance may run the loop id now,
	// taking or renewing its claim. An error counts as false, so that an
	// instance that cannot tell never runs beside the owner.
	Acquire(ctx context.Context, id string) (bool, error)
	// Release gives the claim up when the loop stops, so that another
	// instance takes it at once.
	Release(ctx context.Context, id string) error
	// Recheck is how often a loop should ask again, whether it holds its
	// claim or not.
	Recheck() time.Duration
}

// RunOwned runs loop under owner's claim on id until ctx ends: it asks
// owner every Recheck, runs loop with a context of its own while this
// instance holds the claim, and cancels that context (and waits for loop
// to return) as soon as owner says the claim is lost; loop runs again when
// it is regained. When ctx ends the claim is released, so that another
// instance takes the loop over at once. A nil owner runs loop alone until
// ctx ends. Owner's times are real time (the lease is), not the engine's
// Clock.
func RunOwned(ctx context.Context, owner Owner, id string, log *slog.Logger, loop func(context.Context)) {
	if owner == nil {
		loop(ctx)
		return
	}
	tick := time.NewTicker(owner.Recheck())
	defer tick.Stop()
	var run *ownedRun // nil while the loop does not run
	stopLoop := func() {
		if run != nil {
			run.stop()
			run = nil
		}
	}
	defer func() {
		stopLoop()
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), owner.Recheck())
		defer cancel()
		if err := owner.Release(rctx, id); err != nil {
			log.Warn("cannot release the loop's lease; another engine takes it over after the lease time", "loop", id, "error", err)
		}
	}()
	for {
		own, err := owner.Acquire(ctx, id)
		if err != nil && ctx.Err() == nil {
			log.Warn("cannot tell whether this instance owns the loop; not running it", "loop", id, "error", err)
		}
		own = own && err == nil
		switch {
		case own && run == nil:
			log.Debug("this instance runs the loop", "loop", id)
			run = startOwned(ctx, loop)
		case !own && run != nil:
			log.Info("this instance no longer owns the loop; stopping it", "loop", id)
			stopLoop()
		}
		var ended <-chan struct{}
		if run != nil {
			ended = run.done
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-ended: // the loop returned on its own: run it again later
			stopLoop()
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}
}

// ownedRun is a loop RunOwned started.
type ownedRun struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when the loop returned
}

func startOwned(ctx context.Context, loop func(context.Context)) *ownedRun {
	ctx, cancel := context.WithCancel(ctx)
	r := &ownedRun{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		loop(ctx)
	}()
	return r
}

// stop cancels the loop and waits until it returned.
func (r *ownedRun) stop() {
	r.cancel()
	<-r.done
}
