package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// startRouter builds one Watermill router with a named handler per
// pipeline and waits until it runs.
func (e *Engine) startRouter(ctx context.Context) error {
	r, err := message.NewRouter(message.RouterConfig{CloseTimeout: 30 * time.Second}, newWatermillLogger(e.log))
	if err != nil {
		return err
	}
	r.AddMiddleware(middleware.Recoverer)
	for _, p := range e.pipelines {
		sub, err := p.subscribe()
		if err != nil {
			return fmt.Errorf("pipeline %s: subscriber: %w", p.pl.Name, err)
		}
		r.AddConsumerHandler("pipeline/"+p.pl.Name, e.names.Subject(p.pl.Name), sub, p.handle)
	}
	e.router = r
	go func() {
		if err := r.Run(context.Background()); err != nil {
			e.routerErr <- fmt.Errorf("router: %w", err)
		}
	}()
	select {
	case <-r.Running():
		return nil
	case err := <-e.routerErr:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
