package source_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
	"github.com/pipewright/pipewright/engine/source"
)

// Lease times of these tests: short where a lease must expire (nothing
// asserts how soon), long where a stalled machine must not make one
// expire.
const (
	shortLease = 2 * time.Second
	longLease  = 9 * time.Second
)

// shared is one source polled by several engine instances: it counts the
// polls in progress across all of them, and records every poll and every
// published message id.
type shared struct {
	inflight, most atomic.Int32
	mu             sync.Mutex
	polls          []poll
	published      map[string]int
}

type poll struct {
	by     string
	cursor int
}

// read is instance by's poll: it publishes message m<cursor+1> and moves
// the cursor by one.
func (s *shared) read(by string) component.PollFunc {
	return func(_ context.Context, cursor []byte) (component.Batch, error) {
		n := s.inflight.Add(1)
		defer s.inflight.Add(-1)
		for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
		}
		time.Sleep(time.Millisecond) // a poll takes a while: time for a second poller to overlap it
		c, _ := strconv.Atoi(string(cursor))
		s.mu.Lock()
		s.polls = append(s.polls, poll{by: by, cursor: c})
		s.mu.Unlock()
		next := strconv.Itoa(c + 1)
		return component.Batch{Messages: []*component.Message{component.NewMessage("m"+next, nil)}, Cursor: []byte(next)}, nil
	}
}

func (s *shared) Publish(_ context.Context, msgs ...*component.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range msgs {
		s.published[m.ID]++
	}
	return nil
}

// by counts the polls of each instance.
func (s *shared) by() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := map[string]int{}
	for _, p := range s.polls {
		n[p.by]++
	}
	return n
}

// check asserts what holds however ownership moved: never two polls at
// once, the cursor never read backwards, and every message published once,
// m1 to the last without a gap.
func (s *shared) check(t *testing.T) {
	t.Helper()
	assert.EqualValues(t, 1, s.most.Load(), "polls in progress at once, most")
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 1; i < len(s.polls); i++ {
		prev, p := s.polls[i-1], s.polls[i]
		assert.Contains(t, []int{prev.cursor, prev.cursor + 1}, p.cursor, "poll %d by %s after %s's from %d", i, p.by, prev.by, prev.cursor)
	}
	for i := 1; i <= len(s.published); i++ {
		assert.Equal(t, 1, s.published[fmt.Sprintf("m%d", i)], "m%d published", i)
	}
}

// crashable is an Owner whose Release does nothing once it crashed.
type crashable struct {
	*transport.Leases
	crashed atomic.Bool
}

func (c *crashable) Release(ctx context.Context, id string) error {
	if c.crashed.Load() {
		return nil
	}
	return c.Leases.Release(ctx, id)
}

// instance is one engine instance running the shared source.
type instance struct {
	name  string
	owner *crashable
	run   *source.Runner
	state *transport.State
}

// start starts instance name on a connection of its own to c, polling
// the shared source every every under leases of ttl.
func start(t *testing.T, c *natstest.Cluster, s *shared, name string, every, ttl time.Duration) *instance {
	t.Helper()
	js, err := jetstream.New(c.Connect())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), componenttest.WaitLimit)
	defer cancel()
	b, err := transport.EnsureBuckets(ctx, js, transport.Names{Project: "owners"}, transport.Limits{})
	require.NoError(t, err)
	log := componenttest.Logger(t).With("instance", name)
	ls, err := transport.NewLeases(b.Shared, transport.LeaseOptions{Holder: name, TTL: ttl, Logger: log})
	require.NoError(t, err)
	t.Cleanup(ls.Stop)
	in := &instance{name: name, owner: &crashable{Leases: ls}, state: transport.NewState(b.State, "p/source")}
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "p/source"), Publisher: s}
	set.State, set.Logger = in.state, log
	in.run = source.New(set, &poller{polls: []component.Poll{{Every: every, Read: s.read(name)}}},
		source.Options{Owner: in.owner, Recheck: ls.Recheck()})
	require.NoError(t, in.run.Start(context.Background()))
	t.Cleanup(func() { _ = in.run.Shutdown(context.Background()) })
	return in
}

func (in *instance) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, in.run.Shutdown(context.Background()))
}

// crash stops the instance as a killed process would: its lease is
// neither renewed nor released.
func (in *instance) crash(t *testing.T) {
	t.Helper()
	in.owner.crashed.Store(true)
	in.owner.Stop()
	in.stop(t)
}

// ownerOf waits until one instance polled at least n times and returns it.
func ownerOf(t *testing.T, s *shared, ins []*instance, n int) *instance {
	t.Helper()
	var got *instance
	componenttest.WaitFor(t, fmt.Sprintf("an instance to poll %d times", n), func() bool {
		by := s.by()
		for _, in := range ins {
			if by[in.name] >= n {
				got = in
			}
		}
		return got != nil
	})
	return got
}

func without(ins []*instance, gone *instance) []*instance {
	var out []*instance
	for _, in := range ins {
		if in != gone {
			out = append(out, in)
		}
	}
	return out
}

func TestRunner_instances_sharing_a_NATS_poll_a_source_one_at_a_time_and_hand_it_over_when_they_stop(t *testing.T) {
	c := natstest.StartServer(t)
	s := &shared{published: map[string]int{}}
	// Stopped instances release their leases: the next owner needs no expiry.
	ins := []*instance{start(t, c, s, "a", 2*time.Millisecond, longLease), start(t, c, s, "b", 2*time.Millisecond, longLease),
		start(t, c, s, "c", 2*time.Millisecond, longLease)}

	first := ownerOf(t, s, ins, 20)
	assert.Len(t, s.by(), 1, "only the owner polled: %v", s.by())
	first.stop(t)
	rest := without(ins, first)
	second := ownerOf(t, s, rest, 20)
	second.stop(t)
	third := ownerOf(t, s, without(rest, second), 20)
	third.stop(t)

	assert.Len(t, s.by(), 3, "each instance polled in turn: %v", s.by())
	s.check(t)
}

func TestRunner_a_crashed_owner_s_source_is_taken_over_after_its_lease_expires_even_when_it_polls_hourly(t *testing.T) {
	c := natstest.StartServer(t)
	s := &shared{published: map[string]int{}}
	ins := []*instance{start(t, c, s, "a", time.Hour, shortLease), start(t, c, s, "b", time.Hour, shortLease)}
	first := ownerOf(t, s, ins, 1)

	first.crash(t)
	second := ownerOf(t, s, without(ins, first), 1)
	assert.NotEqual(t, first.name, second.name)

	assert.Equal(t, map[string]int{first.name: 1, second.name: 1}, s.by(), "one poll each: the hour has not passed")
	s.check(t)
	s.mu.Lock()
	defer s.mu.Unlock()
	assert.Equal(t, 1, s.polls[1].cursor, "the new owner resumes from the cursor the old one stored")
}

func TestRunner_keeps_the_lease_of_a_source_that_polls_hourly(t *testing.T) {
	c := natstest.StartServer(t)
	s := &shared{published: map[string]int{}}
	a := start(t, c, s, "a", time.Hour, 3*time.Second)
	ownerOf(t, s, []*instance{a}, 1)
	start(t, c, s, "b", time.Hour, 3*time.Second)

	kv := leaseBucket(t, c)
	e, err := kv.Get(context.Background(), transport.LeasePrefix+"p/source")
	require.NoError(t, err)
	rev := e.Revision()
	componenttest.WaitFor(t, "the lease to be renewed for longer than its lease time", func() bool {
		e, err := kv.Get(context.Background(), transport.LeasePrefix+"p/source")
		return err == nil && e.Revision() >= rev+5
	})
	assert.Equal(t, map[string]int{"a": 1}, s.by(), "b did not poll: a's lease is renewed between its polls")
}

// leaseBucket is the shared bucket of the tests' project.
func leaseBucket(t *testing.T, c *natstest.Cluster) jetstream.KeyValue {
	t.Helper()
	js, err := jetstream.New(c.Connect())
	require.NoError(t, err)
	kv, err := js.KeyValue(context.Background(), transport.Names{Project: "owners"}.SharedBucket())
	require.NoError(t, err)
	return kv
}

func TestRunner_leaves_a_cursor_another_instance_wrote_and_polls_from_it(t *testing.T) {
	c := natstest.StartServer(t)
	js, err := jetstream.New(c.Connect())
	require.NoError(t, err)
	b, err := transport.EnsureBuckets(context.Background(), js, transport.Names{Project: "cas"}, transport.Limits{})
	require.NoError(t, err)
	other := transport.NewState(b.State, "p/source")

	var mu sync.Mutex
	var read []string
	pub := &componenttest.Publisher{}
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "p/source"), Publisher: pub}
	set.State = transport.NewState(b.State, "p/source")
	run := source.New(set, &poller{polls: []component.Poll{{Every: time.Hour, Read: func(ctx context.Context, cursor []byte) (component.Batch, error) {
		mu.Lock()
		defer mu.Unlock()
		read = append(read, string(cursor))
		if len(read) == 1 {
			// Another instance, which owns the source now, stores its
			// cursor while this one polls.
			require.NoError(t, other.Put(ctx, "cursor", []byte("7")))
			return component.Batch{Messages: []*component.Message{component.NewMessage("m1", nil)}, Cursor: []byte("1")}, nil
		}
		return component.Batch{Messages: []*component.Message{component.NewMessage("m8", nil)}, Cursor: []byte("8")}, nil
	}}}}, source.Options{Recheck: 10 * time.Millisecond})
	require.NoError(t, run.Start(context.Background()))
	t.Cleanup(func() { _ = run.Shutdown(context.Background()) })

	componenttest.WaitFor(t, "the cursor the poll after the conflict stored", func() bool {
		v, err := other.Get(context.Background(), "cursor")
		return err == nil && string(v) == "8"
	})
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"", "7"}, read, "the second poll starts from the other instance's cursor, not the one this instance could not store")
}
