package policy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/policy"
)

func TestMaxWait_expires_only_waiting_failures_that_waited_the_limit(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	waiting := component.Waiting(errors.New("order 1 is not in Sage (yet)"))
	down := component.Retryable(errors.New("database is locked"))
	tests := []struct {
		name   string
		limit  time.Duration
		waited time.Duration
		errs   []error
		want   []policy.Class
	}{
		{"a waiting failure before the limit is left to Classify", time.Hour, 59 * time.Minute, []error{waiting}, []policy.Class{""}},
		{"a waiting failure at the limit expires", time.Hour, time.Hour, []error{waiting}, []policy.Class{policy.Expired}},
		{"a system that is down never expires", time.Hour, 48 * time.Hour, []error{down, waiting}, []policy.Class{"", policy.Expired}},
		{"without a limit nothing expires", 0, 48 * time.Hour, []error{waiting}, []policy.Class{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs logBuffer
			since := func(*component.Message) (time.Time, bool) { return start, true }
			now := func() time.Time { return start.Add(tt.waited) }
			err := policy.MaxWait(tt.limit, since, now, logs.logger())(failing(tt.errs...))(context.Background(), delivery("m1"))
			assert.Equal(t, tt.want, classes(err))
			for _, f := range policy.FailuresOf(err) {
				if f.Class == policy.Expired {
					assert.EqualError(t, f.Err, "waited longer than 1h0m0s (errors.max_wait): order 1 is not in Sage (yet)")
				}
			}
		})
	}
}

func TestDeadLetter_stores_an_expired_failure(t *testing.T) {
	var stored []policy.Class
	store := func(_ context.Context, _ *policy.Delivery, f *policy.Failure) (policy.DeadLettered, error) {
		stored = append(stored, f.Class)
		return policy.DeadLettered{Seq: 1}, nil
	}
	err := policy.DeadLetter(store)(classified(policy.Expired))(context.Background(), delivery("m1"))
	assert.NoError(t, err, "settled")
	assert.Equal(t, []policy.Class{policy.Expired}, stored)
}
