package componenttest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
)

// fatalTB records Fatalf instead of ending the test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }

func TestRecvDriving_moves_a_manual_clock_until_the_waiting_goroutine_is_done(t *testing.T) {
	clock := componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-clock.After(context.Background(), time.Hour) // a backoff on the engine's clock
		}()
	}
	componenttest.WaitDriving(t, "the goroutines waiting an hour", &wg, func() { clock.Advance(time.Minute) })
	assert.False(t, clock.Now().Before(time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)), "the clock was moved an hour on")
	done := make(chan int, 1)
	done <- 7
	assert.Equal(t, 7, componenttest.Recv(t, "a value", done))
}

func TestRecv_fails_with_what_it_waited_for_and_where_goroutines_are_stuck(t *testing.T) {
	stuck, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	go stuckOnChannel(release)
	tb := &fatalTB{TB: t}
	componenttest.RecvWithin(tb, 10*time.Millisecond, "the stuck goroutine", stuck, nil)
	require.NotEmpty(t, tb.msg, "the wait failed")
	assert.Contains(t, tb.msg, "timed out after 10ms waiting for the stuck goroutine")
	assert.Contains(t, tb.msg, "stuckOnChannel", "the dump shows the stuck goroutine")
}

func stuckOnChannel(release <-chan struct{}) { <-release }

func TestContext_ends_within_WaitLimit_and_with_the_test(t *testing.T) {
	var ctx context.Context
	t.Run("a call", func(t *testing.T) {
		ctx = componenttest.Context(t)
		deadline, ok := ctx.Deadline()
		require.True(t, ok, "the call cannot wait for ever")
		assert.WithinDuration(t, time.Now().Add(componenttest.WaitLimit), deadline, componenttest.WaitLimit/2)
		assert.NoError(t, ctx.Err())
	})
	assert.ErrorIs(t, ctx.Err(), context.Canceled, "ended with its test")
}
