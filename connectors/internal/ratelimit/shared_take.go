package ratelimit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// waiter is a caller queued for the next compare-and-set of its bucket.
type waiter struct {
	done      chan struct{} // closed when g is set
	g         grant
	cancelled bool // its caller gave up while the token was being taken
}

// snapshot is what one compare-and-set starts from: the bucket as this
// engine last saw it, and what this engine has to write with its tokens.
type snapshot struct {
	state state
	rev   uint64
	known bool
	rate  float64 // a new rate (Adapt), 0: none
	owed  float64
}

// reserve takes a token from the shared bucket of k, or from the local
// fallback while the store is unreachable. The caller queues for the next
// compare-and-set, which takes the tokens of every caller queued by then
// (see flush): one round trip serves a batch, and no lock is held across
// it.
func (s *shared[K]) reserve(ctx context.Context, k K, plan Plan) (grant, error) {
	ks := s.key(k)
	ks.mu.Lock()
	if now := s.clock.Now(); ks.fallback != nil && now.Before(ks.retryAt) {
		defer ks.mu.Unlock()
		return s.fromFallback(ks, 1, now)[0], nil
	}
	w := &waiter{done: make(chan struct{})}
	ks.queue = append(ks.queue, w)
	ks.plan = plan
	if !ks.flushing {
		ks.flushing = true
		go s.flush(k, ks)
	}
	ks.mu.Unlock()
	select {
	case <-w.done:
		return w.g, nil
	case <-ctx.Done():
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	select {
	case <-w.done: // taken meanwhile: give it back
		s.settle(ks, w.g)
	default:
		if i := slices.Index(ks.queue, w); i >= 0 {
			ks.queue = slices.Delete(ks.queue, i, i+1)
		} else {
			w.cancelled = true // in flight: flush drops it or gives its token back
		}
	}
	return grant{}, ctx.Err()
}

// flush takes tokens for the callers queued in ks, a batch per round trip,
// until none is left. After a conflict (another engine wrote the bucket)
// the callers queued meanwhile join the batch for the next attempt, and
// those who gave up leave it.
func (s *shared[K]) flush(k K, ks *sharedKey) {
	key := s.keyOf(k)
	ks.mu.Lock()
	defer ks.mu.Unlock()
	var batch []*waiter
	conflicted := false
	for len(ks.queue) > 0 || len(batch) > 0 {
		batch = append(batch, ks.queue...)
		ks.queue = nil
		batch = slices.DeleteFunc(batch, func(w *waiter) bool { return w.cancelled })
		if len(batch) == 0 {
			continue
		}
		now := s.clock.Now()
		if ks.fallback != nil && now.Before(ks.retryAt) {
			s.deliver(ks, batch, s.fromFallback(ks, len(batch), now))
			batch = nil
			continue
		}
		snap := snapshot{state: ks.state, rev: ks.rev, known: ks.known && !conflicted, rate: ks.pendingRate, owed: ks.owed}
		plan := ks.plan
		ks.mu.Unlock()
		next, waits, err := s.take(key, snap, plan, len(batch), now)
		ks.mu.Lock()
		conflicted = errors.Is(err, component.ErrConflict)
		switch {
		case conflicted:
			continue
		case err != nil:
			s.fallBack(k, ks, plan, now, err)
			s.deliver(ks, batch, s.fromFallback(ks, len(batch), now))
		default:
			s.taken(ks, key, snap, next, batch, waits)
		}
		batch = nil
	}
	ks.flushing = false
}

// taken records a successful compare-and-set from snap to next in ks
// (ks.mu held) and hands its tokens to batch.
func (s *shared[K]) taken(ks *sharedKey, key string, snap, next snapshot, batch []*waiter, waits []time.Duration) {
	ks.state, ks.rev, ks.known = next.state, next.rev, true
	ks.owed -= snap.owed
	if ks.pendingRate == snap.rate {
		ks.pendingRate = 0
	}
	if ks.fallback != nil {
		s.log.Info("shared rate limit reachable again", "bucket", key)
		ks.fallback = nil
	}
	gs := make([]grant, len(waits))
	for i, d := range waits {
		gs[i] = grant{wait: d}
	}
	s.deliver(ks, batch, gs)
}

// fromFallback reserves n tokens from the fallback bucket of ks (ks.mu
// held), owed to the shared bucket.
func (s *shared[K]) fromFallback(ks *sharedKey, n int, now time.Time) []grant {
	gs := make([]grant, n)
	for i := range gs {
		ks.owed++
		gs[i] = grant{wait: ks.fallback.Reserve(now), from: ks.fallback}
	}
	return gs
}

// deliver hands the batch its grants in queue order (ks.mu held); those
// whose callers gave up go back.
func (s *shared[K]) deliver(ks *sharedKey, batch []*waiter, gs []grant) {
	for i, w := range batch {
		if w.cancelled {
			s.settle(ks, gs[i])
			continue
		}
		w.g = gs[i]
		close(w.done)
	}
}

// giveBack returns the token of g, whose call will not be made.
func (s *shared[K]) giveBack(k K, g grant) {
	ks := s.key(k)
	ks.mu.Lock()
	defer ks.mu.Unlock()
	s.settle(ks, g)
}

// settle gives back a token that was reserved for nothing (ks.mu held): it
// is credited to the shared bucket with this engine's next take, and to the
// fallback it came from while that is still in use.
func (s *shared[K]) settle(ks *sharedKey, g grant) {
	ks.owed--
	if g.from != nil && g.from == ks.fallback {
		g.from.giveBack(s.clock.Now())
	}
}

// take reserves n tokens in the store with one compare-and-set from snap
// (reading the bucket first unless snap knows it), settling what this
// engine owes. It returns the bucket as written and how long each of the n
// callers waits, in order, or component.ErrConflict when another engine
// wrote the bucket first.
func (s *shared[K]) take(key string, snap snapshot, plan Plan, n int, now time.Time) (snapshot, []time.Duration, error) {
	if !snap.known {
		st, rev, err := s.read(key, plan, now)
		if err != nil {
			return snapshot{}, nil, err
		}
		snap.state, snap.rev = st, rev
	}
	next := snap.state
	b := next.bucket()
	b.refill(now)
	if snap.rate > 0 && snap.rate != b.rate {
		b.rate = snap.rate
	}
	// A credit never lifts the bucket past its burst.
	b.tokens = min(b.burst, b.tokens-snap.owed)
	waits := make([]time.Duration, n)
	for i := range waits {
		waits[i] = b.reserve(now, 1)
	}
	next.Tokens, next.Rate, next.At = b.tokens, b.rate, b.last.UnixNano()
	next.Users = s.users(next.Users, now)
	value, err := json.Marshal(next)
	if err != nil {
		return snapshot{}, nil, fmt.Errorf("encoding rate-limit bucket %s: %w", key, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	rev, err := s.store.Set(ctx, key, value, snap.rev)
	if err != nil {
		return snapshot{}, nil, err
	}
	return snapshot{state: next, rev: rev, known: true}, waits, nil
}

// read loads the bucket of key; a bucket nobody used yet starts full from
// plan (revision 0).
func (s *shared[K]) read(key string, plan Plan, now time.Time) (state, uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	value, rev, err := s.store.Get(ctx, key)
	if errors.Is(err, component.ErrNotFound) {
		return state{Tokens: float64(plan.Burst), At: now.UnixNano(), Rate: plan.Rate, Burst: float64(plan.Burst)}, 0, nil
	}
	if err != nil {
		return state{}, 0, err
	}
	var st state
	if err := json.Unmarshal(value, &st); err != nil || st.Rate <= 0 || st.Burst < 1 {
		// Unreadable or damaged: start the bucket again, empty, which is
		// the safe side.
		st = state{At: now.UnixNano(), Rate: plan.Rate, Burst: float64(plan.Burst)}
	}
	s.notePeers(len(s.users(st.Users, now)))
	return st, rev, nil
}
