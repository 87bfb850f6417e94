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
// account share its limits; a limiter made by NewSharedLimiter also shares
// them with the other engines of the project. It is safe for concurrent
// use.
type Limiter[K comparable] struct {
	clock   component.Clock
	mu      sync.Mutex
	buckets map[K]*Bucket
	shared  *shared[K] // nil: this process only
}

// NewLimiter returns a limiter without buckets on clock, for this process
// only.
func NewLimiter[K comparable](clock component.Clock) *Limiter[K] {
	return &Limiter[K]{clock: clock, buckets: map[K]*Bucket{}}
}

// bucket returns the local bucket of key, creating it full from plan.
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

// grant is one reserved token: how long until it is due, and the local
// bucket it was taken from (nil: the shared store).
type grant struct {
	wait time.Duration
	from *Bucket
}

// Wait takes a token from key's bucket, waiting on the clock until it is
// due; callers are served in call order. It returns how long it waited. When
// ctx ends first, ctx's error is returned and the reserved token goes back
// to the bucket (a shared one with this engine's next take).
func (l *Limiter[K]) Wait(ctx context.Context, key K, plan Plan) (time.Duration, error) {
	g, err := l.reserve(ctx, key, plan)
	if err != nil || g.wait <= 0 {
		return 0, err
	}
	d := g.wait + waitMargin
	if err := component.Sleep(ctx, l.clock, d); err != nil {
		l.giveBack(key, g)
		return 0, err
	}
	return d, nil
}

// Reserve takes a token from key's bucket now or in the future and returns
// how long the caller must wait before its call (0: at once), without
// waiting; the token is spent whether or not the call is made. It fails
// only when ctx ends, and then reserves nothing.
func (l *Limiter[K]) Reserve(ctx context.Context, key K, plan Plan) (time.Duration, error) {
	g, err := l.reserve(ctx, key, plan)
	return g.wait, err
}

func (l *Limiter[K]) reserve(ctx context.Context, key K, plan Plan) (grant, error) {
	if err := ctx.Err(); err != nil {
		return grant{}, err
	}
	if l.shared != nil {
		return l.shared.reserve(ctx, key, plan)
	}
	b := l.bucket(key, plan)
	return grant{wait: b.Reserve(l.clock.Now()), from: b}, nil
}

// giveBack returns the token of g, whose call will not be made.
func (l *Limiter[K]) giveBack(key K, g grant) {
	if l.shared != nil {
		l.shared.giveBack(key, g)
		return
	}
	g.from.giveBack(l.clock.Now())
}

// Adapt sets key's refill rate to rate (as the server announced it, for
// example in SP-API's x-amzn-RateLimit-Limit header) when it differs from
// the current one. It reports whether the rate changed. A shared limiter
// writes the new rate with its next token, for every engine.
func (l *Limiter[K]) Adapt(key K, plan Plan, rate float64) bool {
	if rate <= 0 {
		return false
	}
	if l.shared != nil {
		return l.shared.adapt(key, plan, rate)
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
	if l.shared != nil {
		return l.shared.plan(key)
	}
	l.mu.Lock()
	b, ok := l.buckets[key]
	l.mu.Unlock()
	if !ok {
		return Plan{}, false
	}
	return Plan{Rate: b.Rate(), Burst: b.Burst()}, true
}
