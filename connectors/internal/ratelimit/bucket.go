package ratelimit

import (
	"math"
	"sync"
	"time"
)

// Bucket is a token bucket. It does not read a clock: callers pass the time,
// so simulated and fake clocks work. It is safe for concurrent use.
type Bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

// NewBucket returns a full bucket.
func NewBucket(rate float64, burst int, now time.Time) *Bucket {
	return &Bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

func (b *Bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
}

// TryTake takes a token if one is available at now. Otherwise it takes
// nothing and returns how long until one will be.
func (b *Bucket) TryTake(now time.Time) (ok bool, wait time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, b.untilToken()
}

// Reserve takes a token now or in the future: it returns how long the caller
// must wait before making its call (0 when a token was available). Tokens are
// handed out in call order, so waiting callers never starve each other.
func (b *Bucket) Reserve(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.reserve(now, 1)
}

// reserve takes n tokens (b.mu held) and returns how long until the last
// of them is due.
func (b *Bucket) reserve(now time.Time, n float64) time.Duration {
	b.refill(now)
	b.tokens -= n
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

// giveBack returns a reserved token whose call will not be made (its
// caller gave up before it was due), up to the burst.
func (b *Bucket) giveBack(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	b.tokens = math.Min(b.burst, b.tokens+1)
}

func (b *Bucket) untilToken() time.Duration {
	if b.rate <= 0 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

// SetRate changes the refill rate (for example from x-amzn-RateLimit-Limit),
// keeping the tokens accrued so far.
func (b *Bucket) SetRate(rate float64, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	b.rate = rate
}

// Rate returns the current refill rate in tokens per second.
func (b *Bucket) Rate() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rate
}

// Burst returns the bucket size.
func (b *Bucket) Burst() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return int(b.burst)
}
