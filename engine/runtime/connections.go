package runtime

import (
	"context"
	"fmt"
	"sort"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// liveConnection is a started connection with its circuit breaker.
type liveConnection struct {
	name    string
	conn    component.Connection
	circuit *circuit
}

func (e *Engine) settings(id, pipeline string) component.Settings {
	labels := prometheus.Labels{"component": id}
	return component.Settings{
		ID:       id,
		Pipeline: pipeline,
		Logger:   e.log.With("component", id),
		Metrics:  prometheus.WrapRegistererWith(labels, e.registry),
		State:    transport.NewState(e.stateKV, id),
		Clock:    e.clock,
		DataDir:  e.dataDir,
		Dir:      e.project.Dir,
	}
}

func (e *Engine) startConnections(ctx context.Context) error {
	names := make([]string, 0, len(e.project.Connections))
	for n := range e.project.Connections {
		names = append(names, n)
	}
	sort.Strings(names)
	policy := e.project.Defaults.Errors.Circuit
	for _, name := range names {
		cc := e.project.Connections[name]
		id := "connection/" + name
		conn, err := cc.Factory.CreateConnection(ctx, e.settings(id, ""), cc.Config)
		if err != nil {
			return fmt.Errorf("creating %s: %w", id, err)
		}
		if err := e.startComponent(ctx, conn, id); err != nil {
			return err
		}
		checker, _ := conn.(component.HealthChecker)
		lc := &liveConnection{name: name, conn: conn}
		lc.circuit = newCircuit(name, policy.Failures, policy.ProbeEvery.D(), checker, e.log, e.metrics, e.secrets)
		e.connections[name] = lc
	}
	return nil
}
