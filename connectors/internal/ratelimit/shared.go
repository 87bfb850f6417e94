package ratelimit

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Shared configures a limiter whose buckets every engine of the project
// shares, so that N engines together stay within the remote system's
// limits.
type Shared[K comparable] struct {
	// Store is the project's shared state (component.Settings.Shared); nil
	// makes a limiter for this process only.
	Store component.SharedState
	// Key names a bucket in the store; it should start with the connector
	// type (see component.SharedState).
	Key func(K) string
	// Logger reports falling back to local buckets and coming back (nil:
	// discarded).
	Logger *slog.Logger
}

// storeTimeout bounds one read or write of the shared store: past it the
// limiter falls back to its local bucket.
const storeTimeout = 2 * time.Second

// peerWindow is how long an engine that took a token from a bucket counts
// as one of the bucket's users, for splitting the rate while falling back.
const peerWindow = 15 * time.Minute

// NewSharedLimiter returns a limiter on clock whose buckets live in
// sh.Store: a token is taken with a compare-and-set of the bucket's state
// (tokens, last refill, rate, burst and who used it lately), so the engines
// sharing the store are served from one bucket per key, in call order.
// The callers of one bucket on this engine queue while a compare-and-set is
// in flight, and the next one takes the tokens of all of them (see the
// package doc). A token given back by a caller that gave up is credited to
// the bucket with this engine's next take.
//
// When the store cannot be read or written (NATS briefly unreachable), the
// limiter falls back to a local bucket at the shared rate and burst divided
// by the number of engines that used the bucket in the last 15 minutes
// (by the most seen on any bucket when this one was never read), starting
// from the tokens last seen in the store, likewise divided, and tries the
// store again every 10 s of the clock. Tokens taken meanwhile are charged
// to the shared bucket on return, so the engines together never exceed the
// rate.
func NewSharedLimiter[K comparable](clock component.Clock, sh Shared[K]) *Limiter[K] {
	l := NewLimiter[K](clock)
	if sh.Store == nil {
		return l
	}
	log := sh.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l.shared = &shared[K]{store: sh.Store, keyOf: sh.Key, clock: clock, id: engineID(), log: log, keys: map[K]*sharedKey{}}
	return l
}

// engineID names this limiter among a bucket's users.
func engineID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// shared holds a shared limiter's view of its buckets.
type shared[K comparable] struct {
	store component.SharedState
	keyOf func(K) string
	clock component.Clock
	id    string
	log   *slog.Logger

	mu       sync.Mutex
	keys     map[K]*sharedKey
	maxPeers int // the most users seen on any bucket
}

// sharedKey is what this engine knows of one shared bucket. Its callers
// queue in it while one compare-and-set is in flight; the next one takes
// the tokens of all of them (see reserve). mu guards every field and is
// never held across a round trip to the store.
type sharedKey struct {
	mu          sync.Mutex
	state       state // as last read or written
	rev         uint64
	known       bool
	pendingRate float64 // a rate to write with the next token (Adapt)
	fallback    *Bucket // non-nil while the store is unreachable
	retryAt     time.Time
	// owed is what this engine owes the shared bucket, settled with its
	// next compare-and-set: tokens taken from fallback, less tokens given
	// back by callers that gave up before their call was due.
	owed     float64
	plan     Plan      // the plan of the latest caller, for a bucket nobody used
	queue    []*waiter // callers waiting for the next compare-and-set
	flushing bool      // a goroutine is taking tokens for queued callers
}

// state is a shared bucket as stored (JSON).
type state struct {
	Tokens float64 `json:"tokens"`
	// At is the time of the last refill, Unix nanoseconds of the clock.
	At    int64   `json:"at"`
	Rate  float64 `json:"rate"`
	Burst float64 `json:"burst"`
	// Users maps an engine to when it last took a token (Unix ns).
	Users map[string]int64 `json:"users"`
}

func (st state) bucket() *Bucket {
	return &Bucket{rate: st.Rate, burst: st.Burst, tokens: st.Tokens, last: time.Unix(0, st.At)}
}

func (s *shared[K]) key(k K) *sharedKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	ks, ok := s.keys[k]
	if !ok {
		ks = &sharedKey{}
		s.keys[k] = ks
	}
	return ks
}

// users returns the bucket's recent users with this engine at now.
func (s *shared[K]) users(was map[string]int64, now time.Time) map[string]int64 {
	users := map[string]int64{s.id: now.UnixNano()}
	cutoff := now.Add(-peerWindow).UnixNano()
	for id, at := range was {
		if at >= cutoff && id != s.id {
			users[id] = at
		}
	}
	return users
}

func (s *shared[K]) notePeers(n int) {
	s.mu.Lock()
	s.maxPeers = max(s.maxPeers, n)
	s.mu.Unlock()
}

// adapt records a rate announced by the server for the next take.
func (s *shared[K]) adapt(k K, plan Plan, rate float64) bool {
	ks := s.key(k)
	ks.mu.Lock()
	defer ks.mu.Unlock()
	current := plan.Rate
	if ks.known {
		current = ks.state.Rate
	}
	if ks.pendingRate > 0 {
		current = ks.pendingRate
	}
	if current == rate {
		return false
	}
	ks.pendingRate = rate
	if ks.fallback != nil {
		ks.fallback.SetRate(rate/float64(s.peers(ks, s.clock.Now())), s.clock.Now())
	}
	return true
}

// plan returns the bucket's rate and burst as last seen.
func (s *shared[K]) plan(k K) (Plan, bool) {
	ks := s.key(k)
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if !ks.known {
		return Plan{}, false
	}
	rate := ks.state.Rate
	if ks.pendingRate > 0 {
		rate = ks.pendingRate
	}
	return Plan{Rate: rate, Burst: int(ks.state.Burst)}, true
}
