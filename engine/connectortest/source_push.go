package connectortest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
)

// timeout fires when the suite has waited long enough for something that
// must happen.
func timeout() <-chan time.Time { return time.After(componenttest.WaitLimit) }

func publishesEachAcceptedRequest(t *testing.T, e *env) {
	e.start(context.Background())
	for i := range 3 {
		status := e.send(i)
		require.True(t, isSuccess(status), "request %d answered %d", i, status)
		assert.Len(t, e.pub.ids(), i+1, "published before the answer")
	}
	assert.NotContains(t, e.pub.ids(), "", "every message has an ID")
}

// answersRetryLaterWhileThePublisherRefuses checks that a pusher
// acknowledges nothing it could not publish: the sender is told to retry
// (5xx), and its retry is published once the publisher accepts.
func answersRetryLaterWhileThePublisherRefuses(t *testing.T, e *env) {
	e.pub.set(refuse)
	e.start(context.Background())
	for i := range 2 {
		status := e.send(i)
		assert.GreaterOrEqual(t, status, http.StatusInternalServerError, "request %d: the sender must retry", i)
	}
	assert.Empty(t, e.pub.ids())
	assert.Zero(t, e.dead.Len())
	e.pub.set(accept)
	for i := range 2 {
		status := e.send(i)
		assert.True(t, isSuccess(status), "retried request %d answered %d", i, status)
	}
	assert.Len(t, distinct(e.pub.ids()), 2)
}

func refusesWhatTheTransportRefuses(t *testing.T, e *env) {
	e.pub.set(refuseForGood)
	e.start(context.Background())
	status := e.send(0)
	assert.True(t, status >= http.StatusBadRequest && status < http.StatusInternalServerError,
		"a request that can never be stored is refused (4xx), got %d", status)
	assert.Empty(t, e.pub.ids())
	e.pub.set(accept)
	assert.True(t, isSuccess(e.send(1)), "the source goes on")
}

func keepsServingAfterStartContext(t *testing.T, e *env) {
	ctx, cancel := context.WithCancel(context.Background())
	e.start(ctx)
	cancel()
	assert.True(t, isSuccess(e.send(0)))
	assert.Len(t, e.pub.ids(), 1)
}

// inFlight sends request 0 while the publisher blocks and returns once
// the source is publishing it; the status arrives on the channel.
func inFlight(t *testing.T, e *env) <-chan int {
	e.pub.set(block)
	status := make(chan int, 1)
	go func() { status <- e.send(0) }()
	select {
	case <-e.pub.entered:
	case <-timeout():
		t.Fatal("the request never reached the publisher")
	}
	return status
}

func shutdownGivesUpOnARequest(t *testing.T, e *env) {
	r := e.start(context.Background())
	status := inFlight(t, e)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- r.Shutdown(ctx) }()
	select {
	case err := <-stopped:
		assert.Error(t, err, "Shutdown reports the request it did not wait for")
	case <-timeout():
		t.Errorf("Shutdown with an ended context did not return while a request was in flight")
	}
	close(e.pub.release)
	componenttest.Recv(t, "the request in flight to be answered", status)
}

func refusesNewRequestsWhileShuttingDown(t *testing.T, e *env) {
	r := e.start(context.Background())
	status := inFlight(t, e)
	stopped := make(chan error, 1)
	go func() { stopped <- r.Shutdown(context.Background()) }()
	deadline := time.Now().Add(componenttest.WaitLimit)
	for e.send(1) != http.StatusServiceUnavailable {
		require.False(t, time.Now().After(deadline), "new requests are answered 503 once shutting down")
		time.Sleep(time.Millisecond)
	}
	select {
	case <-stopped:
		t.Fatal("Shutdown returned while a request was in flight")
	default:
	}
	close(e.pub.release)
	assert.True(t, isSuccess(componenttest.Recv(t, "the request in flight to be answered", status)), "the request in flight is answered once published")
	require.NoError(t, componenttest.Recv(t, "Shutdown to return", stopped))
	assert.NotEmpty(t, e.pub.ids())
}
