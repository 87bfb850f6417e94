package transport_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
)

// feedLoop is the id of the background loop these tests run (a sink's).
const feedLoop = "listings/sink/feed"

// loopRuns is one background loop run by several engine instances under
// component.RunOwned: it counts the rounds each instance ran and the most
// instances that ran it at once.
type loopRuns struct {
	running, most atomic.Int32
	mu            sync.Mutex
	rounds        map[string]int
}

// loop is instance name's loop: a round every millisecond until ctx ends.
func (r *loopRuns) loop(name string) func(context.Context) {
	return func(ctx context.Context) {
		n := r.running.Add(1)
		defer r.running.Add(-1)
		for m := r.most.Load(); n > m && !r.most.CompareAndSwap(m, n); m = r.most.Load() {
		}
		for {
			r.mu.Lock()
			r.rounds[name]++
			r.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Millisecond):
			}
		}
	}
}

func (r *loopRuns) byInstance() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.rounds {
		out[k] = v
	}
	return out
}

// ownedInstance is one engine instance running the loop under its leases.
type ownedInstance struct {
	name   string
	leases *transport.Leases
	nc     *nats.Conn
	cancel context.CancelFunc
	done   chan struct{}
}

func runOwned(t *testing.T, c *natstest.Cluster, r *loopRuns, name string, ttl time.Duration) *ownedInstance {
	t.Helper()
	ls, nc := engineLeases(t, c, name, ttl)
	ctx, cancel := context.WithCancel(context.Background())
	in := &ownedInstance{name: name, leases: ls, nc: nc, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(in.done)
		component.RunOwned(ctx, ls, feedLoop, componenttest.Logger(t), r.loop(name))
	}()
	t.Cleanup(in.stop)
	return in
}

// stop ends the instance cleanly (its lease is released).
func (in *ownedInstance) stop() {
	in.cancel()
	<-in.done
}

// crash ends the instance as a killed process: its connection is gone,
// so its lease is neither renewed nor released.
func (in *ownedInstance) crash() {
	in.nc.Close()
	in.leases.Stop()
	in.stop()
}

// loopOwner waits until one of ins ran n rounds and returns it.
func loopOwner(t *testing.T, r *loopRuns, ins []*ownedInstance, n int) *ownedInstance {
	t.Helper()
	i := -1
	componenttest.WaitFor(t, "an instance to run the loop", func() bool {
		by := r.byInstance()
		i = slices.IndexFunc(ins, func(in *ownedInstance) bool { return by[in.name] >= n })
		return i >= 0
	})
	return ins[i]
}

// others returns ins but gone.
func others(ins []*ownedInstance, gone *ownedInstance) []*ownedInstance {
	return slices.DeleteFunc(slices.Clone(ins), func(in *ownedInstance) bool { return in == gone })
}

func TestRunOwned_runs_a_background_loop_on_one_instance_at_a_time_and_hands_it_over_when_it_stops(t *testing.T) {
	c := natstest.StartServer(t)
	r := &loopRuns{rounds: map[string]int{}}
	ins := []*ownedInstance{runOwned(t, c, r, "a", longTTL), runOwned(t, c, r, "b", longTTL), runOwned(t, c, r, "c", longTTL)}

	first := loopOwner(t, r, ins, 20)
	assert.Len(t, r.byInstance(), 1, "only the owner ran the loop: %v", r.byInstance())
	first.stop()
	rest := others(ins, first)
	second := loopOwner(t, r, rest, 20)
	second.stop()
	loopOwner(t, r, others(rest, second), 20)

	assert.Len(t, r.byInstance(), 3, "each instance ran the loop in turn: %v", r.byInstance())
	assert.Equal(t, int32(1), r.most.Load(), "never two instances at once")
}

func TestRunOwned_a_crashed_owner_s_loop_is_taken_over_after_its_lease_expires(t *testing.T) {
	c := natstest.StartServer(t)
	r := &loopRuns{rounds: map[string]int{}}
	ins := []*ownedInstance{runOwned(t, c, r, "a", shortTTL), runOwned(t, c, r, "b", shortTTL)}

	first := loopOwner(t, r, ins, 5)
	first.crash()
	second := loopOwner(t, r, others(ins, first), 5)
	assert.NotEqual(t, first.name, second.name)
	assert.Equal(t, int32(1), r.most.Load(), "never two instances at once")
}

func TestRunOwned_stops_the_loop_of_an_instance_that_cannot_renew_its_lease(t *testing.T) {
	c := natstest.StartServer(t)
	r := &loopRuns{rounds: map[string]int{}}
	a := runOwned(t, c, r, "a", shortTTL)
	loopOwner(t, r, []*ownedInstance{a}, 5)

	a.nc.Close() // NATS is out of a's reach: its renewals fail
	componenttest.WaitFor(t, "a's loop to stop", func() bool { return r.running.Load() == 0 })
	b := runOwned(t, c, r, "b", shortTTL)
	loopOwner(t, r, []*ownedInstance{b}, 5)
	assert.Equal(t, int32(1), r.most.Load(), "never two instances at once")
}

func TestRunOwned_without_an_owner_runs_the_loop_until_its_context_ends(t *testing.T) {
	r := &loopRuns{rounds: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		component.RunOwned(ctx, nil, feedLoop, componenttest.Logger(t), r.loop("alone"))
	}()
	componenttest.WaitFor(t, "the loop to run", func() bool { return r.byInstance()["alone"] > 0 })
	cancel()
	componenttest.Recv(t, "RunOwned to return", done)
	assert.Equal(t, int32(0), r.running.Load())
}
