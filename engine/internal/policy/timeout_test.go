package policy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/internal/policy"
)

func TestTimeout_bounds_the_handler_not_what_is_outside_it(t *testing.T) {
	tests := []struct {
		name      string
		timeout   time.Duration
		wantEnded bool
	}{
		{"a handler that runs out of time sees its context end", time.Nanosecond, true},
		{"a handler within its time keeps a live context", time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inner error
			h := policy.Timeout(tt.timeout)(func(ctx context.Context, d *policy.Delivery) error {
				deadline, ok := ctx.Deadline()
				require.True(t, ok, "the handler has a deadline")
				assert.False(t, deadline.After(time.Now().Add(tt.timeout)))
				if tt.wantEnded {
					<-ctx.Done()
				}
				inner = ctx.Err()
				return nil
			})
			outer, cancel := context.WithCancel(context.Background())
			defer cancel()
			require.NoError(t, h(outer, delivery("m1")))
			if tt.wantEnded {
				assert.True(t, errors.Is(inner, context.DeadlineExceeded))
				assert.Equal(t, policy.Retryable, policy.ClassOf(inner), "a timeout is retried")
			} else {
				assert.NoError(t, inner)
			}
			assert.NoError(t, outer.Err(), "the delivery's own context goes on")
		})
	}
}
