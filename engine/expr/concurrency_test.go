package expr_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/expr"
)

// TestProgram_concurrent_evaluations_share_no_state evaluates the order
// mapping (fast folds, native bodies, binds, direct paths, mixed
// operators) from many goroutines at once, over one shared activation and
// over activations of their own, and requires every result to be the one
// a lone evaluation gives. Under -race (make race) a frame, activation or
// accumulator shared between evaluations is reported.
func TestProgram_concurrent_evaluations_share_no_state(t *testing.T) {
	m := loadOrderMapping(t)
	orders := readJSONLines(t, "orders.jsonl")[:8]
	want := make([]map[string]any, len(orders))
	shared := make([]*expr.Activation, len(orders))
	for i, o := range orders {
		shared[i] = expr.NewActivation(expr.Data{Msg: o, Tables: m.tables})
		want[i] = map[string]any{}
		require.NoError(t, m.apply(shared[i], want[i]))
	}
	var wg sync.WaitGroup
	results := make([][]map[string]any, 8)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 4 {
				for i, o := range orders {
					act := shared[i]
					if (g+round)%2 == 1 {
						act = expr.NewActivation(expr.Data{Msg: o, Tables: m.tables})
					}
					got := map[string]any{}
					if err := m.apply(act, got); err != nil {
						got["error"] = err.Error()
					}
					results[g] = append(results[g], got)
				}
			}
		}()
	}
	wg.Wait()
	for g, rs := range results {
		for k, got := range rs {
			assert.Equal(t, want[k%len(orders)], got, "goroutine %d, evaluation %d", g, k)
		}
	}
}
