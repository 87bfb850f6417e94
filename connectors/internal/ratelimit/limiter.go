package ratelimit

import (
	"context"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Plan is the rate and burst a bucket starts with.
type Plan struct {
	Rate  float64
	Burst int
}

// Limiter hands out call permits from one bucket per key K, on the engine's
// clock. K says what the remote system limits separately: SP-API keys a
// bucket by seller, operation and, for a few operations, marketplace. One
// Limiter serves every component of a connection, so pipelines sharing an
// account share its limits. It is safe for concurrent use.
type Limiter[K comparable] struct {
	clock   component.Clock
	mu      sync.Mutex
	buckets map[K]*Bucket
}

// NewLimiter returns a limiter without buckets on clock.
func NewLimiter[K comparable](clock component.Clock) *Limiter[K] {
	return &Limiter[K]{clock: clock, buckets: map[K]*Bucket{}}
}

// bucket returns the bucket of key, creating it full from plan.
func (l *Limiter[K]) bucket(key K, plan Plan) *Bucket {
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
func (l *Limiter[K]) Wait(ctx context.Context, key K, plan Plan) (time.Duration, error) {
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

// Adapt sets key's refill rate to rate (as the server announced it, for
// example in SP-API's x-amzn-RateLimit-Limit header) when it differs from
// the current one. It reports whether the rate changed.
func (l *Limiter[K]) Adapt(key K, plan Plan, rate float64) bool {
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
func (l *Limiter[K]) Plan(key K) (plan Plan, ok bool) {
	l.mu.Lock()
	b, ok := l.buckets[key]
	l.mu.Unlock()
	if !ok {
		return Plan{}, false
	}
	return Plan{Rate: b.Rate(), Burst: b.Burst()}, true
}
