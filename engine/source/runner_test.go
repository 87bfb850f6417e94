package source_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/source"
)

var epoch = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

// journal records what the runner did, in order: "publish a,b",
// "put cursor=2", "dead a", "ack".
type journal struct {
	mu      sync.Mutex
	entries []string
}

func (j *journal) add(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = append(j.entries, fmt.Sprintf(format, args...))
}

func (j *journal) all() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.entries...)
}

// rig runs fake pollers under a runner with a manual clock, a journaling
// publisher (failing while fail is set), state and dead letters.
type rig struct {
	t     *testing.T
	clock *componenttest.ManualClock
	state *componenttest.MemState
	j     *journal
	mu    sync.Mutex
	fail  error
	mux   *componenttest.Mux
}

func newRig(t *testing.T) *rig {
	return &rig{t: t, clock: componenttest.NewManualClock(epoch), state: componenttest.NewMemState(), j: &journal{}, mux: componenttest.NewMux()}
}

func (r *rig) setFail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = err
}

func (r *rig) settings() component.SourceSettings {
	set := component.SourceSettings{Settings: componenttest.NewSettings(r.t, "p/source"), HTTP: r.mux}
	set.Clock, set.State = r.clock, journalState{r.state, r.j}
	set.Publisher = component.PublisherFunc(func(_ context.Context, msgs ...*component.Message) error {
		r.mu.Lock()
		err := r.fail
		r.mu.Unlock()
		if err != nil {
			r.j.add("refused %s", ids(msgs))
			return err
		}
		r.j.add("publish %s", ids(msgs))
		return nil
	})
	set.DeadLetter = deadLetterFunc(func(m *component.Message, reason error) { r.j.add("dead %s: %v", m.ID, reason) })
	return set
}

// run starts src under a runner and stops it at the end of the test.
func (r *rig) run(src component.Source) *source.Runner {
	r.t.Helper()
	run := source.New(r.settings(), src, source.Options{})
	require.NoError(r.t, run.Start(context.Background()))
	r.t.Cleanup(func() { _ = run.Shutdown(context.Background()) })
	return run
}

// eventually waits until the journal holds want.
func (r *rig) eventually(want ...string) {
	r.t.Helper()
	deadline := time.Now().Add(componenttest.WaitLimit)
	for strings.Join(r.j.all(), "\n") != strings.Join(want, "\n") {
		if time.Now().After(deadline) {
			r.t.Fatalf("journal %q, want %q", r.j.all(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

// idle waits until n waits are pending on the clock.
func (r *rig) idle(n int) {
	r.t.Helper()
	require.Eventually(r.t, func() bool { return r.clock.Waiters() == n }, componenttest.WaitLimit, time.Millisecond, "%d waits on the clock", n)
}

type journalState struct {
	*componenttest.MemState
	j *journal
}

func (s journalState) Put(ctx context.Context, key string, v []byte) error {
	s.j.add("put %s=%s", key, v)
	return s.MemState.Put(ctx, key, v)
}

type deadLetterFunc func(m *component.Message, reason error)

func (f deadLetterFunc) DeadLetter(_ context.Context, m *component.Message, reason error) error {
	f(m, reason)
	return nil
}

func ids(msgs []*component.Message) string {
	s := make([]string, len(msgs))
	for i, m := range msgs {
		s[i] = m.ID
	}
	return strings.Join(s, ",")
}

// poller is a fake component.Poller.
type poller struct {
	component.Lifecycle
	polls []component.Poll
}

func (p *poller) Polls() []component.Poll { return p.polls }

// counter is a poll that publishes message n and cursor n on its n-th
// call, and records the cursor it was given.
type counter struct {
	mu   sync.Mutex
	n    int
	seen []string
	more func(n int) bool
}

func (c *counter) read(_ context.Context, cursor []byte) (component.Batch, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	c.seen = append(c.seen, string(cursor))
	n := fmt.Sprint(c.n)
	b := component.Batch{Messages: []*component.Message{component.NewMessage("m"+n, nil)}, Cursor: []byte(n)}
	if c.more != nil {
		b.More = c.more(c.n)
	}
	return b, nil
}

func (c *counter) cursors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.seen...)
}

func TestRunner_stores_the_cursor_only_after_the_batch_is_published(t *testing.T) {
	r := newRig(t)
	c := &counter{}
	r.setFail(component.Retryable(assert.AnError))
	r.run(&poller{polls: []component.Poll{{Every: time.Hour, Read: c.read}}})
	r.eventually("refused m1")
	r.idle(1)
	_, err := r.state.Get(context.Background(), "cursor")
	assert.ErrorIs(t, err, component.ErrNotFound, "nothing stored while the publish fails")
	r.setFail(nil)
	r.clock.Advance(time.Minute) // the backoff
	r.eventually("refused m1", "publish m1", "put cursor=1")
	assert.Equal(t, []string{""}, c.cursors(), "the batch was published again, not read again")
}

func TestRunner_polls_every_interval_from_the_round_start_and_at_once_for_more(t *testing.T) {
	r := newRig(t)
	c := &counter{more: func(n int) bool { return n == 1 }}
	r.run(&poller{polls: []component.Poll{{Every: time.Hour, Read: c.read}}})
	r.eventually("publish m1", "put cursor=1", "publish m2", "put cursor=2")
	r.idle(1)
	r.clock.Advance(59 * time.Minute)
	r.idle(1)
	assert.Len(t, r.j.all(), 4, "not before the hour")
	r.clock.Advance(time.Minute)
	r.eventually("publish m1", "put cursor=1", "publish m2", "put cursor=2", "publish m3", "put cursor=3")
	assert.Equal(t, []string{"", "1", "2"}, c.cursors())
}

func TestRunner_resumes_from_the_stored_cursor(t *testing.T) {
	r := newRig(t)
	require.NoError(t, r.state.Put(context.Background(), "ticks", []byte("41")))
	c := &counter{}
	r.run(&poller{polls: []component.Poll{{CursorKey: "ticks", Every: time.Hour, Read: c.read}}})
	r.eventually("publish m1", "put ticks=1")
	assert.Equal(t, []string{"41"}, c.cursors())
}

func TestRunner_classifies_poll_errors(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		advance time.Duration // when the second poll comes
	}{
		{"retryable: backoff", component.Retryable(assert.AnError), time.Second},
		{"unclassified: backoff", assert.AnError, time.Second},
		{"asking for a delay: no sooner", component.RetryableAfter(assert.AnError, 10*time.Minute), 10 * time.Minute},
		{"permanent: the next round", component.Permanent(assert.AnError), time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			var mu sync.Mutex
			calls := 0
			read := func(context.Context, []byte) (component.Batch, error) {
				mu.Lock()
				defer mu.Unlock()
				if calls++; calls == 1 {
					return component.Batch{}, tt.err
				}
				return component.Batch{Messages: []*component.Message{component.NewMessage("m", nil)}}, nil
			}
			r.run(&poller{polls: []component.Poll{{Every: time.Hour, Read: read}}})
			r.idle(1)
			if tt.advance > time.Second {
				r.clock.Advance(tt.advance - time.Second)
				r.idle(1)
				assert.Empty(t, r.j.all(), "not retried before %s", tt.advance)
			}
			r.clock.Advance(time.Second)
			r.eventually("publish m")
		})
	}
}

func TestRunner_dead_letters_a_batch_the_transport_refuses_for_good(t *testing.T) {
	r := newRig(t)
	r.setFail(component.Permanentf("message too large"))
	c := &counter{}
	r.run(&poller{polls: []component.Poll{{Every: time.Hour, Read: c.read}}})
	r.eventually("refused m1", "dead m1: message too large", "put cursor=1")
}

func TestRunner_calls_Ack_before_storing_the_cursor_and_polls_again_when_it_fails(t *testing.T) {
	r := newRig(t)
	var mu sync.Mutex
	acks := 0
	read := func(_ context.Context, cursor []byte) (component.Batch, error) {
		return component.Batch{Messages: []*component.Message{component.NewMessage("m"+string(cursor), nil)}, Cursor: []byte("2"),
			Ack: func(context.Context) error {
				mu.Lock()
				defer mu.Unlock()
				r.j.add("ack")
				if acks++; acks == 1 {
					return assert.AnError
				}
				return nil
			}}, nil
	}
	r.run(&poller{polls: []component.Poll{{Every: time.Hour, Read: read}}})
	r.eventually("publish m", "ack")
	r.idle(1)
	r.clock.Advance(time.Second)
	r.eventually("publish m", "ack", "publish m", "ack", "put cursor=2")
}

// owner records the Owner calls and owns while owns is set.
type owner struct {
	mu       sync.Mutex
	owns     bool
	acquired int
	released []string
}

func (o *owner) Acquire(context.Context, string) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.acquired++
	return o.owns, nil
}

func (o *owner) Release(_ context.Context, id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.released = append(o.released, id)
	return nil
}

func (o *owner) calls() (int, []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.acquired, append([]string(nil), o.released...)
}

func TestRunner_stops_a_loop_that_is_done_or_has_nothing_to_wait_for(t *testing.T) {
	tests := []struct {
		name  string
		every time.Duration
		batch component.Batch
		err   error
	}{
		{"done", time.Hour, component.Batch{Done: true}, nil},
		{"no interval, no At, no Wake", 0, component.Batch{}, nil},
		{"permanent error without a next round", 0, component.Batch{}, component.Permanent(assert.AnError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			o := &owner{owns: true}
			read := func(context.Context, []byte) (component.Batch, error) { return tt.batch, tt.err }
			run := source.New(r.settings(), &poller{polls: []component.Poll{{Name: "only", Every: tt.every, Read: read}}}, source.Options{Owner: o})
			require.NoError(t, run.Start(context.Background()))
			require.Eventually(t, func() bool { _, rel := o.calls(); return len(rel) == 1 }, componenttest.WaitLimit, time.Millisecond, "the loop ended by itself")
			acquired, released := o.calls()
			assert.Equal(t, 1, acquired, "one poll")
			assert.Equal(t, []string{"p/source/only"}, released)
			require.NoError(t, run.Shutdown(context.Background()))
		})
	}
}

func TestRunner_polls_only_what_this_instance_owns(t *testing.T) {
	r := newRig(t)
	o := &owner{}
	c := &counter{}
	run := source.New(r.settings(), &poller{polls: []component.Poll{{Every: time.Hour, Read: c.read}}}, source.Options{Owner: o})
	require.NoError(t, run.Start(context.Background()))
	r.idle(1)
	assert.Empty(t, c.cursors(), "not owned: no poll")
	o.mu.Lock()
	o.owns = true
	o.mu.Unlock()
	r.clock.Advance(time.Hour)
	r.eventually("publish m1", "put cursor=1")
	require.NoError(t, run.Shutdown(context.Background()))
	_, released := o.calls()
	assert.Equal(t, []string{"p/source"}, released)
}

func TestRunner_asks_again_after_the_recheck_interval_not_the_loop_s(t *testing.T) {
	r := newRig(t)
	o := &owner{}
	c := &counter{}
	run := source.New(r.settings(), &poller{polls: []component.Poll{{Every: time.Hour, Read: c.read}}}, source.Options{Owner: o, Recheck: 10 * time.Second})
	require.NoError(t, run.Start(context.Background()))
	t.Cleanup(func() { _ = run.Shutdown(context.Background()) })
	r.idle(1)
	o.mu.Lock()
	o.owns = true
	o.mu.Unlock()
	r.clock.Advance(10 * time.Second)
	r.eventually("publish m1", "put cursor=1")
	acquired, _ := o.calls()
	assert.Equal(t, 2, acquired)
}

func TestRunner_starts_a_round_on_wake(t *testing.T) {
	r := newRig(t)
	wake := make(chan struct{}, 1)
	c := &counter{}
	r.run(&poller{polls: []component.Poll{{Wake: wake, Read: c.read}}})
	r.eventually("publish m1", "put cursor=1")
	wake <- struct{}{}
	r.eventually("publish m1", "put cursor=1", "publish m2", "put cursor=2")
}

func TestRunner_waits_a_full_interval_after_a_woken_round(t *testing.T) {
	r := newRig(t)
	wake := make(chan struct{})
	c := &counter{}
	r.run(&poller{polls: []component.Poll{{Every: time.Hour, Wake: wake, Read: c.read}}})
	r.eventually("publish m1", "put cursor=1")
	r.idle(1)
	r.clock.Advance(30 * time.Minute)
	r.idle(1)
	wake <- struct{}{}
	r.eventually("publish m1", "put cursor=1", "publish m2", "put cursor=2")
	r.idle(1) // the wait the wake cut short is no longer counted
	r.clock.Advance(59 * time.Minute)
	r.idle(1)
	assert.Len(t, r.j.all(), 4, "not before an hour after the woken round")
	r.clock.Advance(time.Minute)
	r.eventually("publish m1", "put cursor=1", "publish m2", "put cursor=2", "publish m3", "put cursor=3")
}

func TestRunner_polls_at_the_time_a_batch_gives(t *testing.T) {
	r := newRig(t)
	var mu sync.Mutex
	calls := 0
	read := func(context.Context, []byte) (component.Batch, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return component.Batch{Messages: []*component.Message{component.NewMessage(fmt.Sprint("m", calls), nil)}, At: r.clock.Now().Add(90 * time.Minute)}, nil
	}
	r.run(&poller{polls: []component.Poll{{Read: read}}})
	r.eventually("publish m1")
	for range 89 {
		r.idle(1)
		r.clock.Advance(time.Minute)
	}
	r.idle(1)
	assert.Equal(t, []string{"publish m1"}, r.j.all(), "waits in steps of at most a minute, not before At")
	r.clock.Advance(time.Minute)
	r.eventually("publish m1", "publish m2")
}
