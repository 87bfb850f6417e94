package component_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

func TestScaledClockRunsFaster(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	before := time.Now()
	c := component.NewScaledClock(start, 3600) // an hour per real second
	got := c.Now()
	// However long this goroutine was paused, the clock ran at most 3600
	// times the real time that passed.
	if limit := start.Add(3600 * time.Since(before)); got.Before(start) || got.After(limit) {
		t.Fatalf("Now() = %v right after creation, want between %v and %v", got, start, limit)
	}
	fired := <-c.After(context.Background(), 36*time.Second) // 10ms of real time
	if elapsed := fired.Sub(start); elapsed < 36*time.Second {
		t.Errorf("After(36s) fired at clock %v after start, want at least 36s", elapsed)
	}
	select {
	case <-c.After(context.Background(), 0):
	default:
		t.Error("After(0) should be ready at once")
	}
}

func TestScaledClockNonPositiveScaleIsRealTime(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	before := time.Now()
	c := component.NewScaledClock(start, 0)
	time.Sleep(20 * time.Millisecond)
	elapsed := c.Now().Sub(start)
	if passed := time.Since(before); elapsed < 20*time.Millisecond || elapsed > passed {
		t.Errorf("clock advanced %v in %v of real time at scale 0, want at least 20ms and at most the real time", elapsed, passed)
	}
}

func TestFixedClockStandsStill(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := component.FixedClock(at)
	time.Sleep(time.Millisecond)
	if !c.Now().Equal(at) {
		t.Errorf("Now() = %v, want %v", c.Now(), at)
	}
	assert.Equal(t, at, componenttest.Recv(t, "a real millisecond", c.After(context.Background(), time.Millisecond)), "the wait sends the fixed time")
}

func TestClocks_do_not_fire_a_wait_whose_context_has_ended(t *testing.T) {
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	clocks := map[string]component.Clock{
		"wall":   component.WallClock{},
		"fixed":  component.FixedClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)),
		"scaled": component.NewScaledClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), 60),
		"manual": componenttest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)),
	}
	for name, c := range clocks {
		t.Run(name, func(t *testing.T) {
			select {
			case <-c.After(ended, 0):
				t.Error("a wait whose context ended fired")
			default:
			}
			select {
			case <-c.After(context.Background(), 0):
			default:
				t.Error("After(0) should be ready at once")
			}
		})
	}
}

func TestWallClock_After_fires_while_the_context_lasts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	before := time.Now()
	at := componenttest.Recv(t, "a millisecond's wait", component.WallClock{}.After(ctx, time.Millisecond))
	assert.GreaterOrEqual(t, at.Sub(before), time.Millisecond, "the wait lasted its duration")
}

func TestSleep_ends_with_the_clock_or_the_context(t *testing.T) {
	clock := componenttest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	slept := make(chan error, 2)
	go func() { slept <- component.Sleep(ctx, clock, time.Hour) }()
	componenttest.WaitFor(t, "the sleep to wait on the clock", func() bool { return clock.Waiters() == 1 })
	clock.Advance(time.Hour)
	require.NoError(t, componenttest.Recv(t, "the hour's sleep", slept))

	go func() { slept <- component.Sleep(ctx, clock, time.Hour) }()
	componenttest.WaitFor(t, "the second sleep to wait on the clock", func() bool { return clock.Waiters() == 1 })
	cancel()
	assert.Equal(t, 0, clock.Waiters(), "the clock forgets the wait as soon as its context is cancelled")
	require.ErrorIs(t, componenttest.Recv(t, "the cancelled sleep", slept), context.Canceled)
}

func TestSleepOrWake_reports_a_wake_and_leaves_no_wait_behind(t *testing.T) {
	clock := componenttest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	wake := make(chan struct{})
	type result struct {
		woke bool
		err  error
	}
	got := make(chan result, 1)
	sleep := func() {
		woke, err := component.SleepOrWake(context.Background(), clock, time.Hour, wake)
		assert.Zero(t, clock.Waiters(), "the wait is over when SleepOrWake returns")
		got <- result{woke, err}
	}
	go sleep()
	componenttest.WaitFor(t, "the sleep to wait on the clock", func() bool { return clock.Waiters() == 1 })
	wake <- struct{}{}
	assert.Equal(t, result{woke: true}, componenttest.Recv(t, "the woken sleep", got))

	go sleep()
	componenttest.WaitFor(t, "the next sleep to wait on the clock", func() bool { return clock.Waiters() == 1 })
	clock.Advance(time.Hour)
	assert.Equal(t, result{}, componenttest.Recv(t, "the sleep that ran its hour", got))
}
