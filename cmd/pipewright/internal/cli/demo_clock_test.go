package cli_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
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
