package connectortest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/source"
)

// mode is how the suite's publisher answers.
type mode int

const (
	accept        mode = iota
	refuse             // a retryable error: the transport is down
	refuseForGood      // a permanent error: the message can never be stored
	block              // the next publish waits until released; then accept
)

// publisher is the transport as the suite fakes it. It records the IDs it
// stored and counts refused attempts; it does not de-duplicate, so a
// repeated ID shows.
type publisher struct {
	mu      sync.Mutex
	mode    mode
	stored  []string
	refused int
	entered chan struct{} // receives when a publish blocks
	release chan struct{}
}

func newPublisher() *publisher {
	return &publisher{entered: make(chan struct{}, 1), release: make(chan struct{})}
}

func (p *publisher) set(m mode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = m
}

func (p *publisher) Publish(ctx context.Context, msgs ...*component.Message) error {
	p.mu.Lock()
	m := p.mode
	if m == block {
		p.mode = accept
	}
	p.mu.Unlock()
	switch m {
	case refuse, refuseForGood:
		p.mu.Lock()
		p.refused++
		p.mu.Unlock()
		if m == refuse {
			return component.Retryable(errTransportDown)
		}
		return component.Permanent(errTooLarge)
	case block:
		select {
		case p.entered <- struct{}{}:
		default:
		}
		<-p.release
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, msg := range msgs {
		p.stored = append(p.stored, msg.ID)
	}
	return nil
}

// ids returns the stored IDs.
func (p *publisher) ids() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.stored)
}

func (p *publisher) refusals() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused
}

type constError string

func (e constError) Error() string { return string(e) }

const (
	errTransportDown constError = "the transport is down (conformance suite)"
	errTooLarge      constError = "the message can never be stored (conformance suite)"
)

// env is one scenario's engine side: the state a restarted source finds
// again, the publisher of the current run, dead letters and HTTP.
type env struct {
	t     *testing.T
	spec  SourceSpec
	state *componenttest.MemState
	pub   *publisher
	dead  *componenttest.DeadLetters
	mux   *componenttest.Mux
}

func newEnv(t *testing.T, spec SourceSpec) *env {
	return &env{t: t, spec: spec, state: componenttest.NewMemState(), pub: newPublisher(), dead: &componenttest.DeadLetters{}, mux: componenttest.NewMux()}
}

// create builds the source, under the engine's runner.
func (e *env) create() *source.Runner {
	e.t.Helper()
	set := component.SourceSettings{Settings: componenttest.NewSettings(e.t, "conformance/source"), Publisher: e.pub, HTTP: e.mux, DeadLetter: e.dead}
	set.Pipeline, set.State = "conformance", e.state
	src := e.spec.New(e.t, &set)
	return source.New(set, src, source.Options{})
}

// start creates and starts the source with ctx; the test stops it.
func (e *env) start(ctx context.Context) *source.Runner {
	e.t.Helper()
	r := e.create()
	require.NoError(e.t, r.Start(ctx), "Start")
	e.t.Cleanup(func() { _ = r.Shutdown(context.Background()) })
	return r
}

// restart stops r and starts the source again with the same state and a
// fresh publisher.
func (e *env) restart(r *source.Runner) *source.Runner {
	e.t.Helper()
	require.NoError(e.t, r.Shutdown(context.Background()), "Shutdown")
	e.pub = newPublisher()
	return e.start(context.Background())
}

// drive lets time pass for the source (the spec's Step) until cond holds.
func (e *env) drive(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(componenttest.WaitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("waited %s for %s; stored %q, %d refused, %d dead-lettered", componenttest.WaitLimit, what, e.pub.ids(), e.pub.refusals(), e.dead.Len())
		}
		if e.spec.Step != nil {
			e.spec.Step()
		}
		time.Sleep(time.Millisecond)
	}
}

// settle lets a few more steps pass, for a source that would publish
// something it should not.
func (e *env) settle() {
	for range 5 {
		if e.spec.Step != nil {
			e.spec.Step()
		}
		time.Sleep(time.Millisecond)
	}
}

// send serves the i-th request of a pusher and returns the status.
func (e *env) send(i int) int {
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, e.spec.Request(e.t, i))
	return w.Code
}

// distinct returns the IDs once each, in first-stored order.
func distinct(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func deadIDs(d *componenttest.DeadLetters) []string {
	msgs, _ := d.Records()
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids
}

func isSuccess(status int) bool {
	return status >= http.StatusOK && status < http.StatusMultipleChoices
}
