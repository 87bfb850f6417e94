package spapi

import (
	"context"
	"sync"

	"github.com/pipewright/pipewright/engine/component"
)

// background runs a sink's loops until it shuts down (sources leave
// theirs to the engine). Each loop runs on one engine at a time: under the
// lease of the sink's id (set.Owner, see component.RunOwned), so that
// engines sharing a project do not submit and track the same work twice;
// another engine takes a loop over when its owner stops or dies.
type background struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// run starts each loop in a goroutine, with a context that outlives the
// Start call but ends with stop.
func (b *background) run(ctx context.Context, set component.SinkSettings, loops ...func(context.Context)) {
	ctx, b.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, loop := range loops {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			component.RunOwned(ctx, set.Owner, set.ID, set.Logger, loop)
		}()
	}
}

// stop ends the loops and waits for them; it is safe without run.
func (b *background) stop() {
	if b.cancel != nil {
		b.cancel()
	}
	b.wg.Wait()
}
