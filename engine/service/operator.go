package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/access"
)

// Addon is a part built outside this package that lives with an engine:
// the operator console, alerts. Start is called once the pipelines run and
// before the HTTP server takes requests (an addon registers its routes with
// Handle then); Stop first thing when the engine shuts down.
type Addon interface {
	Start(ctx context.Context, e *Engine) error
	Stop(ctx context.Context) error
}

func (e *Engine) startAddons(ctx context.Context) error {
	for _, a := range e.opts.Addons {
		if err := a.Start(ctx, e); err != nil {
			return fmt.Errorf("starting %T: %w", a, err)
		}
		e.addons = append(e.addons, a)
	}
	return nil
}

func (e *Engine) stopAddons(ctx context.Context) []error {
	var errs []error
	for i := len(e.addons) - 1; i >= 0; i-- {
		errs = append(errs, e.addons[i].Stop(ctx))
	}
	return errs
}

// Handle serves h on the engine's HTTP server (addons, during Start).
func (e *Engine) Handle(pattern string, h http.Handler) (err error) {
	defer func() {
		if p := recover(); p != nil { // the mux refuses conflicting patterns
			err = fmt.Errorf("http path %s: %v", pattern, p)
		}
	}()
	e.http.mux.Handle(pattern, h)
	return nil
}

// SetHome makes / redirect to path (the console); the status page stays
// at /status.
func (e *Engine) SetHome(path string) { e.http.home = path }

// Project is the directory the engine runs.
func (e *Engine) Project() *config.Project { return e.project() }

// Clock is the engine's clock.
func (e *Engine) Clock() component.Clock { return e.clock }

// AccessPolicy says who may use the API and the console.
func (e *Engine) AccessPolicy() access.Policy {
	srv := e.project().Server
	return access.Policy{Token: srv.AdminToken, TrustLoopback: srv.LoopbackTrusted()}
}

// FlowStatus is a pipeline's state for operators.
type FlowStatus struct {
	Name        string
	Description string
	// Source is the source's type, Sinks the sinks' descriptions.
	Source string
	Sinks  []string
	// Counters since the engine started.
	In, Out, Dropped, Duplicates, Retried, DeadLettered float64
	// Backlog is what waits in the pipeline's stream; Open its open dead
	// letters.
	Backlog uint64
	Open    uint64
	FlowState
}

// Flows returns every pipeline's state, in directory order. Last success
// and last error come from this engine's memory; after a restart, from
// the activity record.
func (e *Engine) Flows(ctx context.Context) ([]FlowStatus, error) {
	depth, err := e.dlq.Depth(ctx)
	if err != nil {
		return nil, err
	}
	g := e.gen()
	if g == nil {
		return nil, errors.New("the engine is not running")
	}
	sums := e.metrics.sumsByPipeline()
	out := make([]FlowStatus, 0, len(g.order))
	for _, p := range g.order {
		m := sums[p.pl.Name]
		f := FlowStatus{Name: p.pl.Name, Description: p.pl.Description, Source: string(p.pl.Source.Type),
			In: m["pipewright_messages_in_total"], Out: m["pipewright_messages_out_total"], Dropped: m["pipewright_messages_dropped_total"],
			Duplicates: m["pipewright_messages_duplicate_total"], Retried: m["pipewright_messages_retried_total"],
			DeadLettered: m["pipewright_messages_dead_lettered_total"], Open: depth[p.pl.Name]}
		for name := range p.pl.Sinks {
			f.Sinks = append(f.Sinks, p.sinkDesc(name))
		}
		sort.Strings(f.Sinks)
		f.Backlog, _ = e.backlog(ctx, p.pl.Name)
		f.FlowState = e.flowState(ctx, p.pl.Name)
		out = append(out, f)
	}
	return out, nil
}

// flowState is the pipeline's last success and error, from memory or, when
// this engine has seen nothing yet, from its recent activity.
func (e *Engine) flowState(ctx context.Context, pipeline string) FlowState {
	if s, ok := e.flows.Get(pipeline); ok {
		return s
	}
	var s FlowState
	evs, _ := e.RecentActivity(ctx, pipeline, 50)
	for _, ev := range evs { // newest first
		if len(ev.Delivered) > 0 && s.LastSuccess.IsZero() {
			s.LastSuccess = ev.At
		}
		if s.LastErrorAt.IsZero() && (len(ev.DeadLetters) > 0 || ev.Kind == ActivityRetrying) {
			s.LastErrorAt, s.LastError = ev.At, ev.Reason
			if len(ev.DeadLetters) > 0 {
				s.LastError = ev.DeadLetters[0].Reason
			}
		}
	}
	return s
}

// Logger is the engine's logger (it redacts secrets).
func (e *Engine) Logger() *slog.Logger { return e.log }

// PublicURL is where people and senders reach the engine
// (server.public_url, else derived from the listen address).
func (e *Engine) PublicURL() string { return e.publicURL() }
