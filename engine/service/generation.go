package service

import (
	"fmt"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
)

// generation is one version of the pipeline directory as the engine runs
// it: the project, its connections and its pipelines. A message is
// processed by one generation from start to end: the handler acquires the
// current generation and releases it once the message is settled. A reload
// builds the next generation, waits until no message holds the current one
// (new messages wait meanwhile), swaps, and lets messages go on with the
// new one: no message sees half of each.
type generation struct {
	project  *config.Project
	version  string
	loadedAt time.Time
	// watched is the watch state of the directory when it was loaded.
	watched     string
	connections map[string]*liveConnection
	pipelines   map[string]*pipelineRunner
	// order is the pipelines in project order.
	order []*pipelineRunner

	mu      sync.RWMutex // read-held by every message in flight
	retired bool
}

func newGeneration(p *config.Project, version string, at time.Time) *generation {
	return &generation{project: p, version: version, loadedAt: at,
		connections: map[string]*liveConnection{}, pipelines: map[string]*pipelineRunner{}}
}

// acquire returns the current generation, held until release: it is not
// swapped out while a message uses it.
func (e *Engine) acquire() *generation {
	for {
		g := e.cur.Load()
		g.mu.RLock()
		if !g.retired {
			return g
		}
		// A reload swapped it while this message waited: take the new one.
		g.mu.RUnlock()
	}
}

func (g *generation) release() { g.mu.RUnlock() }

// gen returns the current generation (nil before Start).
func (e *Engine) gen() *generation { return e.cur.Load() }

// project returns the project the engine runs now (the one it was given
// before Start).
func (e *Engine) project() *config.Project {
	if g := e.cur.Load(); g != nil {
		return g.project
	}
	return e.opts.Project
}

// connKey identifies a connection's configuration: a connection keeps
// running across a reload while its key stays the same.
func connKey(p *config.Project, name string) string {
	c := p.Connections[name]
	pol := p.Defaults.Errors.Circuit
	return fmt.Sprintf("%s|%s|%d|%s", name, c.Fingerprint, pol.Failures, pol.ProbeEvery.D())
}

// componentKey identifies a source's or sink's configuration, including its
// connection's: a component whose connection restarts restarts too.
func componentKey(p *config.Project, pl *config.Pipeline, cc *config.ComponentConfig) string {
	k := fmt.Sprintf("%s|%s|%s|%s", componentID(pl, cc), cc.Fingerprint, pl.Errors.Timeout.D(), cc.Connection)
	if cc.Connection != "" {
		k += "|" + connKey(p, cc.Connection)
	}
	return k
}

// componentID names a source ("<pipeline>/source") or sink
// ("<pipeline>/sink/<name>").
func componentID(pl *config.Pipeline, cc *config.ComponentConfig) string {
	if cc.Kind == component.KindSource {
		return pl.Name + "/source"
	}
	return pl.Name + "/sink/" + cc.Name
}
