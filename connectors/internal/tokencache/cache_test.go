package tokencache_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/tokencache"
	"github.com/pipewright/pipewright/engine/componenttest"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestCache_waiters_share_the_outcome_of_one_fetch(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		wantTok string
	}{
		{"success", nil, "tok"},
		{"failure", errors.New("lwa down"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tokencache.New(componenttest.NewManualClock(t0), time.Minute)
			var calls atomic.Int32
			release := make(chan struct{})
			fetch := func(context.Context) (string, time.Duration, error) {
				calls.Add(1)
				<-release
				return tt.wantTok, time.Hour, tt.err
			}
			var wg sync.WaitGroup
			var waiting atomic.Int32
			errs := make([]error, 10)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					tok, err := c.Get(watchedContext{context.Background(), &waiting}, "k", fetch)
					errs[i] = err
					assert.Equal(t, tt.wantTok, tok)
				}()
			}
			// The fetch is released once one caller runs it and the nine
			// others wait for its outcome.
			require.Eventually(t, func() bool { return calls.Load() == 1 && waiting.Load() == 9 }, componenttest.WaitLimit, time.Millisecond)
			close(release)
			componenttest.Wait(t, "the callers", &wg)
			assert.EqualValues(t, 1, calls.Load())
			for _, err := range errs {
				assert.Equal(t, tt.err, err)
			}
		})
	}
}

func TestCache_waiter_gives_up_with_its_context(t *testing.T) {
	c := tokencache.New(componenttest.NewManualClock(t0), time.Minute)
	fetching, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	go func() {
		_, _ = c.Get(context.Background(), "k", func(context.Context) (string, time.Duration, error) {
			close(fetching)
			<-release
			return "tok", time.Hour, nil
		})
	}()
	componenttest.Recv(t, "the first fetch", fetching)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := c.Get(ctx, "k", func(context.Context) (string, time.Duration, error) {
		t.Error("a second fetch ran while one was in flight")
		return "", 0, nil
	})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestCache_renews_before_expiry_and_after_Invalidate(t *testing.T) {
	clock := componenttest.NewManualClock(t0)
	c := tokencache.New(clock, time.Minute)
	n := 0
	fetch := func(context.Context) (string, time.Duration, error) {
		n++
		return "tok-" + string(rune('0'+n)), 10 * time.Minute, nil
	}
	get := func() string {
		tok, err := c.Get(context.Background(), "k", fetch)
		require.NoError(t, err)
		return tok
	}
	assert.Equal(t, "tok-1", get())
	clock.Advance(8 * time.Minute)
	assert.Equal(t, "tok-1", get())
	clock.Advance(90 * time.Second) // within the last minute
	assert.Equal(t, "tok-2", get())
	c.Invalidate("tok-2")
	assert.Equal(t, "tok-3", get())
}

// A token that lives no longer than renewBefore (a short expiresIn) serves
// the call that fetched it; only a later call fetches again. Get used to
// fetch again and again, never returning.
func TestCache_short_lived_token_serves_its_fetch(t *testing.T) {
	c := tokencache.New(componenttest.NewManualClock(t0), time.Minute)
	n := 0
	fetch := func(context.Context) (string, time.Duration, error) {
		n++
		if n > 3 {
			return "", 0, errors.New("fetched again and again")
		}
		return "tok-" + string(rune('0'+n)), 30 * time.Second, nil
	}
	tok, err := c.Get(context.Background(), "k", fetch)
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok)
	assert.Equal(t, 1, n)

	tok, err = c.Get(context.Background(), "k", fetch)
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok, "the cached token is inside its renewal window")
	assert.Equal(t, 2, n)
}

// watchedContext counts the callers that wait on its Done channel.
type watchedContext struct {
	context.Context
	waiting *atomic.Int32
}

func (c watchedContext) Done() <-chan struct{} {
	c.waiting.Add(1)
	return c.Context.Done()
}
