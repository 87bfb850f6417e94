package ratelimit

import (
	"math"
	"time"
)

// retryShared is how long a limiter keeps to its local fallback before it
// tries the shared store again.
const retryShared = 10 * time.Second

// fallBack switches ks to (or keeps it on) a local bucket holding this
// engine's share of the shared bucket (see NewSharedLimiter).
func (s *shared[K]) fallBack(k K, ks *sharedKey, plan Plan, now time.Time, err error) {
	ks.retryAt = now.Add(retryShared)
	if ks.fallback != nil {
		return
	}
	peers := float64(s.peers(ks, now))
	st := ks.state
	if !ks.known {
		st = state{Rate: plan.Rate, Burst: float64(plan.Burst), At: now.UnixNano()}
	}
	if ks.pendingRate > 0 {
		st.Rate = ks.pendingRate
	}
	b := st.bucket()
	b.refill(now)
	ks.fallback = &Bucket{
		rate:   b.rate / peers,
		burst:  max(1, math.Floor(b.burst/peers)),
		tokens: max(0, b.tokens) / peers,
		last:   now,
	}
	s.log.Warn("shared rate limit unreachable: this engine keeps to its share locally",
		"bucket", s.keyOf(k), "engines", peers, "rate", ks.fallback.rate, "error", err)
}

// peers is how many engines share the bucket of ks: those that used it in
// the last peerWindow, or the most seen on any bucket when it was never
// read; at least 1.
func (s *shared[K]) peers(ks *sharedKey, now time.Time) int {
	if ks.known && ks.rev > 0 {
		return len(s.users(ks.state.Users, now))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return max(1, s.maxPeers)
}
