package policy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/policy"
)

// The whole chain as the engine builds it, rebuilt for every delivery as a
// restarted engine would, over one state: the budget is the message's, not
// the process's, and waits for an open circuit spend none of it.
func TestPolicy_budget_survives_restarts_and_circuit_waits_spend_none(t *testing.T) {
	st := componenttest.NewMemState()
	circ := &circuit{closed: true}
	var stored []*policy.Failure
	var attempts []int
	runs := 0
	deliver := func(delivered int) error {
		h := policy.Chain(func(context.Context, *policy.Delivery) error {
			runs++
			return policy.Failures{{Step: "sink:main", Err: errors.New("odd failure")}}
		},
			policy.Gate([]policy.Waiter{circ}, time.Second, nil),
			policy.Settle(),
			policy.DeadLetter(func(_ context.Context, d *policy.Delivery, f *policy.Failure) (policy.DeadLettered, error) {
				stored = append(stored, f)
				attempts = append(attempts, d.Attempt)
				return policy.DeadLettered{Seq: 1}, nil
			}),
			policy.Tally(st, new(logBuffer).logger()),
			policy.Budget(3, new(logBuffer).logger(), &observer{}),
			policy.Classify(new(logBuffer).logger(), &observer{}),
		)
		d := delivery("m1")
		d.Delivered = delivered
		return h(context.Background(), d)
	}

	require.Error(t, deliver(1), "first unclassified failure: retried")
	circ.closed = false
	for n := 2; n <= 6; n++ {
		require.ErrorIs(t, deliver(n), policy.ErrCircuitOpen)
	}
	circ.closed = true
	require.Error(t, deliver(7), "second unclassified failure: retried")
	assert.Empty(t, stored)
	require.NoError(t, deliver(8), "third: exhausted, dead-lettered and settled")
	assert.Equal(t, 3, runs, "the circuit waits ran nothing")
	require.Len(t, stored, 1)
	assert.Equal(t, policy.Exhausted, stored[0].Class)
	assert.Equal(t, []int{3}, attempts, "three processing attempts, not eight deliveries")
	keys, err := st.Keys(context.Background(), "")
	require.NoError(t, err)
	assert.Empty(t, keys, "the settled message's tally is gone")
}
