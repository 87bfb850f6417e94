package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// routed is a pipeline's router handler and its subscriber.
type routed struct {
	handler *message.Handler
	sub     message.Subscriber
}

// errPipelineRemoved hands a message back to the stream when a reload took
// its pipeline out while it waited.
var errPipelineRemoved = errors.New("the pipeline is no longer configured")

// startRouter builds one Watermill router with a named handler per pipeline
// of g and waits until it runs.
func (e *Engine) startRouter(ctx context.Context, g *generation) error {
	r, err := message.NewRouter(message.RouterConfig{CloseTimeout: 30 * time.Second}, newWatermillLogger(e.log))
	if err != nil {
		return err
	}
	r.AddMiddleware(middleware.Recoverer)
	e.router = r
	for _, p := range g.order {
		if err := e.addHandler(p.pl.Name); err != nil {
			return err
		}
	}
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

// addHandler subscribes to a pipeline's durable consumer and routes its
// messages to the pipeline of the current generation.
func (e *Engine) addHandler(pipeline string) error {
	sub, err := e.subscribe(pipeline)
	if err != nil {
		return fmt.Errorf("pipeline %s: subscriber: %w", pipeline, err)
	}
	h := e.router.AddConsumerHandler("pipeline/"+pipeline, e.names.Subject(pipeline), sub, e.dispatch(pipeline))
	e.handlers[pipeline] = &routed{handler: h, sub: sub}
	return nil
}

// dispatch is a pipeline's Watermill handler: the message (a record, or a
// pack of them) is processed by the current generation, which it holds until it is settled. Every error
// the pipeline returns is logged already (or deliberately quiet, like a
// wait for an open circuit), so it is marked for the Watermill logger.
func (e *Engine) dispatch(pipeline string) message.NoPublishHandlerFunc {
	return func(wm *message.Message) error {
		defer e.forget(wm)
		g := e.acquire()
		defer g.release()
		p := g.pipelines[pipeline]
		if p == nil {
			return reported{errPipelineRemoved}
		}
		handle := p.handle
		if isPack(wm) {
			handle = func(wm *message.Message) error { return p.handlePack(wm, e.inProgress(wm)) }
		}
		if err := handle(wm); err != nil {
			return reported{err}
		}
		e.ackSync(pipeline, wm)
		return nil
	}
}

// syncHandlers gives the router a handler for every pipeline of g and
// stops the handlers of pipelines g no longer has (their messages stay in
// their streams).
func (e *Engine) syncHandlers(g *generation) error {
	added := false
	for _, p := range g.order {
		if e.handlers[p.pl.Name] == nil {
			if err := e.addHandler(p.pl.Name); err != nil {
				return err
			}
			added = true
		}
	}
	if added {
		if err := e.router.RunHandlers(context.Background()); err != nil {
			return fmt.Errorf("router: %w", err)
		}
	}
	for name, r := range e.handlers {
		if g.pipelines[name] != nil {
			continue
		}
		r.handler.Stop()
		select {
		case <-r.handler.Stopped():
		case <-time.After(30 * time.Second):
		}
		_ = r.sub.Close()
		delete(e.handlers, name)
		e.log.Warn("pipeline removed: its handler stopped; messages left in its stream wait there", "pipeline", name)
	}
	return nil
}

// reported marks an error that was logged where it happened.
type reported struct{ err error }

func (r reported) Error() string { return r.err.Error() }
func (r reported) Unwrap() error { return r.err }
