package schedule_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/schedule"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/connectortest"
)

// ticker is the world of a schedule source under the conformance suite:
// time. Each start gets a manual clock of its own (so that waits left by
// a stopped source do not count), continuing the time of the last one.
// Input moves the clock to the next ticks; Step lets time pass up to just
// before the next tick, so that retries fire and no tick comes unasked.
type ticker struct {
	mu    sync.Mutex
	clock *componenttest.ManualClock
}

const tickEvery = time.Hour

func (k *ticker) current() *componenttest.ManualClock {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.clock
}

// input moves the clock to each of the next n ticks, once the source
// waits on it.
func (k *ticker) input(t testing.TB, n int) int {
	c := k.current()
	for range n {
		deadline := time.Now().Add(componenttest.WaitLimit)
		for c.Waiters() == 0 {
			require.False(t, time.Now().After(deadline), "the source never waited on its clock")
			time.Sleep(time.Millisecond)
		}
		c.Advance(c.Now().Truncate(tickEvery).Add(tickEvery).Sub(c.Now()))
	}
	return n
}

func (k *ticker) step() {
	c := k.current()
	left := c.Now().Truncate(tickEvery).Add(tickEvery).Sub(c.Now()) - time.Millisecond
	c.Advance(max(min(time.Second, left), 0))
}

func TestSource_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		k := &ticker{clock: componenttest.NewManualClock(time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC))}
		f := schedule.NewSourceFactory()
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				k.mu.Lock()
				k.clock = componenttest.NewManualClock(k.clock.Now())
				set.Clock = k.clock
				k.mu.Unlock()
				src, err := f.CreateSource(context.Background(), *set, componenttest.DecodeConfig(t, f, "every: 1h"))
				require.NoError(t, err)
				return src
			},
			Input: k.input,
			Step:  k.step,
		}
	})
}
