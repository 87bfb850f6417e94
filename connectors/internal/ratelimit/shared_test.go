package ratelimit_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

func keyName(k key) string { return "test.ratelimit." + k.seller + "." + k.operation }

// engines returns n limiters sharing store, as n engines of one project.
func engines(clock component.Clock, store component.SharedState, n int) []*ratelimit.Limiter[key] {
	ls := make([]*ratelimit.Limiter[key], n)
	for i := range ls {
		ls[i] = ratelimit.NewSharedLimiter[key](clock, ratelimit.Shared[key]{Store: store, Key: keyName})
	}
	return ls
}

// flakyStore is a shared store that fails while down is set.
type flakyStore struct {
	component.SharedState
	down atomic.Bool
}

var errUnreachable = errors.New("nats: no servers available for connection")

func (s *flakyStore) Get(ctx context.Context, k string) ([]byte, uint64, error) {
	if s.down.Load() {
		return nil, 0, errUnreachable
	}
	return s.SharedState.Get(ctx, k)
}

func (s *flakyStore) Set(ctx context.Context, k string, v []byte, rev uint64) (uint64, error) {
	if s.down.Load() {
		return 0, errUnreachable
	}
	return s.SharedState.Set(ctx, k, v, rev)
}

// reserveAt takes one token from l at the clock's time and returns when the
// call it permits is due.
func reserveAt(t *testing.T, clock component.Clock, l *ratelimit.Limiter[key], k key, plan ratelimit.Plan) time.Time {
	t.Helper()
	now := clock.Now()
	d, err := l.Reserve(context.Background(), k, plan)
	require.NoError(t, err)
	return now.Add(d)
}

// reserveInRounds has each engine of ls ask for callers tokens at once, from
// as many goroutines, rounds times, advancing clock by step after each
// round. It returns when each engine's tokens are due.
func reserveInRounds(t *testing.T, clock *componenttest.ManualClock, ls []*ratelimit.Limiter[key], k key, plan ratelimit.Plan, callers, rounds int, step time.Duration) [][]time.Time {
	t.Helper()
	var mu sync.Mutex
	due := make([][]time.Time, len(ls))
	for range rounds {
		var wg sync.WaitGroup
		for i, l := range ls {
			for range callers {
				wg.Go(func() {
					at := reserveAt(t, clock, l, k, plan)
					mu.Lock()
					due[i] = append(due[i], at)
					mu.Unlock()
				})
			}
		}
		componenttest.Wait(t, "the round's callers", &wg)
		clock.Advance(step)
	}
	return due
}

// assertWithinRate checks the token-bucket bound on grants: no interval
// [a, b] holds more than burst + rate*(b-a) of them.
func assertWithinRate(t *testing.T, due []time.Time, plan ratelimit.Plan) {
	t.Helper()
	slices.SortFunc(due, func(a, b time.Time) int { return a.Compare(b) })
	for i := range due {
		for j := i; j < len(due); j++ {
			allowed := float64(plan.Burst) + plan.Rate*due[j].Sub(due[i]).Seconds() + 1e-6
			if float64(j-i+1) > allowed {
				t.Fatalf("%d calls due between %s and %s, the bucket allows %.2f", j-i+1,
					due[i].Sub(due[0]), due[j].Sub(due[0]), allowed)
			}
		}
	}
}

func TestSharedLimiter_engines_together_stay_within_the_rate(t *testing.T) {
	tests := []struct {
		name             string
		engines, callers int
		rounds           int
	}{
		{"1 engine, 16 callers", 1, 16, 100},
		{"2 engines, 2 callers each", 2, 2, 300},
		{"3 engines, 2 callers each", 3, 2, 300},
		{"3 engines, 8 callers each", 3, 8, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := componenttest.NewManualClock(t0)
			ls := engines(clock, componenttest.NewMemShared(), tc.engines)
			plan := ratelimit.Plan{Rate: 2, Burst: 5}
			k := key{"S", "confirmShipment"}
			// Every 100 ms of the clock each engine asks for a token from
			// each of its callers at once: far more than the bucket allows.
			due := slices.Concat(reserveInRounds(t, clock, ls, k, plan, tc.callers, tc.rounds, 100*time.Millisecond)...)
			require.Len(t, due, tc.rounds*tc.callers*tc.engines)
			assertWithinRate(t, due, plan)
			// Nothing is wasted either: what the first step asks is served
			// at once up to the burst, and the last call is due when the
			// burst plus the rate allow it.
			atOnce := 0
			for _, at := range due {
				if at.Equal(t0) {
					atOnce++
				}
			}
			assert.Equal(t, min(tc.callers*tc.engines, plan.Burst), atOnce)
			last := due[len(due)-1].Sub(t0).Seconds()
			assert.InDelta(t, float64(len(due)-plan.Burst)/plan.Rate, last, 0.001)
		})
	}
}

func TestSharedLimiter_falls_back_to_its_share_while_the_store_is_unreachable(t *testing.T) {
	clock := componenttest.NewManualClock(t0)
	store := &flakyStore{SharedState: componenttest.NewMemShared()}
	ls := engines(clock, store, 2)
	a, b := ls[0], ls[1]
	plan := ratelimit.Plan{Rate: 2, Burst: 4}
	k := key{"S", "getOrder"}
	// Both engines use the bucket: 1 of its 4 tokens is left, and A has
	// seen B's use.
	reserveAt(t, clock, a, k, plan)
	reserveAt(t, clock, b, k, plan)
	reserveAt(t, clock, a, k, plan)

	store.down.Store(true)
	// A's share: half the rate (1/s), half the burst (2), half the token
	// left.
	var got []time.Duration
	for range 3 {
		got = append(got, reserveAt(t, clock, a, k, plan).Sub(t0))
	}
	assert.Equal(t, []time.Duration{500 * time.Millisecond, 1500 * time.Millisecond, 2500 * time.Millisecond}, got)

	// Back after the retry interval: the 3 tokens A took alone are charged
	// to the shared bucket (refilled to its burst of 4 meanwhile) with A's
	// next one, so B finds it empty and waits half a second.
	store.down.Store(false)
	clock.Advance(10 * time.Second)
	assert.Equal(t, clock.Now(), reserveAt(t, clock, a, k, plan))
	assert.Equal(t, clock.Now().Add(500*time.Millisecond), reserveAt(t, clock, b, k, plan))
}

func TestSharedLimiter_never_read_store_falls_back_empty_at_the_full_rate(t *testing.T) {
	clock := componenttest.NewManualClock(t0)
	store := &flakyStore{SharedState: componenttest.NewMemShared()}
	store.down.Store(true)
	l := engines(clock, store, 1)[0]
	plan := ratelimit.Plan{Rate: 4, Burst: 10}
	k := key{"S", "op"}
	assert.Equal(t, t0.Add(250*time.Millisecond), reserveAt(t, clock, l, k, plan))
	assert.Equal(t, t0.Add(500*time.Millisecond), reserveAt(t, clock, l, k, plan))
}

func TestSharedLimiter_Adapt_applies_the_header_rate_for_every_engine(t *testing.T) {
	clock := componenttest.NewManualClock(t0)
	ls := engines(clock, componenttest.NewMemShared(), 2)
	a, b := ls[0], ls[1]
	plan := ratelimit.Plan{Rate: 0.0167, Burst: 1}
	k := key{"S", "orders/v0/getOrders"}
	assert.True(t, a.Adapt(k, plan, 5.0))
	assert.False(t, a.Adapt(k, plan, 5.0), "same rate is no change")
	assert.Equal(t, t0, reserveAt(t, clock, a, k, plan))
	// B reads the rate A wrote with its token.
	assert.Equal(t, t0.Add(200*time.Millisecond), reserveAt(t, clock, b, k, plan))
	got, ok := b.Plan(k)
	require.True(t, ok)
	assert.Equal(t, ratelimit.Plan{Rate: 5, Burst: 1}, got)
	assert.False(t, b.Adapt(k, plan, 5.0), "B already has the rate")
}
