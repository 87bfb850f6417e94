package policy_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/policy"
)

func TestClassOf_sorts_errors_by_their_marks(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want policy.Class
	}{
		{"marked permanent", component.Permanentf("unknown sku %q", "X"), policy.Permanent},
		{"marked permanent, wrapped", fmt.Errorf("sink: %w", component.Permanentf("bad row")), policy.Permanent},
		{"marked retryable", component.Retryable(errors.New("503")), policy.Retryable},
		{"a timeout", fmt.Errorf("calling the erp: %w", context.DeadlineExceeded), policy.Retryable},
		{"unmarked", errors.New("odd failure"), policy.Unclassified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, policy.ClassOf(tt.err))
		})
	}
}

func TestFailures_error_names_the_first_and_counts_the_rest(t *testing.T) {
	one := &policy.Failure{Step: "sink:main", Err: errors.New("503")}
	two := &policy.Failure{Step: "item", Err: errors.New("no sku")}
	assert.Equal(t, "step sink:main: 503", policy.Failures{one}.Error())
	assert.Equal(t, "step sink:main: 503 (and 1 more failures)", policy.Failures{one, two}.Error())
	wrapped := fmt.Errorf("pipeline orders: %w", policy.Failures{two})
	assert.Equal(t, policy.Failures{two}, policy.FailuresOf(wrapped))
	assert.Nil(t, policy.FailuresOf(errors.New("other")))
	assert.Nil(t, policy.FailuresOf(nil))
}
