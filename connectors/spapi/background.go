package spapi

import (
	"context"
	"sync"
)

// background runs a sink's loops until it shuts down (sources leave
// theirs to the engine).
type background struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// run starts each loop in a goroutine, with a context that outlives the
// Start call but ends with stop.
func (b *background) run(ctx context.Context, loops ...func(context.Context)) {
	ctx, b.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, loop := range loops {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			loop(ctx)
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
