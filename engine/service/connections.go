package service

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// liveConnection is a started connection with its circuit breaker, which
// also keeps the connection's health (see circuit).
type liveConnection struct {
	name    string
	key     string
	conn    component.Connection
	circuit *circuit
}

func (e *Engine) settings(dir, id, pipeline string) component.Settings {
	labels := prometheus.Labels{"component": id}
	return component.Settings{
		ID:        id,
		Pipeline:  pipeline,
		Logger:    e.log.With("component", id),
		Metrics:   prometheus.WrapRegistererWith(labels, replacingRegisterer{e.registry}),
		State:     transport.NewState(e.stateKV, id),
		Shared:    e.shared,
		Clock:     e.clock,
		DataDir:   e.dataDir,
		Dir:       dir,
		PublicURL: e.publicURL(),
		Listings:  e.Listings(),
	}
}

// startConnection creates and starts connection name of p.
func (e *Engine) startConnection(ctx context.Context, p *config.Project, name, key string) (*liveConnection, error) {
	cc := p.Connections[name]
	id := "connection/" + name
	conn, err := cc.Factory.CreateConnection(ctx, e.settings(p.Dir, id, ""), cc.Config)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", id, err)
	}
	if err := conn.Start(ctx); err != nil {
		_ = conn.Shutdown(ctx)
		return nil, fmt.Errorf("starting %s: %w", id, err)
	}
	checker, _ := conn.(component.HealthChecker)
	policy := p.Defaults.Errors.Circuit
	lc := &liveConnection{name: name, key: key, conn: conn}
	lc.circuit = newCircuit(name, policy.Failures, policy.ProbeEvery.D(), checker, e.log, e.metrics, e.secrets)
	return lc, nil
}
