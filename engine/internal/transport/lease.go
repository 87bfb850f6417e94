package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DefaultLeaseTTL is how long a source's lease lasts without a renewal
// unless the project sets transport.source_lease.
const DefaultLeaseTTL = 15 * time.Second

// LeasePrefix starts the keys of the source leases in the project's shared
// bucket: LeasePrefix + the loop id (for example "lease.orders/source/search").
const LeasePrefix = "lease."

// LeaseOptions configures Leases.
type LeaseOptions struct {
	// Holder names this engine instance in the leases it writes; required
	// and unique per process (host, pid and a random part).
	Holder string
	// TTL is how long a lease lasts without a renewal (default
	// DefaultLeaseTTL). The holder renews it every TTL/3; another engine
	// takes it over once it saw the same revision for TTL on its own clock.
	TTL time.Duration
	// Sole says no other engine can reach the bucket (an embedded server
	// with no port open, its data directory locked): a lease another
	// holder left is a dead process's, taken over at once instead of after
	// TTL, so a restart after a crash polls without waiting.
	Sole bool
	// Logger receives the lease changes (default: discarded).
	Logger *slog.Logger
	// OnChange is called with false the first time a loop asks for a
	// lease it does not get, and then whenever this instance starts or
	// stops holding it (a holder that cannot renew counts as not holding);
	// it must not block.
	OnChange func(id string, held bool)
}

// Leases is a source.Owner on the project's shared KV bucket: one key per
// source loop, claimed with a create (revision 0), renewed with an update
// on the revision it wrote, deleted on the same revision on Release.
//
// A lease is held while its renewals succeed: a background renewer
// updates every held lease every TTL/3, independently of the loops'
// schedules, so a source polling hourly keeps its lease. A holder whose
// renewal fails (NATS unreachable) reports the source as not owned from
// then on (Acquire returns false), and one that has not renewed for 2/3 of
// TTL tries again before it answers: it stops polling before any other
// engine can take the lease over. It keeps the revision and resumes when a
// renewal goes through, unless another engine took the lease over
// meanwhile.
//
// Another engine's lease expires when its revision has not changed for TTL
// as that engine observes it (on its monotonic clock, so clocks of
// different machines need not agree). Then one contender takes it over
// with an update on that revision; the others see the new revision.
// Takeover after a holder dies therefore takes between TTL and about
// 1.7×TTL (the contenders look every TTL/3); after a clean stop the lease
// is deleted and the next look claims it.
type Leases struct {
	kv   jetstream.KeyValue
	opts LeaseOptions
	log  *slog.Logger

	mu      sync.Mutex
	leases  map[string]*lease
	stopped bool
	stop    chan struct{}
	wg      sync.WaitGroup
}

// lease is one loop's lease as this instance knows it. Its mutex is held
// across the NATS calls on the key, so the renewer and the loop never race;
// trusted lets the loop's Acquire answer without waiting for a renewal in
// flight.
type lease struct {
	// trusted is until while held and ok, as time since monoStart (0
	// otherwise): Acquire reads it without the mutex.
	trusted atomic.Int64
	mu      sync.Mutex
	id      string
	key     string
	rev     uint64 // the revision this instance wrote (held) or last saw (not held)
	held    bool   // this instance wrote rev and no one wrote since, as far as it knows
	// ok: held and the last renewal went through; until: when a holder
	// stops trusting that renewal.
	ok    bool
	until time.Time
	since time.Time // when this instance took the lease
	// seen is when a contender first saw rev, holder whose it is;
	// looked when it last read the key.
	seen   time.Time
	looked time.Time
	holder string
	// quit stops the lease's renewer (nil while none runs).
	quit chan struct{}
	// reported: OnChange was told about the lease.
	reported bool
}

// NewLeases returns the leases of one engine instance over the shared
// bucket kv. Call Stop when the engine stops.
func NewLeases(kv jetstream.KeyValue, opts LeaseOptions) (*Leases, error) {
	if opts.Holder == "" {
		return nil, errors.New("leases: no holder name")
	}
	if opts.TTL <= 0 {
		opts.TTL = DefaultLeaseTTL
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Leases{kv: kv, opts: opts, log: log, leases: map[string]*lease{}, stop: make(chan struct{})}, nil
}

// Holder is the name this instance writes into its leases.
func (ls *Leases) Holder() string { return ls.opts.Holder }

// TTL is how long a lease lasts without a renewal.
func (ls *Leases) TTL() time.Duration { return ls.opts.TTL }

// Recheck is how often a loop that does not own its source should ask
// again (TTL/3): also the renewal interval.
func (ls *Leases) Recheck() time.Duration { return ls.opts.TTL / 3 }

// validity is how long after sending a renewal that went through the
// holder trusts it: well inside TTL, which contenders count from the
// moment they first see the revision, after it was written.
func (ls *Leases) validity() time.Duration { return ls.opts.TTL * 2 / 3 }

func (ls *Leases) lease(id string) *lease {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	l := ls.leases[id]
	if l == nil {
		l = &lease{id: id, key: LeasePrefix + id}
		ls.leases[id] = l
	}
	return l
}

// Acquire reports whether this instance holds the lease of loop id now,
// claiming it when it is free or expired. A held lease is answered from
// memory while its renewals go through; otherwise it asks NATS. An error
// (NATS unreachable) comes with false.
func (ls *Leases) Acquire(ctx context.Context, id string) (bool, error) {
	if err := checkKey(LeasePrefix + id); err != nil {
		return false, err
	}
	l := ls.lease(id)
	if t := l.trusted.Load(); t != 0 && int64(time.Since(monoStart)) < t {
		// Held, and its last renewal is still trusted: no need to wait
		// behind a renewal whose NATS call is slow (a loaded cluster, a
		// leader election), which would stall the owner's loop.
		return true, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	own, err := ls.acquire(ctx, l)
	if !l.reported && !own {
		ls.changed(l, false)
	}
	return own, err
}

func (ls *Leases) acquire(ctx context.Context, l *lease) (bool, error) {
	if l.held {
		if l.ok && time.Now().Before(l.until) {
			return true, nil
		}
		return ls.renew(ctx, l)
	}
	if time.Since(l.looked) < ls.Recheck()/2 {
		return false, nil // looked a moment ago (loops on a fast clock ask often)
	}
	l.looked = time.Now()
	return ls.claim(ctx, l)
}

// Release deletes the lease of loop id if this instance holds it (on the
// revision it wrote, so a lease taken over meanwhile stays), and stops
// renewing it.
func (ls *Leases) Release(ctx context.Context, id string) error {
	l := ls.lease(id)
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.held {
		return nil
	}
	ls.drop(l, "released")
	ctx, cancel := context.WithTimeout(ctx, ls.Recheck())
	defer cancel()
	err := ls.kv.Delete(ctx, l.key, jetstream.LastRevision(l.rev))
	l.rev = 0
	if err != nil && !isConflict(err) {
		return fmt.Errorf("releasing the lease of %s: %w", l.id, err)
	}
	return nil
}

// Stop stops renewing every lease without releasing any, as a process that
// dies would: their holders' claims expire after TTL. The engine calls it
// after its sources stopped (and released theirs).
func (ls *Leases) Stop() {
	ls.mu.Lock()
	if !ls.stopped {
		ls.stopped = true
		close(ls.stop)
	}
	ls.mu.Unlock()
	ls.wg.Wait()
}

// drop marks l as not held (l.mu held) and stops its renewer.
func (ls *Leases) drop(l *lease, why string) {
	wasOK := l.ok
	l.trusted.Store(0)
	l.held, l.ok, l.holder, l.seen = false, false, "", time.Time{}
	if l.quit != nil {
		close(l.quit)
		l.quit = nil
	}
	if wasOK {
		ls.changed(l, false)
	}
	ls.log.Debug("this instance no longer holds the source's lease", "loop", l.id, "why", why)
}

// monoStart is the origin of lease.trusted: a reading of the monotonic
// clock, so that a wall clock that jumps never extends a claim.
var monoStart = time.Now()

// changed tells OnChange (l.mu held).
func (ls *Leases) changed(l *lease, held bool) {
	l.reported = true
	if ls.opts.OnChange != nil {
		ls.opts.OnChange(l.id, held)
	}
}
