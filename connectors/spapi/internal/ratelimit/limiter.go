package ratelimit

import (
	"context"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Key names one bucket: Amazon applies usage plans per selling partner and
// operation, and for a few operations per marketplace as well (Marketplace is
// "" otherwise).
type Key struct {
	Seller      string
	Operation   string
	Marketplace string
}

// Plan is the rate and burst a bucket starts with.
type Plan struct {
	Rate  float64
	Burst int
}

// Limiter hands out call permits from one bucket per Key, on the engine's
// clock. One Limiter serves every component of a connection, so pipelines
// sharing a seller share its limits. It is safe for concurrent use.
type Limiter struct {
	clock   component.Clock
	mu      sync.Mutex
	buckets map[Key]*Bucket
}

// NewLimiter returns a limiter without buckets on clock.
func NewLimiter(clock component.Clock) *Limiter {
	return &Limiter{clock: clock, buckets: map[Key]*Bucket{}}
}

// bucket returns the bucket of key, creating it full from plan.
func (l *Limiter) bucket(key Key, plan Plan) *Bucket {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		b = NewBucket(plan.Rate, plan.Burst, l.clock.Now())
		l.buckets[key] = b
	}
	return b
}

// waitMargin is added to every wait, so that the server's bucket, refilled
// by its own clock with its own rounding, holds the token too when the call
// arrives.
const waitMargin = time.Millisecond

// Wait takes a token from key's bucket, waiting on the clock until it is
// due; callers are served in call order. It returns how long it waited. When
// ctx ends first the reserved token is forfeited and ctx's error returned.
func (l *Limiter) Wait(ctx context.Context, key Key, plan Plan) (time.Duration, error) {
	d := l.bucket(key, plan).Reserve(l.clock.Now())
	if d <= 0 {
		return 0, nil
	}
	d += waitMargin
	select {
	case <-l.clock.After(d):
		return d, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Adapt sets key's refill rate from an x-amzn-RateLimit-Limit header value
// when it differs from the current one. It reports whether the rate changed.
func (l *Limiter) Adapt(key Key, plan Plan, rate float64) bool {
	if rate <= 0 {
		return false
	}
	b := l.bucket(key, plan)
	if b.Rate() == rate {
		return false
	}
	b.SetRate(rate, l.clock.Now())
	return true
}

// Plan returns key's current rate and burst, or ok=false when no call has
// used the bucket yet.
func (l *Limiter) Plan(key Key) (plan Plan, ok bool) {
	l.mu.Lock()
	b, ok := l.buckets[key]
	l.mu.Unlock()
	if !ok {
		return Plan{}, false
	}
	return Plan{Rate: b.Rate(), Burst: b.Burst()}, true
}
