package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// A message that waits for something elsewhere (component.Waiting) is
// retried without opening its connection's circuit, and dead-lettered as
// expired once it waited errors.max_wait on the engine clock.
func TestEngine_a_waiting_message_is_retried_then_dead_lettered_after_max_wait(t *testing.T) {
	dir := writeDir(t, strings.Replace(targetPipeline, "sink: { target: { connection: erp } }",
		"sink: { target: { connection: erp } }\nerrors: { max_wait: 1h }", 1))
	writeInput(t, dir, "in.jsonl", 1, func(int) string { return `{"id":"o1","sku":"A"}` })
	tg := newTarget()
	for range 10000 {
		tg.failures = append(tg.failures, component.Waiting(fmt.Errorf("order o1 is not in the ERP yet")))
	}
	clock := componenttest.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	e := startEngineWith(t, dir, t.TempDir(), tg, map[string]string{"ERP_PASSWORD": "pw-123456"}, componenttest.LogWriter(t),
		func(o *service.Options) { o.Clock = clock })

	componenttest.WaitFor(t, "retries beyond the circuit's threshold", func() bool { return tg.attempts() >= 6 })
	assert.Zero(t, gauge(t, e, "pipewright_circuit_open"), "waiting is not a connection failure")
	recs, _ := e.Admin().List(context.Background(), service.DeadLetterFilter{})
	assert.Empty(t, recs, "not dead-lettered before max_wait")

	clock.Advance(time.Hour)
	componenttest.WaitFor(t, "the dead letter", func() bool {
		recs, _ = e.Admin().List(context.Background(), service.DeadLetterFilter{})
		return len(recs) == 1
	})
	assert.Equal(t, "expired", recs[0].Class)
	assert.Equal(t, "waited longer than 1h0m0s (errors.max_wait): order o1 is not in the ERP yet", recs[0].Error)

	// A replay waits max_wait again, counted from the replay.
	before := tg.attempts()
	_, err := e.Admin().Replay(context.Background(), recs[0].Seq, service.ReplayRequest{})
	require.NoError(t, err)
	componenttest.WaitFor(t, "the replay to be retried", func() bool { return tg.attempts() >= before+4 })
	recs, _ = e.Admin().List(context.Background(), service.DeadLetterFilter{})
	assert.Len(t, recs, 1, "the replay is not expired by the original's age")
	clock.Advance(time.Hour)
	componenttest.WaitFor(t, "the replay's dead letter", func() bool {
		recs, _ = e.Admin().List(context.Background(), service.DeadLetterFilter{})
		return len(recs) == 2
	})
}
