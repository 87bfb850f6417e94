package policy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/internal/policy"
)

func TestSettle_records_a_settled_delivery_then_runs_its_cleanups(t *testing.T) {
	tests := []struct {
		name    string
		result  error
		wantRan []string
	}{
		{"a settled delivery", nil, []string{"replay outcome", "activity", "cleanup"}},
		{"a delivery that goes back", errors.New("503"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran []string
			record := func(name string) func(context.Context, *policy.Delivery) {
				return func(ctx context.Context, _ *policy.Delivery) {
					assert.NoError(t, ctx.Err(), "%s runs with a live context", name)
					ran = append(ran, name)
				}
			}
			h := policy.Settle(record("replay outcome"), record("activity"))(func(_ context.Context, d *policy.Delivery) error {
				d.OnSettled(func(ctx context.Context) {
					assert.NoError(t, ctx.Err())
					ran = append(ran, "cleanup")
				})
				return tt.result
			})
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the delivery's context has ended (shutdown, timeout)
			err := h(ctx, delivery("m1"))
			assert.Equal(t, tt.result, err)
			assert.Equal(t, tt.wantRan, ran)
		})
	}
}
