package policy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/internal/policy"
)

func TestBudget_retries_unclassified_failures_until_it_is_spent(t *testing.T) {
	tests := []struct {
		name         string
		spent        int // before this delivery
		classes      []policy.Class
		want         []policy.Class
		wantSpent    int
		wantRetrying int
	}{
		{"nothing failed", 0, nil, nil, 0, 0},
		{"the first failure of three retries", 0, []policy.Class{policy.Unclassified}, []policy.Class{policy.Unclassified}, 1, 1},
		{"the second failure of three retries", 1, []policy.Class{policy.Unclassified}, []policy.Class{policy.Unclassified}, 2, 1},
		{"the third failure of three is exhausted", 2, []policy.Class{policy.Unclassified}, []policy.Class{policy.Exhausted}, 3, 0},
		{"several outputs failing spend one together", 2, []policy.Class{policy.Unclassified, policy.Permanent, policy.Unclassified},
			[]policy.Class{policy.Exhausted, policy.Permanent, policy.Exhausted}, 3, 0},
		{"a retryable failure in the same delivery spends nothing", 2, []policy.Class{policy.Unclassified, policy.Retryable},
			[]policy.Class{policy.Unclassified, policy.Retryable}, 2, 0},
		{"permanent failures spend nothing", 2, []policy.Class{policy.Permanent}, []policy.Class{policy.Permanent}, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs logBuffer
			obs := &observer{}
			h := policy.Budget(3, logs.logger(), obs)(classified(tt.classes...))
			d := delivery("m1")
			d.Unclassified = tt.spent
			err := h(context.Background(), d)
			assert.Equal(t, tt.want, classes(err))
			assert.Equal(t, tt.wantSpent, d.Unclassified)
			assert.Len(t, obs.retrying, tt.wantRetrying)
			assert.Len(t, logs.lines(), tt.wantRetrying, "one line per retry")
		})
	}
}
