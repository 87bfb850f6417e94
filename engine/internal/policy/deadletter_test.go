package policy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/internal/policy"
)

func TestDeadLetter_stores_what_cannot_be_retried_and_hands_back_the_rest(t *testing.T) {
	errStore := errors.New("dead-letter stream unavailable")
	tests := []struct {
		name      string
		classes   []policy.Class
		storeErr  error
		wantStore []string // steps stored
		wantErr   error    // nil, errStore, or failures of wantRest
		wantRest  []policy.Class
	}{
		{"nothing failed", nil, nil, nil, nil, nil},
		{"a permanent failure is stored and the delivery settled", []policy.Class{policy.Permanent}, nil, []string{"s0"}, nil, nil},
		{"an exhausted failure is stored", []policy.Class{policy.Exhausted}, nil, []string{"s0"}, nil, nil},
		{"a retryable failure goes back", []policy.Class{policy.Retryable}, nil, nil, nil, []policy.Class{policy.Retryable}},
		{"a mixed delivery stores the permanent one and goes back for the rest",
			[]policy.Class{policy.Retryable, policy.Permanent, policy.Unclassified}, nil, []string{"s1"}, nil,
			[]policy.Class{policy.Retryable, policy.Unclassified}},
		{"a record that cannot be stored hands the delivery back", []policy.Class{policy.Permanent}, errStore, []string{"s0"}, errStore, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stored []string
			store := func(_ context.Context, d *policy.Delivery, f *policy.Failure) (policy.DeadLettered, error) {
				stored = append(stored, f.Step)
				return policy.DeadLettered{Seq: uint64(len(stored)), Error: f.Err.Error()}, tt.storeErr
			}
			h := policy.DeadLetter(store)(classified(tt.classes...))
			d := delivery("m1")
			err := h(context.Background(), d)
			assert.Equal(t, tt.wantStore, stored)
			switch {
			case tt.wantErr != nil:
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Empty(t, d.Outcome.DeadLetters, "nothing noted as stored")
			case tt.wantRest != nil:
				assert.Equal(t, tt.wantRest, classes(err))
			default:
				assert.NoError(t, err)
			}
			if tt.wantErr == nil {
				assert.Len(t, d.Outcome.DeadLetters, len(tt.wantStore))
				for i, dl := range d.Outcome.DeadLetters {
					assert.Equal(t, uint64(i+1), dl.Seq)
				}
			}
		})
	}
}

func TestDeadLetter_passes_other_errors_on(t *testing.T) {
	other := errors.New("circuit open")
	h := policy.DeadLetter(nil)(func(context.Context, *policy.Delivery) error { return other })
	assert.Equal(t, other, h(context.Background(), delivery("m1")))
}
