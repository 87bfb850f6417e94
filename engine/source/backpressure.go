package source

import "context"

// Backpressure holds a source's poll loops back while its pipeline's
// consumers are behind: the runner asks it before every poll, so a source
// that reads faster than the pipeline processes runs only a bounded
// distance ahead (the engine's transport implements it; see
// transport.max_ahead). Pushed requests (webhooks) are never held back:
// their senders cannot be slowed down, and the stream is their buffer.
type Backpressure interface {
	// Wait returns once the loop may read its next batch: at once while
	// the consumers keep up, else when they have caught up. It returns
	// ctx's error when ctx ends first (the source is stopping).
	Wait(ctx context.Context) error
}

// NoBackpressure never holds a loop back.
type NoBackpressure struct{}

var _ Backpressure = NoBackpressure{}

// Wait returns nil.
func (NoBackpressure) Wait(context.Context) error { return nil }
