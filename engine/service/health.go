package service

import (
	"fmt"
	"sort"
	"time"
)

// Health defaults (server.health in the project file).
const (
	DefaultDegradedAfter = 2 * time.Minute
	DefaultMinFreeMiB    = 256
)

// Connection states in ConnectionHealth.
const (
	ConnUp       = "up"
	ConnFailing  = "failing"  // calls fail, not for degraded_after yet
	ConnDegraded = "degraded" // calls have failed for degraded_after
	ConnDown     = "down"     // the circuit is open
)

// ConnectionHealth is what the engine knows of a connection from the calls
// its steps and sinks make.
type ConnectionHealth struct {
	Name string `json:"name"`
	// State is up, failing, degraded or down (see the Conn constants).
	State string `json:"state"`
	// Circuit is "open" while messages wait for the connection, else "closed".
	Circuit string `json:"circuit"`
	// ConsecutiveFailures counts retryable failures since the last success.
	ConsecutiveFailures int        `json:"consecutive_failures"`
	LastSuccess         *time.Time `json:"last_success,omitempty"`
	LastFailure         *time.Time `json:"last_failure,omitempty"`
	LastError           string     `json:"last_error,omitempty"`
	// FailingSince is the first failure after the last success.
	FailingSince *time.Time `json:"failing_since,omitempty"`
	// DegradedSince is when the failures had lasted degraded_after.
	DegradedSince *time.Time `json:"degraded_since,omitempty"`
}

// Readiness is the engine's readiness: not ready, with a reason per
// failing part, while NATS is unreachable, a connection is down or
// degraded, the data directory is full or unwritable, or a failed reload
// left components stopped.
type Readiness struct {
	Ready   bool              `json:"ready"`
	Reasons map[string]string `json:"reasons,omitempty"`
}

func (e *Engine) degradedAfter() time.Duration {
	if d := e.project().Server.Health.DegradedAfter.D(); d > 0 {
		return d
	}
	return DefaultDegradedAfter
}

// connectionHealth reports the current generation's connections by name.
func (e *Engine) connectionHealth() []ConnectionHealth {
	g := e.gen()
	if g == nil {
		return nil
	}
	after, now := e.degradedAfter(), time.Now()
	out := make([]ConnectionHealth, 0, len(g.connections))
	for name, lc := range g.connections {
		h := lc.circuit.health()
		ch := ConnectionHealth{Name: name, State: ConnUp, Circuit: "closed", ConsecutiveFailures: h.consecutive,
			LastSuccess: timePtr(h.lastSuccess), LastFailure: timePtr(h.lastFailure), LastError: h.lastError,
			FailingSince: timePtr(h.failingSince)}
		if !h.failingSince.IsZero() {
			ch.State = ConnFailing
			if since := h.failingSince.Add(after); !since.After(now) {
				ch.State, ch.DegradedSince = ConnDegraded, &since
			}
		}
		if h.open {
			ch.State, ch.Circuit = ConnDown, "open"
		}
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// readiness checks the transport, the connections, the data directory and
// the last reload.
func (e *Engine) readiness() Readiness {
	r := Readiness{Ready: true, Reasons: map[string]string{}}
	fail := func(part, why string) {
		r.Ready = false
		r.Reasons[part] = why
	}
	if e.gen() == nil {
		fail("engine", "not started")
		return r
	}
	if !e.conn.NC.IsConnected() {
		fail("transport", "not connected to NATS: "+e.conn.NC.Status().String())
	}
	for _, c := range e.connectionHealth() {
		switch c.State {
		case ConnDown:
			fail("connection/"+c.Name, "unavailable (circuit open): "+c.LastError)
		case ConnDegraded:
			fail("connection/"+c.Name, fmt.Sprintf("degraded: calls have failed with retryable errors since %s, %s without a success; last error: %s",
				c.FailingSince.Format(time.RFC3339), time.Since(*c.FailingSince).Round(time.Second), c.LastError))
		}
	}
	if d := e.dataDirHealth(); !d.Ready {
		fail("data_dir", d.Error)
	}
	if _, _, broken := e.reloads.state(); broken != "" {
		fail("reload", broken)
	}
	return r
}
