package source

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// defaultCursorKey is the State key of a loop's cursor unless it names one.
const defaultCursorKey = "cursor"

// loop runs one component.Poll.
type loop struct {
	r      *Runner
	spec   component.Poll
	id     string // the Owner's name of the loop
	key    string
	log    *slog.Logger
	clock  component.Clock
	cursor []byte
	rev    uint64 // the cursor's revision in a RevisionedState
}

func newLoop(r *Runner, spec component.Poll) *loop {
	l := &loop{r: r, spec: spec, id: r.set.ID, key: spec.CursorKey, log: r.set.Logger, clock: r.set.Clock}
	if l.key == "" {
		l.key = defaultCursorKey
	}
	if spec.Name != "" {
		l.id += "/" + spec.Name
		l.log = l.log.With("loop", spec.Name)
	}
	return l
}

// next is when a loop's next round starts: at a time, or only on a Wake.
type next struct {
	at    time.Time
	timed bool
}

// run loads the cursor, then runs rounds until ctx ends or the loop has
// nothing left to wait for.
func (l *loop) run(ctx context.Context) {
	defer func() {
		if err := l.r.owner.Release(context.WithoutCancel(ctx), l.id); err != nil {
			l.log.Warn("releasing the source failed", "error", err)
		}
	}()
	n := next{at: l.clock.Now(), timed: true}
	for l.wait(ctx, n) {
		var ok bool
		if n, ok = l.round(ctx); !ok {
			return
		}
	}
}

// round polls, and polls again at once while batches ask for more; it
// returns when the next round starts, or false when the loop ends. It asks
// the Owner before every poll, and reads the cursor again at its start: a
// cursor another instance moved while this one did not own the source.
func (l *loop) round(ctx context.Context) (next, bool) {
	start := l.clock.Now()
	if !l.owned(ctx) {
		return l.notOwned(start), true
	}
	if !l.retry(ctx, "reading the cursor", func() error { return l.load(ctx) }) {
		return next{}, false
	}
	failures := 0
	for ctx.Err() == nil {
		if l.r.bp.Wait(ctx) != nil {
			return next{}, false
		}
		b, err := l.spec.Read(ctx, l.cursor)
		switch {
		case ctx.Err() != nil:
			return next{}, false
		case component.IsPermanent(err):
			n, ok := l.after(start, component.Batch{})
			if ok {
				l.log.Error("poll failed; trying again next round", "error", err)
			} else {
				l.log.Error("poll failed; the source stops", "error", err)
			}
			return n, ok
		case err == nil:
			err = l.deliver(ctx, b)
		}
		switch {
		case ctx.Err() != nil:
			return next{}, false
		case errors.Is(err, errCursorMoved):
			l.log.Warn("another instance moved the cursor; this one leaves the source to it for this round", "error", err)
			return l.notOwned(start), true
		case err != nil:
			failures++
			d := backoff(failures, l.spec.Every, err)
			l.log.Warn("poll failed; retrying", "error", err, "in", d, "failures", failures)
			if component.Sleep(ctx, l.clock, d) != nil {
				return next{}, false
			}
		case b.Done:
			return next{}, false
		case !b.More:
			return l.after(start, b)
		default:
			failures = 0
		}
		if !l.owned(ctx) {
			return l.notOwned(start), true
		}
	}
	return next{}, false
}

// notOwned is when a loop that did not own its source in a round that
// started at start asks again: after the Owner's recheck interval, or the
// loop's own when shorter.
func (l *loop) notOwned(start time.Time) next {
	d := l.r.recheck
	if l.spec.Every > 0 {
		d = min(d, l.spec.Every)
	}
	return next{at: start.Add(d), timed: true}
}

// after is when the round after one that started at start and ended with
// b begins; false when the loop has nothing to wait for.
func (l *loop) after(start time.Time, b component.Batch) (next, bool) {
	switch {
	case !b.At.IsZero():
		return next{at: b.At, timed: true}, true
	case l.spec.Every > 0:
		return next{at: start.Add(l.spec.Every), timed: true}, true
	}
	return next{}, l.spec.Wake != nil
}

// owned asks the Owner whether this instance polls now.
func (l *loop) owned(ctx context.Context) bool {
	own, err := l.r.owner.Acquire(ctx, l.id)
	if err != nil && ctx.Err() == nil {
		l.log.Warn("cannot tell whether this instance owns the source; skipping the poll", "error", err)
	}
	return own && err == nil
}

// maxWait bounds one wait on the clock, so that a wall clock that jumped
// or a machine that was suspended delays a round by at most this much.
const maxWait = time.Minute

// wait waits until n, or a Wake; false when ctx ended or there is nothing
// to wait for.
func (l *loop) wait(ctx context.Context, n next) bool {
	for {
		switch {
		case n.timed:
			d := n.at.Sub(l.clock.Now())
			if d <= 0 {
				return ctx.Err() == nil
			}
			woke, err := component.SleepOrWake(ctx, l.clock, min(d, maxWait), l.spec.Wake)
			if err != nil || woke {
				return err == nil
			}
		case l.spec.Wake == nil:
			return false
		default:
			select {
			case <-ctx.Done():
				return false
			case <-l.spec.Wake:
				return true
			}
		}
	}
}

// retry calls f until it succeeds, with backoff; false when ctx ended.
func (l *loop) retry(ctx context.Context, what string, f func() error) bool {
	for failures := 1; ; failures++ {
		err := f()
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		d := backoff(failures, l.spec.Every, err)
		l.log.Warn(what+" failed; retrying", "error", err, "in", d)
		if component.Sleep(ctx, l.clock, d) != nil {
			return false
		}
	}
}
