package ratelimit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// key names a bucket in these tests.
type key struct{ seller, operation string }

// waitAll runs n Wait calls in order and returns the clock time at which
// each one got its token, advancing the manual clock in small steps while
// a caller waits on it.
func waitAll(t *testing.T, clock *componenttest.ManualClock, l *ratelimit.Limiter[key], k key, plan ratelimit.Plan, n int, step time.Duration) []time.Duration {
	t.Helper()
	start := clock.Now()
	got := make([]time.Duration, n)
	for i := 0; i < n; i++ {
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, err := l.Wait(context.Background(), k, plan)
			assert.NoError(t, err)
		}()
		componenttest.RecvDriving(t, "a token", done, func() {
			if clock.Waiters() > 0 { // the caller waits on the clock
				clock.Advance(step)
			}
		})
		got[i] = clock.Now().Sub(start)
	}
	return got
}

func TestLimiter_burst_then_sustained_rate(t *testing.T) {
	// Usage plans of Amazon's table: searchOrders, createFeed, getReports,
	// confirmShipment, getOrder.
	tests := map[string]ratelimit.Plan{
		"searchOrders": {Rate: 0.0056, Burst: 20}, "createFeed": {Rate: 0.0083, Burst: 15}, "getReports": {Rate: 0.0222, Burst: 10},
		"confirmShipment": {Rate: 2, Burst: 10}, "getOrder": {Rate: 0.5, Burst: 30},
	}
	for name, plan := range tests {
		t.Run(name, func(t *testing.T) {
			clock := componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			l := ratelimit.NewLimiter[key](clock)
			k := key{"S", name}
			interval := time.Duration(float64(time.Second) / plan.Rate)
			step := interval / 50
			got := waitAll(t, clock, l, k, plan, plan.Burst+3, step)
			for i := 0; i < plan.Burst; i++ {
				assert.Zero(t, got[i], "burst call %d waited", i)
			}
			for i := 1; i <= 3; i++ {
				want := time.Duration(i) * interval
				assert.InDelta(t, want.Seconds(), got[plan.Burst+i-1].Seconds(), step.Seconds()+0.001, "sustained call %d", i)
			}
		})
	}
}

func TestLimiter_Adapt_applies_the_header_rate(t *testing.T) {
	clock := componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := ratelimit.NewLimiter[key](clock)
	plan := ratelimit.Plan{Rate: 0.0167, Burst: 1}
	k := key{"S", "orders/v0/getOrders"}
	assert.True(t, l.Adapt(k, plan, 5.0))
	assert.False(t, l.Adapt(k, plan, 5.0), "same rate is no change")
	got, ok := l.Plan(k)
	require.True(t, ok)
	assert.Equal(t, ratelimit.Plan{Rate: 5, Burst: 1}, got)
	times := waitAll(t, clock, l, k, plan, 3, 10*time.Millisecond)
	assert.Zero(t, times[0])
	assert.InDelta(t, 0.2, times[1].Seconds(), 0.011)
	assert.InDelta(t, 0.4, times[2].Seconds(), 0.011)
}

func TestLimiter_waiting_callers_get_tokens_in_call_order(t *testing.T) {
	clock := componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := ratelimit.NewLimiter[key](clock)
	plan := ratelimit.Plan{Rate: 1, Burst: 1}
	k := key{"S", "op"}
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Wait(context.Background(), k, plan)
			assert.NoError(t, err)
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
		}()
		// Let caller i reserve before caller i+1 (or get its token at once).
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			if i == 0 {
				return len(order) == 1
			}
			return clock.Waiters() == i
		}, componenttest.WaitLimit, time.Millisecond)
	}
	for i := 0; i < 4; i++ {
		clock.Advance(time.Second + time.Millisecond) // waits carry a 1ms margin
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(order) == i+2
		}, componenttest.WaitLimit, time.Millisecond)
	}
	componenttest.Wait(t, "the callers", &wg)
	assert.Equal(t, []int{0, 1, 2, 3, 4}, order)
}

func TestLimiter_Wait_honours_cancellation(t *testing.T) {
	clock := componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	for name, l := range map[string]*ratelimit.Limiter[key]{
		"local":  ratelimit.NewLimiter[key](clock),
		"shared": engines(clock, componenttest.NewMemShared(), 1)[0],
	} {
		t.Run(name, func(t *testing.T) {
			plan := ratelimit.Plan{Rate: 0.001, Burst: 1}
			k := key{operation: "op"}
			_, err := l.Wait(context.Background(), k, plan)
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err = l.Wait(ctx, k, plan)
			assert.ErrorIs(t, err, context.Canceled)
		})
	}
}
