package componenttest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/componenttest"
)

var clockStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fired returns what ch holds now, without waiting: ManualClock.Advance
// sends before it returns.
func fired(ch <-chan time.Time) (time.Time, bool) {
	select {
	case at := <-ch:
		return at, true
	default:
		return time.Time{}, false
	}
}

func TestManualClock_counts_a_wait_until_its_context_ends_and_never_fires_it(t *testing.T) {
	clock := componenttest.NewManualClock(clockStart)
	gone, giveUp := context.WithCancel(context.Background())
	defer giveUp()
	abandoned := clock.After(gone, time.Hour)
	kept := clock.After(context.Background(), time.Hour)
	assert.Equal(t, 2, clock.Waiters())

	giveUp()
	assert.Equal(t, 1, clock.Waiters(), "the wait whose context ended is not counted")
	clock.Advance(time.Hour)
	at, ok := fired(kept)
	assert.True(t, ok, "Advance fires the wait still pending")
	assert.Equal(t, clockStart.Add(time.Hour), at)
	_, ok = fired(abandoned)
	assert.False(t, ok, "the abandoned wait never fires")
	assert.Zero(t, clock.Waiters())
}

func TestManualClock_does_not_count_a_wait_whose_context_had_ended(t *testing.T) {
	clock := componenttest.NewManualClock(clockStart)
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	ch := clock.After(ended, time.Minute)
	assert.Zero(t, clock.Waiters())
	clock.Advance(time.Hour)
	_, ok := fired(ch)
	assert.False(t, ok)
}

func TestManualClock_Advance_fires_the_due_waits_and_keeps_the_later_ones(t *testing.T) {
	clock := componenttest.NewManualClock(clockStart)
	ctx := context.Background()
	later := clock.After(ctx, 2*time.Hour)
	soon := clock.After(ctx, time.Hour)
	ended, cancel := context.WithCancel(ctx)
	abandoned := clock.After(ended, time.Hour)
	cancel()

	clock.Advance(90 * time.Minute)
	_, ok := fired(soon)
	assert.True(t, ok, "the hour's wait fired")
	_, ok = fired(later)
	assert.False(t, ok, "the two hours' wait is still pending")
	_, ok = fired(abandoned)
	assert.False(t, ok, "the abandoned wait did not fire")
	assert.Equal(t, 1, clock.Waiters())

	clock.Advance(30 * time.Minute)
	at, ok := fired(later)
	assert.True(t, ok)
	assert.Equal(t, clockStart.Add(2*time.Hour), at)
	assert.Zero(t, clock.Waiters())
}

func TestManualClock_After_of_zero_or_less_is_ready_at_once(t *testing.T) {
	clock := componenttest.NewManualClock(clockStart)
	at, ok := fired(clock.After(context.Background(), 0))
	assert.True(t, ok)
	assert.Equal(t, clockStart, at)
	assert.Zero(t, clock.Waiters())
}
