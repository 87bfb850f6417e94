package connectortest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// SinkSpec is how the suite drives one sink type.
type SinkSpec struct {
	// New creates the sink with set, as its factory would.
	New func(t testing.TB, set component.SinkSettings) component.Sink
	// Message returns the i-th valid message for the sink; different i
	// give different messages (different keys).
	Message func(i int) *component.Message
	// Written returns what the target durably holds, as one string per
	// message written (a key, an ID), in any order.
	Written func(t testing.TB) []string
	// Want is what Written shows for message i.
	Want func(i int) string
	// Bad, when not nil, returns a message the sink must refuse
	// permanently (bad data, an unknown reference).
	Bad func() *component.Message
	// Break, when not nil, makes the target unavailable; the returned
	// function makes it available again.
	Break func(t testing.TB) (mend func())
	// Features says what the sink promises beyond the contract.
	Features SinkFeatures
}

// SinkFeatures switches scenarios on for sinks that promise them.
type SinkFeatures struct {
	// Idempotent: a message written again (a redelivery, a replay) is not
	// written twice.
	Idempotent bool
	// IdempotentAcrossRestarts: also a new instance on the same settings
	// (State, data directory), as after an engine restart, does not write
	// a redelivered message twice.
	IdempotentAcrossRestarts bool
}

// TestSink runs the conformance suite on the sink newSpec describes;
// newSpec is called for every scenario.
func TestSink(t *testing.T, newSpec func(t *testing.T) SinkSpec) {
	scenarios := []struct {
		name string
		run  func(t *testing.T, spec SinkSpec)
	}{
		{"shutdown_without_start", sinkShutdownWithoutStart},
		{"writes_a_batch_before_returning", writesABatchBeforeReturning},
		{"writes_a_redelivered_message_once", writesARedeliveryOnce},
		{"writes_a_redelivered_message_once_after_a_restart", writesARedeliveryOnceAfterARestart},
		{"refuses_bad_data_permanently", refusesBadDataPermanently},
		{"calls_an_unavailable_target_retryable", callsAnUnavailableTargetRetryable},
		{"a_cancelled_write_is_never_permanent", aCancelledWriteIsNeverPermanent},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, newSpec(t)) })
	}
}

func sinkSettings(t *testing.T) component.SinkSettings {
	set := component.SinkSettings{Settings: componenttest.NewSettings(t, "conformance/sink/out"), DeadLetter: &componenttest.DeadLetters{}}
	set.Pipeline = "conformance"
	return set
}

// startSink creates and starts the sink; the test shuts it down.
func startSink(t *testing.T, spec SinkSpec) component.Sink {
	t.Helper()
	s := spec.New(t, sinkSettings(t))
	require.NoError(t, s.Start(context.Background()), "Start")
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	return s
}

func batch(spec SinkSpec, from, n int) []*component.Message {
	msgs := make([]*component.Message, n)
	for i := range msgs {
		msgs[i] = spec.Message(from + i)
	}
	return msgs
}

func wants(spec SinkSpec, from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = spec.Want(from + i)
	}
	return out
}

func sinkShutdownWithoutStart(t *testing.T, spec SinkSpec) {
	assert.NoError(t, spec.New(t, sinkSettings(t)).Shutdown(context.Background()))
}

func writesABatchBeforeReturning(t *testing.T, spec SinkSpec) {
	s := startSink(t, spec)
	require.NoError(t, s.Write(context.Background(), batch(spec, 0, 3)))
	assert.ElementsMatch(t, wants(spec, 0, 3), spec.Written(t), "durable at the target when Write returned")
}

func writesARedeliveryOnce(t *testing.T, spec SinkSpec) {
	if !spec.Features.Idempotent {
		t.Skip("the sink does not promise to write a redelivery once")
	}
	s := startSink(t, spec)
	require.NoError(t, s.Write(context.Background(), batch(spec, 0, 2)))
	require.NoError(t, s.Write(context.Background(), batch(spec, 0, 3)), "a redelivered batch with one new message")
	assert.ElementsMatch(t, wants(spec, 0, 3), spec.Written(t))
}

func writesARedeliveryOnceAfterARestart(t *testing.T, spec SinkSpec) {
	if !spec.Features.IdempotentAcrossRestarts {
		t.Skip("the sink does not promise to write a redelivery once after a restart")
	}
	set := sinkSettings(t)
	first := spec.New(t, set)
	require.NoError(t, first.Start(context.Background()), "Start")
	require.NoError(t, first.Write(context.Background(), batch(spec, 0, 2)))
	require.NoError(t, first.Shutdown(context.Background()))
	again := spec.New(t, set)
	require.NoError(t, again.Start(context.Background()), "Start after the restart")
	t.Cleanup(func() { _ = again.Shutdown(context.Background()) })
	require.NoError(t, again.Write(context.Background(), batch(spec, 0, 3)), "a redelivered batch with one new message")
	assert.ElementsMatch(t, wants(spec, 0, 3), spec.Written(t))
}

func refusesBadDataPermanently(t *testing.T, spec SinkSpec) {
	if spec.Bad == nil {
		t.Skip("the sink takes any message")
	}
	s := startSink(t, spec)
	msgs := []*component.Message{spec.Message(0), spec.Bad(), spec.Message(1)}
	err := s.Write(context.Background(), msgs)
	require.Error(t, err)
	assert.True(t, component.IsPermanent(component.ErrFor(err, 1)), "the bad message fails permanently: %v", component.ErrFor(err, 1))
	var written []string
	for _, i := range []int{0, 2} {
		if e := component.ErrFor(err, i); e == nil {
			written = append(written, spec.Want(i/2))
		} else {
			assert.False(t, component.IsPermanent(e), "good message %d is not dead-lettered for its neighbour: %v", i, e)
		}
	}
	assert.ElementsMatch(t, written, spec.Written(t), "exactly the messages reported done are written")
}

func callsAnUnavailableTargetRetryable(t *testing.T, spec SinkSpec) {
	if spec.Break == nil {
		t.Skip("the target cannot be made unavailable in a test")
	}
	s := startSink(t, spec)
	mend := spec.Break(t)
	err := s.Write(context.Background(), batch(spec, 0, 2))
	require.Error(t, err, "a write to an unavailable target fails")
	for i := range 2 {
		e := component.ErrFor(err, i)
		require.Error(t, e, "message %d reported done although the target is down", i)
		assert.True(t, component.IsRetryable(e), "message %d: the engine retries an unavailable target: %v", i, e)
	}
	mend()
	require.NoError(t, s.Write(context.Background(), batch(spec, 0, 2)), "written once the target is back")
	assert.ElementsMatch(t, wants(spec, 0, 2), spec.Written(t))
}

func aCancelledWriteIsNeverPermanent(t *testing.T, spec SinkSpec) {
	s := startSink(t, spec)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Write(ctx, batch(spec, 0, 2))
	var done []string
	for i := range 2 {
		e := component.ErrFor(err, i)
		if e == nil {
			done = append(done, spec.Want(i))
			continue
		}
		assert.False(t, component.IsPermanent(e), "message %d: a cancelled write must be retried, not dead-lettered: %v", i, e)
	}
	assert.Subset(t, spec.Written(t), done, "a message reported done is written")
}
