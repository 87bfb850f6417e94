package policy_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/internal/policy"
)

// circuit lets a message through when it is closed.
type circuit struct {
	closed bool
	asked  []time.Duration // the waits asked for
}

func (c *circuit) Wait(_ context.Context, max time.Duration) bool {
	c.asked = append(c.asked, max)
	return c.closed
}

func TestGate_runs_a_delivery_only_when_every_circuit_lets_it_through(t *testing.T) {
	tests := []struct {
		name       string
		closed     []bool
		wantRun    bool
		wantWaited int
		wantAsked  []int // circuits asked, by index
	}{
		{"no connections", nil, true, 0, nil},
		{"every circuit closed", []bool{true, true}, true, 0, []int{0, 1}},
		{"the first circuit stays open", []bool{false, true}, false, 1, []int{0}},
		{"the last circuit stays open", []bool{true, false}, false, 1, []int{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var circuits []*circuit
			var waiters []policy.Waiter
			for _, c := range tt.closed {
				circuits = append(circuits, &circuit{closed: c})
				waiters = append(waiters, circuits[len(circuits)-1])
			}
			ran, waited := false, 0
			h := policy.Gate(waiters, 3*time.Second, func(*policy.Delivery) { waited++ })(func(context.Context, *policy.Delivery) error {
				ran = true
				return nil
			})
			err := h(context.Background(), delivery("m1"))
			assert.Equal(t, tt.wantRun, ran)
			assert.Equal(t, tt.wantWaited, waited)
			if tt.wantRun {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, policy.ErrCircuitOpen)
			}
			for i, c := range circuits {
				if slices.Contains(tt.wantAsked, i) {
					assert.Equal(t, []time.Duration{3 * time.Second}, c.asked, "circuit %d waited for up to the gate's wait", i)
				} else {
					assert.Empty(t, c.asked, "circuit %d is not asked once an earlier one stayed open", i)
				}
			}
		})
	}
}
