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

func TestClassify_sorts_failures_and_logs_one_line_per_retried_delivery(t *testing.T) {
	permanent := component.Permanentf("unknown sku")
	retryable := component.Retryable(errors.New("503"))
	odd := errors.New("odd failure")
	tests := []struct {
		name         string
		errs         []error
		want         []policy.Class
		wantFailed   []string
		wantRetrying []string
		wantLines    int
	}{
		{"nothing failed", nil, nil, nil, nil, 0},
		{"a permanent failure is left to the dead-letter stream", []error{permanent}, []policy.Class{policy.Permanent}, nil, nil, 0},
		{"a retryable failure retries the delivery", []error{retryable}, []policy.Class{policy.Retryable},
			[]string{"s0 retryable"}, []string{"s0 retryable"}, 1},
		{"a timeout is retryable", []error{fmt.Errorf("erp: %w", context.DeadlineExceeded)}, []policy.Class{policy.Retryable},
			[]string{"s0 retryable"}, []string{"s0 retryable"}, 1},
		{"an unclassified failure is left to the budget", []error{odd}, []policy.Class{policy.Unclassified},
			[]string{"s0 unclassified"}, nil, 0},
		{"two outputs failing retryably: one line, one retry", []error{permanent, retryable, odd, retryable},
			[]policy.Class{policy.Permanent, policy.Retryable, policy.Unclassified, policy.Retryable},
			[]string{"s1 retryable", "s2 unclassified", "s3 retryable"}, []string{"s1 retryable"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs logBuffer
			obs := &observer{}
			err := policy.Classify(logs.logger(), obs)(failing(tt.errs...))(context.Background(), delivery("m1"))
			assert.Equal(t, tt.want, classes(err))
			assert.Equal(t, len(tt.errs) > 0, err != nil, "the error is passed on")
			assert.Equal(t, tt.wantFailed, obs.failed)
			assert.Equal(t, tt.wantRetrying, obs.retrying)
			assert.Len(t, logs.lines(), tt.wantLines)
		})
	}
}

func TestClassify_keeps_a_class_set_before(t *testing.T) {
	h := policy.Classify(new(logBuffer).logger(), &observer{})(func(_ context.Context, d *policy.Delivery) error {
		return policy.Failures{{Step: "decode", Err: errors.New("not json"), Class: policy.Permanent}}
	})
	assert.Equal(t, []policy.Class{policy.Permanent}, classes(h(context.Background(), delivery("m1"))))
}
