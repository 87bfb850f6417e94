package cli_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// The accelerated demo clock resumes where the last run left it, so a
// restarted demo does not jump back to the wall clock (behind the world the
// simulator kept and the engine's cursors).
func TestRun_demo_clock_resumes_where_the_last_run_stopped(t *testing.T) {
	data := t.TempDir()
	first, stop := cli.ResumeDemoClock(data, 100000)
	componenttest.WaitFor(t, "an hour of demo time", func() bool { return first.Now().After(time.Now().Add(time.Hour)) })
	before := time.Now()
	stop()
	left := first.Now()

	second, stop := cli.ResumeDemoClock(data, 100000)
	defer stop()
	resumed := second.Now()
	// Both clocks ran at most 100000 times the real time between the first
	// one's last save and this reading, however long that took.
	drift := time.Duration(100000 * float64(time.Since(before)))
	assert.True(t, resumed.After(time.Now().Add(time.Hour)), "it did not jump back to the wall clock")
	assert.WithinDuration(t, left, resumed, drift, "it went on from where the first stopped")
}

// Engines started at different moments with the same -time-origin read the
// same accelerated time as a clock created at the origin itself (the
// simulator's, in the engine-process tests).
func TestRun_demo_clocks_with_one_origin_read_the_same_time(t *testing.T) {
	const scale = 1000
	origin := time.Now()
	first := component.NewScaledClock(origin, scale)
	componenttest.WaitFor(t, "a minute of demo time", func() bool { return first.Now().After(origin.Add(time.Minute)) })
	// The origin as the flag carries it: text, without a monotonic reading.
	parsed, err := time.Parse(time.RFC3339Nano, origin.Format(time.RFC3339Nano))
	require.NoError(t, err)
	before := time.Now()
	later := cli.SharedDemoClock(parsed, scale)
	a, b := first.Now(), later.Now()
	// Both readings are at most scale times the real time apart that the
	// two calls took (plus the wall clock's and the monotonic clock's
	// difference since origin, far below a second).
	drift := time.Duration(scale*float64(time.Since(before))) + time.Second
	assert.True(t, b.After(origin.Add(time.Minute)), "it did not start at the wall clock")
	assert.WithinDuration(t, a, b, drift, "it reads the first clock's time")
}
