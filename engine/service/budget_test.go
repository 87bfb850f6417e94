package service_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// A message fails twice with an unclassified error (budget 3), then its
// target goes down: three retryable failures open the circuit and the
// message waits it out, delivery after delivery, without reaching the
// target. The target comes back (after an engine restart, or not) and the
// message fails once more: that third unclassified failure spends the
// budget. The record counts the six processing attempts, not the
// deliveries that only waited.
func TestEngine_unclassified_budget_survives_a_restart_and_is_not_spent_by_circuit_waits(t *testing.T) {
	for _, tc := range []struct {
		name    string
		restart bool
	}{
		{"without a restart", false},
		{"across a restart", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeDir(t, targetPipeline)
			writeInput(t, dir, "in.jsonl", 1, func(int) string { return `{"id":"o1","sku":"A"}` })
			odd := func() error { return fmt.Errorf("odd failure") }
			tg := newTarget()
			tg.failures, tg.downAfter = []error{odd(), odd()}, true
			env := map[string]string{"ERP_PASSWORD": "pw-123456"}
			data := t.TempDir()
			e := startEngine(t, dir, data, tg, env)

			componenttest.WaitFor(t, "the circuit to open", func() bool { return gauge(t, e, "pipewright_circuit_open") == 1 })
			require.Equal(t, 5, tg.attempts(), "two unclassified and three retryable failures")
			retried := counter(t, e, "pipewright_messages_retried_total")
			componenttest.WaitFor(t, "deliveries waiting out the open circuit", func() bool {
				return counter(t, e, "pipewright_messages_retried_total") >= retried+3
			})
			require.Equal(t, 5, tg.attempts(), "a delivery that waits reaches nothing")

			if tc.restart {
				stopEngine(t, e)
			}
			tg.mu.Lock()
			tg.down, tg.downAfter, tg.failures = false, false, []error{odd(), odd(), odd()}
			tg.mu.Unlock()
			if tc.restart {
				e = startEngine(t, dir, data, tg, env)
			}

			var recs []*service.DeadLetter
			componenttest.WaitFor(t, "the message dead-lettered", func() bool {
				recs, _ = e.Admin().List(context.Background(), service.DeadLetterFilter{})
				return len(recs) > 0
			})
			require.Len(t, recs, 1)
			r := recs[0]
			assert.Equal(t, "exhausted", r.Class)
			assert.Equal(t, "sink:main", r.Step)
			assert.Equal(t, 6, r.Attempts, "six processing attempts; the deliveries that waited are not attempts")
			assert.Equal(t, 6, tg.attempts(), "one attempt after the target came back, not three")
			tg.mu.Lock()
			defer tg.mu.Unlock()
			assert.Len(t, tg.failures, 2, "the budget's last failure was the first after the target came back")
			assert.Zero(t, tg.got["o1"], "never delivered")
		})
	}
}
