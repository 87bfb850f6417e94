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
