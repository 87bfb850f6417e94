package ratelimit_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/ratelimit"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// conflictingStore makes every other write conflict: before it, another
// writer rewrites the key unchanged, so the writer's revision is stale.
type conflictingStore struct {
	component.SharedState
	writes, conflicts atomic.Int64
}

func (s *conflictingStore) Set(ctx context.Context, k string, v []byte, rev uint64) (uint64, error) {
	if s.writes.Add(1)%2 == 0 {
		if cur, r, err := s.SharedState.Get(ctx, k); err == nil {
			if _, err := s.SharedState.Set(ctx, k, cur, r); err != nil {
				return 0, err
			}
		}
	}
	newRev, err := s.SharedState.Set(ctx, k, v, rev)
	if errors.Is(err, component.ErrConflict) {
		s.conflicts.Add(1)
	}
	return newRev, err
}

func TestSharedLimiter_grants_every_token_once_across_engines_under_conflicts(t *testing.T) {
	clock := componenttest.NewManualClock(t0)
	store := &conflictingStore{SharedState: componenttest.NewMemShared()}
	ls := engines(clock, store, 3)
	plan := ratelimit.Plan{Rate: 1, Burst: 1}
	k := key{"S", "getOrder"}
	due := slices.Concat(reserveInRounds(t, clock, ls, k, plan, 8, 10, 0)...)
	require.Positive(t, store.conflicts.Load(), "the store made writes conflict")
	// The clock stands still: with a burst of 1 and 1 token a second, the
	// n-th token granted is due n-1 seconds on. A token granted twice would
	// show as a repeated time, a token lost as a gap.
	slices.SortFunc(due, func(a, b time.Time) int { return a.Compare(b) })
	want := make([]time.Time, 3*8*10)
	for i := range want {
		want[i] = t0.Add(time.Duration(i) * time.Second)
	}
	assert.Equal(t, want, due)
	d, err := ls[0].Reserve(context.Background(), k, plan)
	require.NoError(t, err)
	assert.Equal(t, time.Duration(len(want))*time.Second, d, "the next token follows the last one granted")
}

// gatedStore holds every write while hold is set until open is closed,
// and tells entered when a write is held.
type gatedStore struct {
	component.SharedState
	hold    atomic.Bool
	entered chan struct{}
	open    chan struct{}
}

func newGatedStore(hold bool) *gatedStore {
	s := &gatedStore{SharedState: componenttest.NewMemShared(), entered: make(chan struct{}, 1), open: make(chan struct{})}
	s.hold.Store(hold)
	return s
}

func (s *gatedStore) Set(ctx context.Context, k string, v []byte, rev uint64) (uint64, error) {
	if s.hold.Load() {
		select {
		case s.entered <- struct{}{}:
		default:
		}
		<-s.open
	}
	return s.SharedState.Set(ctx, k, v, rev)
}

func TestSharedLimiter_callers_cancelled_while_queued_return_at_once_and_lose_no_token(t *testing.T) {
	clock := componenttest.NewManualClock(t0)
	store := newGatedStore(true)
	l := engines(clock, store, 1)[0]
	plan := ratelimit.Plan{Rate: 1, Burst: 2}
	k := key{"S", "confirmShipment"}
	reserve := func(ctx context.Context) <-chan error {
		errc := make(chan error, 1)
		go func() {
			_, err := l.Reserve(ctx, k, plan)
			errc <- err
		}()
		return errc
	}

	// X's token is being written when X gives up; Y is queued behind it.
	ctxX, cancelX := context.WithCancel(context.Background())
	errX := reserve(ctxX)
	componenttest.Recv(t, "a held write", store.entered)
	ctxY, cancelY := context.WithCancel(context.Background())
	errY := reserve(ctxY)
	cancelX()
	cancelY()
	// Both return while the write is still held.
	assert.ErrorIs(t, componenttest.Recv(t, "X to return", errX), context.Canceled)
	assert.ErrorIs(t, componenttest.Recv(t, "Y to return", errY), context.Canceled)
	close(store.open)

	// X's token goes back to the bucket and Y took none: the burst of 2 is
	// whole for the next callers.
	var got []time.Duration
	for range 3 {
		d, err := l.Reserve(context.Background(), k, plan)
		require.NoError(t, err)
		got = append(got, d)
	}
	assert.Equal(t, []time.Duration{0, 0, time.Second}, got)
}

func TestLimiter_Wait_gives_back_the_token_of_a_cancelled_waiter(t *testing.T) {
	for _, name := range []string{"local", "shared"} {
		t.Run(name, func(t *testing.T) {
			clock := componenttest.NewManualClock(t0)
			l := ratelimit.NewLimiter[key](clock)
			if name == "shared" {
				l = engines(clock, componenttest.NewMemShared(), 1)[0]
			}
			plan := ratelimit.Plan{Rate: 1, Burst: 1}
			k := key{"S", "op"}
			_, err := l.Wait(context.Background(), k, plan)
			require.NoError(t, err)

			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() {
				_, err := l.Wait(ctx, k, plan)
				errc <- err
			}()
			require.Eventually(t, func() bool { return clock.Waiters() == 1 }, componenttest.WaitLimit, time.Millisecond,
				"the second caller waits for its token")
			cancel()
			assert.ErrorIs(t, componenttest.Recv(t, "the cancelled caller to return", errc), context.Canceled)
			assert.Zero(t, clock.Waiters(), "the cancelled caller's wait is over")

			// The cancelled caller's token (due in 1 s) is the next one's.
			d, err := l.Reserve(context.Background(), k, plan)
			require.NoError(t, err)
			assert.Equal(t, time.Second, d)
		})
	}
}

func TestSharedLimiter_a_token_given_back_during_a_write_is_credited_with_the_next(t *testing.T) {
	clock := componenttest.NewManualClock(t0)
	store := newGatedStore(false)
	l := engines(clock, store, 1)[0]
	plan := ratelimit.Plan{Rate: 1, Burst: 1}
	k := key{"S", "confirmShipment"}
	reserve := func() time.Duration {
		d, err := l.Reserve(context.Background(), k, plan)
		require.NoError(t, err)
		return d
	}
	assert.Zero(t, reserve())
	// W waits for the token due in 1 s.
	ctx, cancel := context.WithCancel(context.Background())
	errW := make(chan error, 1)
	go func() {
		_, err := l.Wait(ctx, k, plan)
		errW <- err
	}()
	require.Eventually(t, func() bool { return clock.Waiters() == 1 }, componenttest.WaitLimit, time.Millisecond)
	// X's token (due in 2 s) is being written when W gives up.
	store.hold.Store(true)
	dueX := make(chan time.Duration, 1)
	go func() { dueX <- reserve() }()
	componenttest.Recv(t, "a held write", store.entered)
	cancel()
	assert.ErrorIs(t, componenttest.Recv(t, "W to return", errW), context.Canceled)
	store.hold.Store(false)
	close(store.open)
	assert.Equal(t, 2*time.Second, componenttest.Recv(t, "X's token", dueX))
	// W's token goes back with the next write: the next caller is due in
	// 2 s too, not 3 s.
	assert.Equal(t, 2*time.Second, reserve())
}

func TestSharedLimiter_a_rate_announced_during_a_write_goes_with_the_next(t *testing.T) {
	clock := componenttest.NewManualClock(t0)
	store := newGatedStore(true)
	ls := engines(clock, store, 2)
	a, b := ls[0], ls[1]
	plan := ratelimit.Plan{Rate: 1, Burst: 1}
	k := key{"S", "getOrder"}
	first := make(chan time.Duration, 1)
	go func() { first <- reserveAt(t, clock, a, k, plan).Sub(t0) }()
	componenttest.Recv(t, "a held write", store.entered)
	assert.True(t, a.Adapt(k, plan, 4))
	store.hold.Store(false)
	close(store.open)
	assert.Zero(t, componenttest.Recv(t, "the first token", first))
	// The write in flight carried the old rate; A's next one carries 4/s,
	// and B, reading it, waits a quarter of a second per token.
	assert.Equal(t, t0.Add(250*time.Millisecond), reserveAt(t, clock, a, k, plan))
	assert.Equal(t, t0.Add(500*time.Millisecond), reserveAt(t, clock, b, k, plan))
	got, ok := b.Plan(k)
	require.True(t, ok)
	assert.Equal(t, ratelimit.Plan{Rate: 4, Burst: 1}, got)
}

func TestSharedLimiter_engines_with_many_callers_keep_to_their_shares_while_the_store_is_unreachable(t *testing.T) {
	clock := componenttest.NewManualClock(t0)
	store := &flakyStore{SharedState: componenttest.NewMemShared()}
	ls := engines(clock, store, 3)
	plan := ratelimit.Plan{Rate: 3, Burst: 6}
	k := key{"S", "getOrder"}
	// Each engine uses the bucket twice, so that every one has seen all
	// three as its users.
	for range 2 {
		for _, l := range ls {
			reserveAt(t, clock, l, k, plan)
		}
	}
	store.down.Store(true)
	outage := clock.Now()
	perEngine := reserveInRounds(t, clock, ls, k, plan, 8, 50, 100*time.Millisecond)
	due := slices.Concat(perEngine...)
	// Each keeps to a third of the rate and of the burst, and so all three
	// together to the whole.
	share := ratelimit.Plan{Rate: plan.Rate / 3, Burst: plan.Burst / 3}
	for i := range ls {
		assertWithinRate(t, perEngine[i], share)
	}
	assertWithinRate(t, due, plan)
	require.Len(t, due, 50*8*3)
	assert.False(t, due[0].Before(outage))
}
