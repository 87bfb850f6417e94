package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/source"
)

// running is what runs now, by key (see connKey and componentKey): the
// connections, sinks and sources of a generation. Assembling the next
// generation takes over the ones whose key is unchanged, stops the others
// and creates what is missing; running then describes exactly what runs,
// even when assembling failed half way.
type running struct {
	conns   map[string]*liveConnection
	sinks   map[string]*sinkRunner
	sources map[string]*sourceRunner
}

func newRunning() *running {
	return &running{conns: map[string]*liveConnection{}, sinks: map[string]*sinkRunner{}, sources: map[string]*sourceRunner{}}
}

// running returns what g runs.
func (g *generation) running() *running {
	r := newRunning()
	for _, lc := range g.connections {
		r.conns[lc.key] = lc
	}
	for _, p := range g.order {
		for _, s := range p.sinks {
			r.sinks[s.key] = s
		}
		r.sources[p.source.key] = p.source
	}
	return r
}

// sourceRunner is a created source; it is started once its generation is
// the current one.
type sourceRunner struct {
	key, id string
	src     *source.Runner
	http    *registrar
	started bool
}

// assemble builds the generation for project p from what runs: components
// whose key p keeps are taken over, the others are stopped (sources, then
// sinks, then connections), and missing ones are created (connections and
// sinks started, sources only created). On error, have still describes
// what runs.
func (e *Engine) assemble(ctx context.Context, have *running, p *config.Project, version string) (*generation, error) {
	var errs []error
	stopKeys(have.sources, wantedSources(p), func(s *sourceRunner) { errs = append(errs, e.stopSource(ctx, s)) })
	stopKeys(have.sinks, wantedSinks(p), func(s *sinkRunner) { errs = append(errs, e.stopSink(ctx, s)) })
	stopKeys(have.conns, wantedConns(p), func(c *liveConnection) { errs = append(errs, e.stopConnection(ctx, c)) })
	if err := errors.Join(errs...); err != nil {
		e.log.Warn("a replaced component did not stop cleanly", "error", e.secrets.redact(err.Error()))
	}
	g := newGeneration(p, version, time.Now())
	for _, name := range sortedKeys(p.Connections) {
		key := connKey(p, name)
		lc := have.conns[key]
		if lc == nil {
			var err error
			if lc, err = e.startConnection(ctx, p, name, key); err != nil {
				return nil, err
			}
			have.conns[key] = lc
		}
		g.connections[name] = lc
	}
	for _, pl := range p.Pipelines {
		pr, err := e.buildPipeline(ctx, have, g, pl)
		if err != nil {
			return nil, err
		}
		g.pipelines[pl.Name] = pr
		g.order = append(g.order, pr)
	}
	return g, nil
}

// stopKeys stops and forgets the entries of have whose key is not wanted.
func stopKeys[T any](have map[string]T, want map[string]bool, stop func(T)) {
	keys := make([]string, 0, len(have))
	for k := range have {
		if !want[k] {
			keys = append(keys, k)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(keys)))
	for _, k := range keys {
		stop(have[k])
		delete(have, k)
	}
}

func wantedConns(p *config.Project) map[string]bool {
	want := map[string]bool{}
	for name := range p.Connections {
		want[connKey(p, name)] = true
	}
	return want
}

func wantedSinks(p *config.Project) map[string]bool {
	want := map[string]bool{}
	for _, pl := range p.Pipelines {
		for _, cc := range pl.Sinks {
			want[componentKey(p, pl, cc)] = true
		}
	}
	return want
}

func wantedSources(p *config.Project) map[string]bool {
	want := map[string]bool{}
	for _, pl := range p.Pipelines {
		want[componentKey(p, pl, pl.Source)] = true
	}
	return want
}

// startSources starts the generation's sources that are not running yet.
func (e *Engine) startSources(ctx context.Context, g *generation) error {
	for _, p := range g.order {
		s := p.source
		if s.started {
			continue
		}
		if err := s.src.Start(ctx); err != nil {
			return fmt.Errorf("starting %s: %w", s.id, err)
		}
		s.started = true
	}
	return nil
}

func (e *Engine) stopSource(ctx context.Context, s *sourceRunner) error {
	defer e.http.release(s.http)
	if !s.started {
		return nil
	}
	s.started = false
	return s.src.Shutdown(ctx)
}

func (e *Engine) stopSink(ctx context.Context, s *sinkRunner) error {
	e.http.release(s.http)
	s.batcher.stop()
	return s.sink.Shutdown(ctx)
}

func (e *Engine) stopConnection(ctx context.Context, c *liveConnection) error {
	c.circuit.stop()
	return c.conn.Shutdown(ctx)
}

// stopAll stops what r runs: sources first, then sinks, then connections.
func (e *Engine) stopAll(ctx context.Context, r *running) error {
	var errs []error
	none := map[string]bool{}
	stopKeys(r.sources, none, func(s *sourceRunner) { errs = append(errs, e.stopSource(ctx, s)) })
	stopKeys(r.sinks, none, func(s *sinkRunner) { errs = append(errs, e.stopSink(ctx, s)) })
	stopKeys(r.conns, none, func(c *liveConnection) { errs = append(errs, e.stopConnection(ctx, c)) })
	return errors.Join(errs...)
}
