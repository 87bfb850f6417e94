package connectortest

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
)

// SourceSpec is how the suite drives one source type.
type SourceSpec struct {
	// New creates the source with set, as its factory would (a test
	// usually decodes options and calls the factory). It may adjust set
	// first (the pipeline directory, the connection, a manual clock); the
	// engine's runner runs the source with what it leaves. The suite calls
	// New for every start, with the State of the previous start.
	New func(t testing.TB, set *component.SourceSettings) component.Source
	// Input, for a poller, makes n more items of input available (lines
	// appended, rows written, orders created, time for n ticks) and
	// returns how many messages they must become.
	Input func(t testing.TB, n int) int
	// Request, for a pusher, returns its i-th request: a valid one,
	// authenticated as the options ask, to the path it serves.
	Request func(t testing.TB, i int) *http.Request
	// Step lets a little time pass for the source: advance its manual
	// clock, let a simulator catch up. The suite calls it while it waits.
	Step func()
	// Features says what the source promises beyond the contract.
	Features SourceFeatures
}

// SourceFeatures switches scenarios on for sources that promise them.
type SourceFeatures struct {
	// Backlog: input made while the source is stopped, or while the
	// publisher refuses, is all published once it can (a poller following
	// a cursor). Without it the suite checks that the first refused input
	// is published once the publisher accepts again (a schedule publishes
	// the latest due tick, not every missed one).
	Backlog bool
}

// TestSource runs the conformance suite on the source newSpec describes;
// newSpec is called for every scenario, so that each starts from a fresh
// world (an empty directory, a new simulator).
func TestSource(t *testing.T, newSpec func(t *testing.T) SourceSpec) {
	scenarios := []struct {
		name       string
		poll, push func(t *testing.T, e *env)
	}{
		{"runs_on_the_engine_lifecycle", pollsOnTheEngineLifecycle, pushesOnTheEngineLifecycle},
		{"shutdown_without_start", shutdownWithoutStart, shutdownWithoutStart},
		{"publishes_its_input", publishesItsInput, publishesEachAcceptedRequest},
		{"acknowledges_only_after_a_durable_publish", keepsWhatThePublisherRefused, answersRetryLaterWhileThePublisherRefuses},
		{"resumes_after_a_restart_without_loss_or_repeat", resumesWithoutLossOrRepeat, nil},
		{"classifies_a_publish_refused_for_good", deadLettersWhatTheTransportRefuses, refusesWhatTheTransportRefuses},
		{"keeps_running_when_the_start_context_ends", keepsRunningAfterStartContext, keepsServingAfterStartContext},
		{"shutdown_returns_when_its_context_ends_during_a_publish", shutdownGivesUpOnAPublish, shutdownGivesUpOnARequest},
		{"refuses_new_requests_while_shutting_down", nil, refusesNewRequestsWhileShuttingDown},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			spec := newSpec(t)
			run := sc.poll
			if spec.Request != nil {
				run = sc.push
			}
			if run == nil {
				t.Skip("does not apply to this kind of source")
			}
			run(t, newEnv(t, spec))
		})
	}
}

func pollsOnTheEngineLifecycle(t *testing.T, e *env) {
	_, ok := e.create().Source().(component.Poller)
	assert.True(t, ok, "a source with input to poll implements component.Poller: the engine runs its loop")
}

func pushesOnTheEngineLifecycle(t *testing.T, e *env) {
	_, ok := e.create().Source().(component.Pusher)
	assert.True(t, ok, "a source that is sent requests implements component.Pusher: the engine serves its routes")
}

func shutdownWithoutStart(t *testing.T, e *env) {
	assert.NoError(t, e.create().Shutdown(context.Background()))
}

func publishesItsInput(t *testing.T, e *env) {
	e.start(context.Background())
	want := e.spec.Input(t, 3)
	e.drive("the input to be published", func() bool { return len(distinct(e.pub.ids())) >= want })
	e.settle()
	ids := e.pub.ids()
	assert.Len(t, ids, want, "each item published once: %q", ids)
	assert.NotContains(t, ids, "", "every message has an ID")
	assert.Zero(t, e.dead.Len(), "valid input is not dead-lettered")
}

// keepsWhatThePublisherRefused checks that a source consumes nothing while
// the transport refuses it: after a restart (a cursor) or once the
// publisher accepts again, the refused input is published.
func keepsWhatThePublisherRefused(t *testing.T, e *env) {
	e.pub.set(refuse)
	r := e.start(context.Background())
	want := e.spec.Input(t, 3)
	e.drive("the source to retry a refused publish", func() bool { return e.pub.refusals() >= 2 })
	assert.Empty(t, e.pub.ids())
	assert.Zero(t, e.dead.Len(), "a retryable refusal dead-letters nothing")
	if e.spec.Features.Backlog {
		e.restart(r)
		e.drive("the refused input to be published after a restart", func() bool { return len(distinct(e.pub.ids())) >= want })
		e.settle()
		assert.Len(t, e.pub.ids(), want, "nothing was consumed while refused, nothing published twice")
		return
	}
	e.pub.set(accept)
	e.drive("the refused input to be published once the publisher accepts", func() bool { return len(e.pub.ids()) > 0 })
}

func resumesWithoutLossOrRepeat(t *testing.T, e *env) {
	r := e.start(context.Background())
	first := e.spec.Input(t, 2)
	e.drive("the first run's input to be published", func() bool { return len(distinct(e.pub.ids())) >= first })
	before := e.pub.ids()
	require.NoError(t, r.Shutdown(context.Background()))
	want := 0
	if e.spec.Features.Backlog {
		want += e.spec.Input(t, 2) // made while stopped
	}
	e.pub = newPublisher()
	e.start(context.Background())
	want += e.spec.Input(t, 1)
	e.drive("the input after the restart to be published", func() bool { return len(distinct(e.pub.ids())) >= want })
	e.settle()
	after := e.pub.ids()
	assert.Len(t, after, want, "nothing lost, nothing published twice: %q", after)
	for _, id := range before {
		assert.NotContains(t, after, id, "published before the restart and again after it")
	}
}

func deadLettersWhatTheTransportRefuses(t *testing.T, e *env) {
	e.pub.set(refuseForGood)
	e.start(context.Background())
	refused := e.spec.Input(t, 2)
	e.drive("the refused messages to be dead-lettered", func() bool { return e.dead.Len() >= refused })
	_, reasons := e.dead.Records()
	for _, r := range reasons {
		assert.True(t, component.IsPermanent(r), "the dead letter keeps the permanent reason: %v", r)
	}
	e.pub.set(accept)
	want := e.spec.Input(t, 1)
	e.drive("the source to go on with new input", func() bool { return len(distinct(e.pub.ids())) >= want })
	for _, id := range deadIDs(e.dead) {
		assert.NotContains(t, e.pub.ids(), id, "dead-lettered and published")
	}
}

func keepsRunningAfterStartContext(t *testing.T, e *env) {
	ctx, cancel := context.WithCancel(context.Background())
	e.start(ctx)
	cancel()
	want := e.spec.Input(t, 1)
	e.drive("input after the Start context ended to be published", func() bool { return len(distinct(e.pub.ids())) >= want })
}

func shutdownGivesUpOnAPublish(t *testing.T, e *env) {
	e.pub.set(block)
	r := e.start(context.Background())
	e.spec.Input(t, 1)
	e.drive("a publish to start", func() bool { return len(e.pub.entered) > 0 })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- r.Shutdown(ctx) }()
	select {
	case <-stopped:
	case <-timeout():
		t.Errorf("Shutdown with an ended context did not return while a publish was blocked")
	}
	close(e.pub.release)
}
