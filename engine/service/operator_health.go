package service

import (
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Connection states (ConnectionState.State), as in ConnectionHealth.
const (
	ConnectionUp       = ConnUp
	ConnectionFailing  = ConnFailing
	ConnectionDegraded = ConnDegraded
	ConnectionDown     = ConnDown
)

// ConnectionState is a connection as the console and alerts see it: its
// health (see ConnectionHealth) and its type.
type ConnectionState struct {
	Name string
	Type string
	// State is up, failing (retryable failures, not for long), degraded
	// (failing for server.health.degraded_after) or down (the circuit is
	// open).
	State string
	// Circuit is "open" while messages wait for the connection.
	Circuit     string
	LastSuccess *time.Time
	LastFailure *time.Time
	// LastError is the last error (secrets redacted).
	LastError string
	// Since is when the connection's calls started failing (nil while up).
	Since *time.Time
	// Warnings are what the connection asks an operator to act on (see
	// component.Warner), secrets redacted.
	Warnings []string
}

// ConnectionStates returns the running connections by name.
func (e *Engine) ConnectionStates() []ConnectionState {
	g := e.gen()
	if g == nil {
		return nil
	}
	hs := e.connectionHealth()
	out := make([]ConnectionState, len(hs))
	for i, h := range hs {
		out[i] = ConnectionState{Name: h.Name, State: h.State, Circuit: h.Circuit, LastSuccess: h.LastSuccess,
			LastFailure: h.LastFailure, LastError: h.LastError, Since: h.FailingSince}
		if c := g.project.Connections[h.Name]; c != nil {
			out[i].Type = string(c.Type)
		}
		if lc := g.connections[h.Name]; lc != nil {
			if w, ok := lc.conn.(component.Warner); ok {
				for _, text := range w.Warnings() {
					out[i].Warnings = append(out[i].Warnings, e.secrets.redact(text))
				}
			}
		}
	}
	return out
}

// ConfigState is the configuration an engine runs and the last reload it
// refused.
type ConfigState struct {
	// Version identifies the directory's content (see Version).
	Version  string
	LoadedAt time.Time
	// Refused is the last reload when it was refused (nil: the last one
	// applied, or there was none).
	Refused *RefusedReload
}

// RefusedReload is a reload the engine refused, keeping the running
// version.
type RefusedReload struct {
	At time.Time
	// Attempted is the version of the directory that was read ("" when it
	// did not load).
	Attempted string
	// Problems are the configuration problems as file:line:col: message.
	Problems []string
	// Error explains a refusal that is not a configuration problem.
	Error string
}

// ConfigState returns the running configuration and a refused reload.
func (e *Engine) ConfigState() ConfigState {
	g := e.gen()
	if g == nil {
		return ConfigState{}
	}
	cs := ConfigState{Version: g.version, LoadedAt: g.loadedAt}
	if last := e.reloadHealth().Last; last != nil && last.Status == ReloadRefused {
		r := &RefusedReload{At: last.At, Attempted: last.Attempted, Error: last.Error}
		for _, p := range last.Problems {
			r.Problems = append(r.Problems, p.Text)
		}
		cs.Refused = r
	}
	return cs
}
