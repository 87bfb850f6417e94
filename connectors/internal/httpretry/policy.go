package httpretry

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Policy bounds the attempts of one call. The zero value takes the
// defaults: 5 attempts, a first backoff of 1s, at most 2m between attempts.
type Policy struct {
	// MaxAttempts is how many times a call is sent at most before a
	// retryable failure is handed to the caller.
	MaxAttempts int
	// Base is the first backoff; it doubles per attempt up to Max, and each
	// wait is drawn between half and all of it (jitter).
	Base, Max time.Duration
}

// withDefaults fills in the zero fields.
func (p Policy) withDefaults() Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.Base <= 0 {
		p.Base = time.Second
	}
	if p.Max <= 0 {
		p.Max = 2 * time.Minute
	}
	return p
}

// Backoff returns the wait after attempt number attempt (0 is the first):
// Base doubled per attempt, capped at Max, with jitter between half and
// all of it.
func (p Policy) Backoff(attempt int) time.Duration {
	p = p.withDefaults()
	d := p.Base << min(attempt, 30)
	if d <= 0 || d > p.Max {
		d = p.Max
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// again marks an attempt's failure as worth another attempt.
type again struct{ err error }

func (a again) Error() string { return a.err.Error() }
func (a again) Unwrap() error { return a.err }

// Again marks err, an attempt's failure, as worth another attempt.
func Again(err error) error { return again{err} }

// Do runs attempt until it returns nil or an error not marked with Again,
// which Do returns as it is, or until MaxAttempts attempts failed with
// Again: then it returns the last failure marked component.RetryableAfter
// the next backoff, for the engine to retry the message later. Between
// attempts it waits the backoff on clock. When ctx ends it returns ctx's
// error.
func (p Policy) Do(ctx context.Context, clock component.Clock, attempt func() error) error {
	p = p.withDefaults()
	for n := 0; ; n++ {
		err := attempt()
		var a again
		if !errors.As(err, &a) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if n+1 >= p.MaxAttempts {
			return component.RetryableAfter(a.err, p.Backoff(n+1))
		}
		if err := component.Sleep(ctx, clock, p.Backoff(n)); err != nil {
			return err
		}
	}
}
