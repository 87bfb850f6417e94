package source

import (
	"math/rand/v2"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Backoff bounds: the first retry waits about initialBackoff, each next
// one twice as long, up to maxBackoff (or the loop's interval when that
// is shorter).
const (
	initialBackoff = time.Second
	maxBackoff     = time.Minute
)

// backoff is the wait before retry number failures (1 = the first) of a
// loop polling every: exponential with equal jitter (between half and all
// of the step), and never less than what err asked for.
func backoff(failures int, every time.Duration, err error) time.Duration {
	ceiling := maxBackoff
	if every > 0 && every < ceiling {
		ceiling = every
	}
	step := initialBackoff << min(failures-1, 16)
	step = min(max(step, 0), ceiling)
	d := step/2 + rand.N(step/2+1)
	return max(d, component.RetryDelay(err))
}
