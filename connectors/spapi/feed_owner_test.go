package spapi_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// claims is an in-memory component.Owner shared by several engines: the
// first to ask holds a loop until it releases it.
type claims struct {
	mu     sync.Mutex
	holder map[string]string
}

// as is the Owner of engine name.
func (c *claims) as(name string) component.Owner { return claimant{c: c, name: name} }

func (c *claims) of(id string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.holder[id]
}

type claimant struct {
	c    *claims
	name string
}

func (o claimant) Acquire(_ context.Context, id string) (bool, error) {
	o.c.mu.Lock()
	defer o.c.mu.Unlock()
	if o.c.holder[id] == "" {
		o.c.holder[id] = o.name
	}
	return o.c.holder[id] == o.name, nil
}

func (o claimant) Release(_ context.Context, id string) error {
	o.c.mu.Lock()
	defer o.c.mu.Unlock()
	if o.c.holder[id] == o.name {
		delete(o.c.holder, id)
	}
	return nil
}

func (claimant) Recheck() time.Duration { return 20 * time.Millisecond }

// Two engines run the same feed sink on shared State: both buffer, only
// the loop's owner submits, so each feed is created once, also from what
// the other engine buffered; when the owner stops, the other takes over.
func TestFeed_of_two_engines_is_submitted_by_the_loop_s_owner_only_and_handed_over_when_it_stops(t *testing.T) {
	clock := componenttest.NewManualClock(epoch)
	e := newEnv(t, clock, "", "")
	owners := &claims{holder: map[string]string{}}
	engine := func(name string) component.Sink {
		set := e.sinkSettings()
		set.Owner = owners.as(name)
		return newFeedSink(t, set)
	}
	a := engine("a")
	componenttest.WaitFor(t, "a to own the feed loop", func() bool { return owners.of("test/sink") == "a" })
	b := engine("b")
	t.Cleanup(func() { _ = b.Shutdown(context.Background()) })

	require.NoError(t, b.Write(componenttest.Context(t), feedMessages()[:2]), "b buffers")
	drive(t, clock, e.sim, 10*time.Second, 200, func() bool {
		return e.dead.Len() == 1 && len(stateKeys(t, e.sinkState, "feed/")) == 0
	})
	assert.Len(t, e.sim.Feeds(), 1, "one feed, submitted once")
	assert.Equal(t, "inv-2", e.dead.Msgs[0].ID)

	require.NoError(t, a.Shutdown(context.Background()))
	componenttest.WaitFor(t, "b to take the feed loop over", func() bool { return owners.of("test/sink") == "b" })
	require.NoError(t, b.Write(componenttest.Context(t), feedMessages()[2:]))
	drive(t, clock, e.sim, 10*time.Second, 200, func() bool {
		return len(e.sim.Feeds()) == 2 && len(stateKeys(t, e.sinkState, "feed/")) == 0
	})
	assert.Len(t, e.sim.Feeds(), 2, "b submitted the next feed")
}
