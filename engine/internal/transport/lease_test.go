package transport_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
)

// Lease times of these tests: short where a lease must expire (nothing
// asserts how soon), long where a stalled machine must not make one
// expire.
const (
	shortTTL = 1500 * time.Millisecond
	longTTL  = 9 * time.Second
)

// buckets returns project's buckets on the connection nc.
func buckets(t *testing.T, nc *nats.Conn, project string) transport.Buckets {
	t.Helper()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), componenttest.WaitLimit)
	defer cancel()
	b, err := transport.EnsureBuckets(ctx, js, transport.Names{Project: project}, transport.Limits{})
	require.NoError(t, err)
	return b
}

// sharedBucket returns the shared bucket of the leases' project on nc.
func sharedBucket(t *testing.T, nc *nats.Conn) jetstream.KeyValue {
	return buckets(t, nc, "lease").Shared
}

// engineLeases are the leases of one engine instance, on a connection of
// its own; they stop renewing when the test ends.
func engineLeases(t *testing.T, c *natstest.Cluster, holder string, ttl time.Duration) (*transport.Leases, *nats.Conn) {
	t.Helper()
	nc := c.Connect()
	ls, err := transport.NewLeases(sharedBucket(t, nc), transport.LeaseOptions{Holder: holder, TTL: ttl, Logger: componenttest.Logger(t)})
	require.NoError(t, err)
	t.Cleanup(ls.Stop)
	return ls, nc
}

func acquire(t *testing.T, ls *transport.Leases, id string) bool {
	t.Helper()
	own, err := ls.Acquire(context.Background(), id)
	if err != nil {
		t.Logf("%s: %v", ls.Holder(), err)
	}
	return own && err == nil
}

// holderOf reads who holds id's lease ("" for nobody).
func holderOf(t *testing.T, kv jetstream.KeyValue, id string) string {
	t.Helper()
	entries, err := transport.ListLeases(context.Background(), kv)
	require.NoError(t, err)
	for _, e := range entries {
		if e.ID == id {
			return e.Holder
		}
	}
	return ""
}

func TestLeases_one_instance_holds_a_loop_and_another_takes_it_at_once_after_release(t *testing.T) {
	c := natstest.StartServer(t)
	a, _ := engineLeases(t, c, "a", longTTL)
	b, _ := engineLeases(t, c, "b", longTTL)
	kv := sharedBucket(t, c.Connect())

	require.True(t, acquire(t, a, "orders/source"), "a free lease is claimed")
	assert.False(t, acquire(t, b, "orders/source"), "a held lease is not")
	assert.True(t, acquire(t, b, "shipments/source"), "each loop has its own lease")
	assert.True(t, acquire(t, a, "orders/source"), "the holder keeps it")
	assert.Equal(t, "a", holderOf(t, kv, "orders/source"))

	require.NoError(t, a.Release(context.Background(), "orders/source"))
	assert.Equal(t, "", holderOf(t, kv, "orders/source"), "release deletes the lease")
	componenttest.WaitFor(t, "b to claim the released lease", func() bool { return acquire(t, b, "orders/source") })
	assert.False(t, acquire(t, a, "orders/source"))
	assert.Equal(t, "b", holderOf(t, kv, "orders/source"))
}

func TestLeases_are_renewed_in_the_background_without_being_asked(t *testing.T) {
	c := natstest.StartServer(t)
	a, _ := engineLeases(t, c, "a", shortTTL)
	kv := sharedBucket(t, c.Connect())
	require.True(t, acquire(t, a, "settlements/source"))
	e, err := kv.Get(context.Background(), transport.LeasePrefix+"settlements/source")
	require.NoError(t, err)
	first := e.Revision()
	componenttest.WaitFor(t, "three renewals", func() bool {
		e, err := kv.Get(context.Background(), transport.LeasePrefix+"settlements/source")
		return err == nil && e.Revision() >= first+3
	})
}

func TestLeases_of_an_instance_that_stopped_renewing_are_taken_over_after_they_expire(t *testing.T) {
	c := natstest.StartServer(t)
	a, _ := engineLeases(t, c, "a", shortTTL)
	b, _ := engineLeases(t, c, "b", shortTTL)
	kv := sharedBucket(t, c.Connect())
	require.True(t, acquire(t, a, "orders/source"))

	a.Stop() // a crash: no renewal, no release
	componenttest.WaitFor(t, "b to take the expired lease over", func() bool { return acquire(t, b, "orders/source") })
	assert.Equal(t, "b", holderOf(t, kv, "orders/source"))

	assert.False(t, acquire(t, a, "orders/source"), "the old holder finds out it lost the lease")
	require.NoError(t, a.Release(context.Background(), "orders/source"))
	assert.Equal(t, "b", holderOf(t, kv, "orders/source"), "a release by the old holder leaves the new holder's lease")
}

func TestLeases_an_instance_that_cannot_reach_NATS_does_not_own_and_is_taken_over(t *testing.T) {
	c := natstest.StartServer(t)
	a, anc := engineLeases(t, c, "a", shortTTL)
	b, _ := engineLeases(t, c, "b", shortTTL)
	require.True(t, acquire(t, a, "orders/source"))

	anc.Close()
	componenttest.WaitFor(t, "a to stop owning without NATS", func() bool { return !acquire(t, a, "orders/source") })
	componenttest.WaitFor(t, "b to take the lease over", func() bool { return acquire(t, b, "orders/source") })
	assert.False(t, acquire(t, a, "orders/source"))
}

func TestLeases_report_changes_of_ownership(t *testing.T) {
	c := natstest.StartServer(t)
	changes := make(chan string, 10)
	leases := func(holder string) *transport.Leases {
		ls, err := transport.NewLeases(sharedBucket(t, c.Connect()), transport.LeaseOptions{Holder: holder, TTL: longTTL,
			OnChange: func(id string, held bool) { changes <- fmt.Sprintf("%s %s %v", holder, id, held) }})
		require.NoError(t, err)
		t.Cleanup(ls.Stop)
		return ls
	}
	a, b := leases("a"), leases("b")
	require.True(t, acquire(t, a, "orders/source/search"))
	require.True(t, acquire(t, a, "orders/source/search"))
	require.False(t, acquire(t, b, "orders/source/search"))
	require.False(t, acquire(t, b, "orders/source/search"))
	require.NoError(t, a.Release(context.Background(), "orders/source/search"))
	assert.Equal(t, "a orders/source/search true", componenttest.Recv(t, "a's acquire", changes))
	assert.Equal(t, "b orders/source/search false", componenttest.Recv(t, "b's refusal", changes), "the first answer of a loop that does not own")
	assert.Equal(t, "a orders/source/search false", componenttest.Recv(t, "a's release", changes))
	assert.Empty(t, changes, "a renewal or a second refusal is no change")
}

func TestLeases_refuse_a_loop_id_that_is_not_a_key(t *testing.T) {
	c := natstest.StartServer(t)
	a, _ := engineLeases(t, c, "a", longTTL)
	_, err := a.Acquire(context.Background(), "orders source")
	assert.ErrorContains(t, err, "state key")
}

func TestLeases_of_a_sole_engine_take_a_dead_process_s_lease_over_at_once(t *testing.T) {
	c := natstest.StartServer(t)
	dead, _ := engineLeases(t, c, "dead", shortTTL)
	require.True(t, acquire(t, dead, "orders/source"))
	dead.Stop()

	ls, err := transport.NewLeases(sharedBucket(t, c.Connect()), transport.LeaseOptions{Holder: "restarted", TTL: time.Hour, Sole: true})
	require.NoError(t, err)
	t.Cleanup(ls.Stop)
	assert.True(t, acquire(t, ls, "orders/source"), "no wait for an hour-long lease to expire")
}

func TestLeases_answer_the_holder_while_a_renewal_waits_for_NATS(t *testing.T) {
	ctx := context.Background()
	c := natstest.StartServer(t)
	ls, err := transport.NewLeases(sharedBucket(t, c.Connect()), transport.LeaseOptions{Holder: "a", TTL: time.Hour})
	require.NoError(t, err)
	t.Cleanup(ls.Stop)
	own, err := ls.Acquire(ctx, "settlements/source")
	require.NoError(t, err)
	require.True(t, own, "claimed")

	release := transport.HoldLease(ls, "settlements/source")
	defer release()
	answer := make(chan bool, 1)
	go func() {
		own, _ := ls.Acquire(ctx, "settlements/source")
		answer <- own
	}()
	select {
	case own := <-answer:
		assert.True(t, own, "the holder polls on its last renewal")
	case <-time.After(componenttest.WaitLimit):
		t.Fatal("Acquire waited for the renewal in flight")
	}
}
