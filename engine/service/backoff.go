package service

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/pipewright/pipewright/engine/config"
)

// backoff is the delay before a negatively acknowledged message is
// delivered again: exponential in the delivery attempt, capped, with
// jitter. It never terminates a message: retryable errors retry forever and
// the engine itself dead-letters what must stop.
type backoff struct {
	policy config.RetryPolicy
}

// WaitTime implements watermill-nats' Delay for attempt n (1 = first).
func (b backoff) WaitTime(n uint64) time.Duration {
	p := b.policy
	d := float64(p.Initial.D()) * math.Pow(p.Multiplier, float64(max(n, 1)-1))
	d = math.Min(d, float64(p.Max.D()))
	if p.Jitter > 0 {
		d *= 1 + p.Jitter*(2*rand.Float64()-1)
	}
	return time.Duration(math.Max(d, float64(time.Millisecond)))
}

// pipelineBackoff is the backoff of a pipeline's current retry policy: a
// reload that changes the policy applies to the next negative
// acknowledgement.
type pipelineBackoff struct {
	e        *Engine
	pipeline string
}

// WaitTime implements watermill-nats' Delay.
func (b pipelineBackoff) WaitTime(n uint64) time.Duration {
	policy := config.DefaultErrorPolicy.Retry
	if pl, ok := b.e.project().Pipeline(b.pipeline); ok {
		policy = pl.Errors.Retry
	}
	return backoff{policy: policy}.WaitTime(n)
}
