package source_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/source"
)

// pusher is a fake component.Pusher whose handler runs serve.
type pusher struct {
	serve    http.HandlerFunc
	shutdown atomic.Int32
}

func (p *pusher) Start(context.Context) error { return nil }
func (p *pusher) Shutdown(context.Context) error {
	p.shutdown.Add(1)
	return nil
}
func (p *pusher) Routes() map[string]http.Handler {
	return map[string]http.Handler{"/hooks/in": p.serve}
}

func post(t *testing.T, h http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/hooks/in", strings.NewReader("{}")))
	return w
}

func TestRunner_serves_routes_until_shutdown_and_waits_for_requests_in_flight(t *testing.T) {
	r := newRig(t)
	entered, release := make(chan struct{}), make(chan struct{})
	var block atomic.Bool
	p := &pusher{serve: func(w http.ResponseWriter, _ *http.Request) {
		if block.CompareAndSwap(true, false) {
			close(entered)
			<-release
		}
		w.WriteHeader(http.StatusAccepted)
	}}
	run := source.New(r.settings(), p, source.Options{})
	require.NoError(t, run.Start(context.Background()))
	assert.Equal(t, http.StatusAccepted, post(t, r.mux).Code, "served once started")

	block.Store(true)
	done := make(chan int)
	go func() { done <- post(t, r.mux).Code }()
	componenttest.Recv(t, "the request to reach the handler", entered)
	stopped := make(chan error)
	go func() { stopped <- run.Shutdown(context.Background()) }()
	var refused *httptest.ResponseRecorder
	require.Eventually(t, func() bool { refused = post(t, r.mux); return refused.Code == http.StatusServiceUnavailable },
		componenttest.WaitLimit, time.Millisecond, "new requests are refused once stopping")
	assert.Equal(t, "5", refused.Header().Get("Retry-After"))
	assert.JSONEq(t, `{"error":"shutting down, retry later"}`, refused.Body.String())
	select {
	case <-stopped:
		t.Fatal("Shutdown returned while a request was in flight")
	default:
	}
	assert.Zero(t, p.shutdown.Load(), "the source is shut down after its requests")
	close(release)
	assert.Equal(t, http.StatusAccepted, componenttest.Recv(t, "the request in flight to be answered", done))
	require.NoError(t, componenttest.Recv(t, "Shutdown to return", stopped))
	assert.Equal(t, int32(1), p.shutdown.Load())
}

func TestRunner_shutdown_gives_up_on_requests_in_flight_when_its_context_ends(t *testing.T) {
	r := newRig(t)
	entered, release := make(chan struct{}), make(chan struct{})
	p := &pusher{serve: func(w http.ResponseWriter, _ *http.Request) {
		close(entered)
		<-release
	}}
	run := source.New(r.settings(), p, source.Options{})
	require.NoError(t, run.Start(context.Background()))
	go post(t, r.mux)
	componenttest.Recv(t, "the request to reach the handler", entered)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorContains(t, run.Shutdown(ctx), "waiting for requests in flight: context canceled")
	close(release)
}

func TestRunner_start_fails_and_stops_the_source_when_a_route_is_taken(t *testing.T) {
	r := newRig(t)
	require.NoError(t, r.mux.Handle("/hooks/in", http.NotFoundHandler()))
	p := &pusher{serve: func(http.ResponseWriter, *http.Request) {}}
	err := source.New(r.settings(), p, source.Options{}).Start(context.Background())
	assert.ErrorContains(t, err, "serving /hooks/in: http pattern /hooks/in is already registered")
	assert.Equal(t, int32(1), p.shutdown.Load())
}

func TestRunner_shutdown_without_start_shuts_the_source_down(t *testing.T) {
	p := &pusher{}
	require.NoError(t, source.New(newRig(t).settings(), p, source.Options{}).Shutdown(context.Background()))
	assert.Equal(t, int32(1), p.shutdown.Load())
}

// blocked starts a runner whose first publish blocks until release is
// closed, and returns once that publish started, with the context the
// loop polled with.
func blocked(t *testing.T, r *rig) (run *source.Runner, polled context.Context, release chan struct{}) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	set := r.settings()
	inner := set.Publisher
	set.Publisher = component.PublisherFunc(func(ctx context.Context, msgs ...*component.Message) error {
		entered <- struct{}{}
		<-release
		return errors.Join(ctx.Err(), inner.Publish(ctx, msgs...))
	})
	c := &counter{}
	ctxs := make(chan context.Context, 1)
	read := func(ctx context.Context, cursor []byte) (component.Batch, error) {
		select {
		case ctxs <- ctx:
		default:
		}
		return c.read(ctx, cursor)
	}
	run = source.New(set, &poller{polls: []component.Poll{{Every: time.Hour, Read: read}}}, source.Options{})
	require.NoError(t, run.Start(context.Background()))
	componenttest.Recv(t, "the first publish", entered)
	return run, componenttest.Recv(t, "the first poll's context", ctxs), release
}

func TestRunner_shutdown_finishes_a_batch_being_published(t *testing.T) {
	r := newRig(t)
	run, polled, release := blocked(t, r)
	stopped := make(chan error)
	go func() { stopped <- run.Shutdown(context.Background()) }()
	componenttest.Recv(t, "the loop to be told to stop while it publishes", polled.Done())
	close(release)
	require.NoError(t, componenttest.Recv(t, "Shutdown to return", stopped))
	r.eventually("publish m1", "put cursor=1")
}

func TestRunner_shutdown_returns_when_its_context_ends_during_a_publish(t *testing.T) {
	r := newRig(t)
	run, _, release := blocked(t, r)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorContains(t, run.Shutdown(ctx), "waiting for p/source to stop polling: context canceled")
	close(release)
	r.eventually("publish m1", "put cursor=1")
}

func TestRunner_keeps_polling_when_the_start_context_ends(t *testing.T) {
	r := newRig(t)
	c := &counter{}
	ctx, cancel := context.WithCancel(context.Background())
	run := source.New(r.settings(), &poller{polls: []component.Poll{{Every: time.Hour, Read: c.read}}}, source.Options{})
	require.NoError(t, run.Start(ctx))
	t.Cleanup(func() { _ = run.Shutdown(context.Background()) })
	cancel()
	r.eventually("publish m1", "put cursor=1")
	r.idle(1)
	r.clock.Advance(time.Hour)
	r.eventually("publish m1", "put cursor=1", "publish m2", "put cursor=2")
}

func TestRunner_PollOnce_polls_and_delivers_one_batch(t *testing.T) {
	r := newRig(t)
	c := &counter{more: func(int) bool { return true }}
	run := source.New(r.settings(), &poller{polls: []component.Poll{{Read: c.read}}}, source.Options{})
	more, err := run.PollOnce(context.Background())
	require.NoError(t, err)
	assert.True(t, more)
	_, err = run.PollOnce(context.Background())
	require.NoError(t, err)
	r.eventually("publish m1", "put cursor=1", "publish m2", "put cursor=2")
	assert.Equal(t, []string{"", "1"}, c.cursors())

	_, err = source.New(r.settings(), &pusher{}, source.Options{}).PollOnce(context.Background())
	assert.ErrorContains(t, err, "p/source does not poll")
}

func TestNew_runs_a_source_that_neither_polls_nor_pushes_as_it_is(t *testing.T) {
	p := &pusher{}
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "p/source")}
	run := source.New(set, struct {
		component.Source
	}{p}, source.Options{})
	require.NoError(t, run.Start(context.Background()))
	require.NoError(t, run.Shutdown(context.Background()))
	assert.Equal(t, int32(1), p.shutdown.Load())
}
