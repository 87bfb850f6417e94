package httpretry_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/httpretry"
	"github.com/pipewright/pipewright/engine/component"
)

// instant is a clock whose waits are over at once, recording them.
type instant struct{ waits []time.Duration }

func (c *instant) Now() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
func (c *instant) After(_ context.Context, d time.Duration) <-chan time.Time {
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	ch <- c.Now()
	return ch
}

func TestRetryableStatus_retries_timeouts_throttling_and_server_errors(t *testing.T) {
	for status, want := range map[int]bool{
		200: false, 400: false, 401: false, 403: false, 404: false, 409: false, 422: false,
		http.StatusRequestTimeout: true, http.StatusTooManyRequests: true, 500: true, 502: true, 503: true, 504: true,
	} {
		assert.Equal(t, want, httpretry.RetryableStatus(status), "status %d", status)
	}
}

func TestPolicy_Do_retries_Again_failures_until_the_attempts_are_spent(t *testing.T) {
	clock := &instant{}
	p := httpretry.Policy{MaxAttempts: 4, Base: time.Second, Max: 3 * time.Second}
	calls := 0
	cause := errors.New("HTTP 503")
	err := p.Do(context.Background(), clock, func() error {
		calls++
		return httpretry.Again(cause)
	})
	assert.Equal(t, 4, calls)
	assert.True(t, component.IsRetryable(err), "spent attempts hand the engine a retryable error")
	assert.ErrorIs(t, err, cause)
	assert.Positive(t, component.RetryDelay(err), "with the next backoff as the delay")
	require.Len(t, clock.waits, 3, "one wait between attempts")
	for i, max := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second} {
		assert.True(t, clock.waits[i] >= max/2 && clock.waits[i] <= max, "wait %d is %s, want between %s and %s", i, clock.waits[i], max/2, max)
	}
}

func TestPolicy_Do_stops_at_success_or_a_failure_not_marked_Again(t *testing.T) {
	permanent := component.Permanentf("HTTP 400")
	tests := []struct {
		name    string
		results []error
		want    error
	}{
		{"success after a retry", []error{httpretry.Again(errors.New("HTTP 429")), nil}, nil},
		{"permanent failure", []error{httpretry.Again(errors.New("HTTP 500")), permanent}, permanent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := httpretry.Policy{}.Do(context.Background(), &instant{}, func() error {
				calls++
				return tc.results[calls-1]
			})
			assert.Equal(t, len(tc.results), calls)
			assert.Equal(t, tc.want, err)
		})
	}
}

func TestPolicy_Do_ends_when_the_context_does(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := httpretry.Policy{MaxAttempts: 10}.Do(ctx, &instant{}, func() error {
		calls++
		cancel()
		return httpretry.Again(errors.New("HTTP 503"))
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, calls)
}

func TestPolicy_Backoff_doubles_up_to_the_cap_with_jitter(t *testing.T) {
	p := httpretry.Policy{Base: time.Second, Max: 5 * time.Second}
	for attempt, full := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second} {
		for range 20 {
			d := p.Backoff(attempt)
			assert.True(t, d >= full/2 && d <= full, "attempt %d: %s not between %s and %s", attempt, d, full/2, full)
		}
	}
	assert.LessOrEqual(t, p.Backoff(1000), 5*time.Second, "no overflow past the cap")
}

func TestRedactURL_drops_the_url_and_keeps_the_cause(t *testing.T) {
	cause := errors.New("connection refused")
	err := &url.Error{Op: "Get", URL: "https://bucket.example/doc?X-Amz-Signature=secret", Err: cause}
	got := httpretry.RedactURL(fmt.Errorf("download: %w", err))
	assert.NotContains(t, got.Error(), "secret")
	assert.Equal(t, "get: connection refused", got.Error())
	assert.ErrorIs(t, got, cause)
	other := errors.New("plain")
	assert.Equal(t, other, httpretry.RedactURL(other))
}
