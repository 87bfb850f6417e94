package source_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/source"
)

// gate is a fake Backpressure: each Wait is announced on waits, then held
// until open is closed.
type gate struct {
	waits chan struct{}
	open  chan struct{}
}

func newGate() *gate { return &gate{waits: make(chan struct{}, 16), open: make(chan struct{})} }

func (g *gate) Wait(ctx context.Context) error {
	g.waits <- struct{}{}
	select {
	case <-g.open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// waited waits until the runner waits on g.
func (g *gate) waited(t *testing.T) {
	t.Helper()
	select {
	case <-g.waits:
	case <-time.After(componenttest.WaitLimit):
		t.Fatal("the runner never waited for backpressure")
	}
}

func TestRunner_reads_nothing_while_backpressure_holds_it(t *testing.T) {
	r := newRig(t)
	c := &counter{}
	g := newGate()
	run := source.New(r.settings(), &poller{polls: []component.Poll{{Every: time.Hour, Read: c.read}}}, source.Options{Backpressure: g})
	require.NoError(t, run.Start(context.Background()))
	t.Cleanup(func() { _ = run.Shutdown(context.Background()) })

	g.waited(t)
	assert.Empty(t, c.cursors(), "no poll while held")
	close(g.open)
	r.eventually("publish m1", "put cursor=1")
}

func TestRunner_shutdown_ends_a_wait_for_backpressure(t *testing.T) {
	r := newRig(t)
	c := &counter{}
	g := newGate() // never opens: the consumers never catch up
	run := source.New(r.settings(), &poller{polls: []component.Poll{{Every: time.Hour, Read: c.read}}}, source.Options{Backpressure: g})
	require.NoError(t, run.Start(context.Background()))
	g.waited(t)

	ctx, cancel := context.WithTimeout(context.Background(), componenttest.WaitLimit)
	defer cancel()
	require.NoError(t, run.Shutdown(ctx))
	assert.Empty(t, c.cursors(), "nothing read")
	assert.Empty(t, r.j.all(), "nothing published")
}

func TestRunner_never_holds_back_pushed_requests(t *testing.T) {
	r := newRig(t)
	set := r.settings()
	p := &pusher{serve: func(w http.ResponseWriter, req *http.Request) {
		if err := set.Publisher.Publish(req.Context(), component.NewMessage("h1", nil)); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}}
	run := source.New(set, p, source.Options{Backpressure: newGate()}) // never opens
	require.NoError(t, run.Start(context.Background()))
	t.Cleanup(func() { _ = run.Shutdown(context.Background()) })

	assert.Equal(t, http.StatusAccepted, post(t, r.mux).Code)
	assert.Equal(t, []string{"publish h1"}, r.j.all())
}
