package runtime

import "time"

// Connection states (ConnectionState.State).
const (
	ConnectionUp       = "up"
	ConnectionFailing  = "failing"
	ConnectionDegraded = "degraded"
	ConnectionDown     = "down"
)

// ConnectionState is a connection as the console and alerts see it.
type ConnectionState struct {
	Name string
	Type string
	// State is up, failing (retryable failures, not for long), degraded
	// (failing for a while) or down (the circuit is open).
	State string
	// Circuit is "open" while messages wait for the connection.
	Circuit     string
	LastSuccess *time.Time
	LastFailure *time.Time
	// LastError is the last error (secrets redacted).
	LastError string
	// Since is when the connection stopped being up, when known.
	Since *time.Time
}

// ConnectionStates returns the connections by name. This engine knows
// each connection's circuit: a connection is down while it is open, with
// its last error.
func (e *Engine) ConnectionStates() []ConnectionState {
	circuits := e.Circuits()
	out := make([]ConnectionState, len(circuits))
	for i, c := range circuits {
		out[i] = ConnectionState{Name: c.Name, Type: c.Type, State: ConnectionUp, Circuit: "closed", LastError: c.Reason}
		if c.Open {
			out[i].State, out[i].Circuit = ConnectionDown, "open"
		}
	}
	return out
}

// ConfigState is the configuration an engine runs and the last reload it
// refused.
type ConfigState struct {
	// Version identifies the directory's content ("" when unknown).
	Version  string
	LoadedAt time.Time
	// Refused is the last refused reload (nil: none).
	Refused *RefusedReload
}

// RefusedReload is a reload the engine refused, keeping the running
// version.
type RefusedReload struct {
	At        time.Time
	Attempted string
	Problems  []string
	Error     string
}

// ConfigState returns the running configuration. This engine loads its
// directory once, at start.
func (e *Engine) ConfigState() ConfigState { return ConfigState{LoadedAt: e.startedAt} }
