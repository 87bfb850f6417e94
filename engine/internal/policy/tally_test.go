package policy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/policy"
)

// state is a MemState that counts reads and can fail them.
type state struct {
	*componenttest.MemState
	gets   int
	getErr error
}

func (s *state) Get(ctx context.Context, key string) ([]byte, error) {
	s.gets++
	if s.getErr != nil {
		return nil, s.getErr
	}
	return s.MemState.Get(ctx, key)
}

func TestTally_keeps_attempts_and_spent_budget_per_stored_message(t *testing.T) {
	errKV := component.Retryable(errors.New("kv unavailable"))
	tests := []struct {
		name      string
		stored    map[string]string // key: tally before
		seq       uint64
		record    int // index in a pack
		delivered int
		getErr    error
		result    policy.Class // of the handler's one failure; "" for none
		spend     bool         // the handler spends one of the budget (Budget's part)

		wantRun          bool
		wantAttempt      int
		wantUnclassified int
		wantGets         int
		wantStored       map[string]string // after settling
	}{
		{name: "a first delivery reads nothing", stored: map[string]string{"7": `{"id":"m1","attempts":4,"unclassified":2}`},
			seq: 7, delivered: 1, wantRun: true, wantAttempt: 1, wantGets: 0,
			wantStored: map[string]string{"7": `{"id":"m1","attempts":4,"unclassified":2}`}},
		{name: "a retried first delivery writes its tally", seq: 7, delivered: 1, result: policy.Unclassified, spend: true,
			wantRun: true, wantAttempt: 1, wantUnclassified: 0,
			wantStored: map[string]string{"7": `{"id":"m1","attempts":1,"unclassified":1}`}},
		{name: "a redelivery continues from the tally", stored: map[string]string{"7": `{"id":"m1","attempts":2,"unclassified":1}`},
			seq: 7, delivered: 9, result: policy.Retryable, wantRun: true, wantAttempt: 3, wantUnclassified: 1, wantGets: 1,
			wantStored: map[string]string{"7": `{"id":"m1","attempts":3,"unclassified":1}`}},
		{name: "a settled redelivery deletes the tally", stored: map[string]string{"7": `{"id":"m1","attempts":2,"unclassified":1}`},
			seq: 7, delivered: 3, wantRun: true, wantAttempt: 3, wantUnclassified: 1, wantGets: 1, wantStored: map[string]string{}},
		{name: "a dead-lettered redelivery deletes the tally", stored: map[string]string{"7": `{"id":"m1","attempts":2,"unclassified":2}`},
			seq: 7, delivered: 3, result: policy.Exhausted, wantRun: true, wantAttempt: 3, wantUnclassified: 2, wantGets: 1,
			wantStored: map[string]string{}},
		{name: "another message's tally at the sequence starts anew", stored: map[string]string{"7": `{"id":"old","attempts":4,"unclassified":4}`},
			seq: 7, delivered: 2, result: policy.Unclassified, spend: true, wantRun: true, wantAttempt: 1, wantGets: 1,
			wantStored: map[string]string{"7": `{"id":"m1","attempts":1,"unclassified":1}`}},
		{name: "a record of a pack keeps its own tally beside the pack's first", stored: map[string]string{"7": `{"id":"m0","attempts":5,"unclassified":2}`},
			seq: 7, record: 2, delivered: 2, result: policy.Unclassified, spend: true, wantRun: true, wantAttempt: 1, wantGets: 1,
			wantStored: map[string]string{"7": `{"id":"m0","attempts":5,"unclassified":2}`, "7.2": `{"id":"m1","attempts":1,"unclassified":1}`}},
		{name: "a tally that cannot be read hands the delivery back", seq: 7, delivered: 2, getErr: errKV,
			wantRun: false, wantGets: 1, wantStored: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &state{MemState: componenttest.NewMemState(), getErr: tt.getErr}
			for k, v := range tt.stored {
				require.NoError(t, st.Put(context.Background(), k, []byte(v)))
			}
			ran := false
			var attempt, unclassified int
			h := policy.Chain(func(_ context.Context, d *policy.Delivery) error {
				ran, attempt, unclassified = true, d.Attempt, d.Unclassified
				if tt.spend {
					d.Unclassified++
				}
				if tt.result == "" {
					return nil
				}
				return policy.Failures{{Step: "sink:main", Err: errors.New("failed"), Class: tt.result}}
			}, policy.Settle(), policy.DeadLetter(func(context.Context, *policy.Delivery, *policy.Failure) (policy.DeadLettered, error) {
				return policy.DeadLettered{Seq: 1}, nil
			}), policy.Tally(st, new(logBuffer).logger()))
			d := delivery("m1")
			d.Seq, d.Record, d.Delivered = tt.seq, tt.record, tt.delivered
			err := h(context.Background(), d)
			assert.Equal(t, tt.wantRun, ran)
			if !tt.wantRun {
				assert.ErrorIs(t, err, errKV)
				return
			}
			assert.Equal(t, tt.wantAttempt, attempt)
			assert.Equal(t, tt.wantUnclassified, unclassified)
			assert.Equal(t, tt.wantGets, st.gets)
			got := map[string]string{}
			keys, err := st.Keys(context.Background(), "")
			require.NoError(t, err)
			for _, k := range keys {
				v, err := st.MemState.Get(context.Background(), k)
				require.NoError(t, err)
				got[k] = string(v)
			}
			assert.Len(t, got, len(tt.wantStored))
			for k, v := range tt.wantStored {
				assert.JSONEq(t, v, got[k], k)
			}
		})
	}
}

func TestTally_without_a_stream_sequence_names_the_message_by_its_id(t *testing.T) {
	st := componenttest.NewMemState()
	var seen []int
	h := policy.Tally(st, new(logBuffer).logger())(func(_ context.Context, d *policy.Delivery) error {
		seen = append(seen, d.Attempt)
		return policy.Failures{{Step: "sink:main", Err: errors.New("503"), Class: policy.Retryable}}
	})
	for i, id := range []string{"in.jsonl:1", "in.jsonl:1", "in.jsonl:2"} {
		d := delivery(id)
		d.Seq, d.Delivered = 0, i+1
		require.Error(t, h(context.Background(), d))
	}
	assert.Equal(t, []int{1, 2, 1}, seen, "the second delivery of in.jsonl:1 continues its tally; in.jsonl:2 has its own")
	keys, err := st.Keys(context.Background(), "")
	require.NoError(t, err)
	assert.Len(t, keys, 2)
	for _, k := range keys {
		assert.Regexp(t, `^id\.[0-9a-f]{32}$`, k, "a valid state key, whatever the id holds")
	}
}
