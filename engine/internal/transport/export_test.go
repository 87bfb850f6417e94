package transport

import (
	"testing"
	"time"
)

// ShortenStateRetries makes State's attempts and retries short for the
// test (restored after it), so that a fake that never answers fails fast.
func ShortenStateRetries(t *testing.T, attempt, retryFor time.Duration) {
	oldAttempt, oldFor := stateAttempt, stateRetryFor
	stateAttempt, stateRetryFor = attempt, retryFor
	t.Cleanup(func() { stateAttempt, stateRetryFor = oldAttempt, oldFor })
}

// HoldLease takes the mutex of the lease of loop id as a renewal does
// across its NATS call; the returned func lets it go.
func HoldLease(ls *Leases, id string) (release func()) {
	l := ls.lease(id)
	l.mu.Lock()
	return l.mu.Unlock
}
