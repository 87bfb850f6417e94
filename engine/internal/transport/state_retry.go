package transport

import (
	"context"
	"math/rand/v2"
	"time"
)

// Bounds of one State call on a replicated bucket. A leader election after
// a node or an engine was killed can leave KV requests unanswered for
// seconds: each attempt gets at most stateAttempt, and a transient failure
// (see Transient) is tried again with backoff for up to stateRetryFor, or
// until ctx ends, before the caller sees it. Variables so that tests can
// shorten them.
var (
	stateAttempt  = 5 * time.Second
	stateRetryFor = 30 * time.Second
)

// kvRetry calls fn with a context bounded by stateAttempt until it
// succeeds, fails with an error that is not Transient, ctx ends or
// stateRetryFor passed; it returns fn's last error.
func kvRetry(ctx context.Context, fn func(ctx context.Context) error) error {
	giveUp := time.Now().Add(stateRetryFor)
	wait := retryBase
	for {
		actx, cancel := context.WithTimeout(ctx, stateAttempt)
		err := fn(actx)
		cancel()
		if err == nil || !Transient(err) || ctx.Err() != nil || time.Now().After(giveUp) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait/2 + rand.N(wait/2+1)):
		}
		wait = min(2*wait, retryMax)
	}
}
