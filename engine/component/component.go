package component

import (
	"context"
	"fmt"
	"regexp"
)

// Kind says what role a component type plays in a pipeline directory.
type Kind int

// The component kinds.
const (
	// KindConnection is a shared client to an external system, declared once in
	// the project file and referenced by name from sources, sinks and lookups.
	KindConnection Kind = iota + 1
	// KindSource produces messages into a pipeline.
	KindSource
	// KindSink consumes the messages a pipeline produced.
	KindSink
)

// String returns the kind's name as used in configuration and messages.
func (k Kind) String() string {
	switch k {
	case KindConnection:
		return "connection"
	case KindSource:
		return "source"
	case KindSink:
		return "sink"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Type is a component type name such as "spapi.orders" or "file": lower-case
// words of letters, digits and underscores, separated by dots.
type Type string

var typePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)

// Validate reports whether t is a well-formed type name.
func (t Type) Validate() error {
	if !typePattern.MatchString(string(t)) {
		return fmt.Errorf("invalid component type name %q: want lower-case words separated by dots", string(t))
	}
	return nil
}

// Component is the lifecycle every source, sink and connection implements.
//
// Start is called once, after every component the instance depends on has
// started (connections before the sources and sinks that use them); it must
// return promptly and run any long work in goroutines that stop on Shutdown.
// Shutdown is called once when the engine stops, in reverse start order; it must
// be safe to call without Start and must release everything Start acquired.
type Component interface {
	Start(ctx context.Context) error
	Shutdown(ctx context.Context) error
}

// StartFunc is a Start implementation for embedding.
type StartFunc func(context.Context) error

// Start calls f when it is not nil.
func (f StartFunc) Start(ctx context.Context) error {
	if f == nil {
		return nil
	}
	return f(ctx)
}

// ShutdownFunc is a Shutdown implementation for embedding.
type ShutdownFunc func(context.Context) error

// Shutdown calls f when it is not nil.
func (f ShutdownFunc) Shutdown(ctx context.Context) error {
	if f == nil {
		return nil
	}
	return f(ctx)
}

// Connection is a client to an external system shared by every component of
// the engine that names it (for example one SP-API client with its rate
// limiter, or one database pool).
type Connection interface {
	Component
}

// HealthChecker is implemented by connections that can tell whether their
// system is reachable. The engine calls Check for readiness and to close an
// open circuit breaker; it must be cheap and safe for concurrent use.
type HealthChecker interface {
	Check(ctx context.Context) error
}

// Warner is implemented by connections that know of conditions an operator
// should act on before they cause failures (a credential close to its
// expiry, a failed credential rotation). The console shows the warnings
// beside the connection. Warnings must be cheap, safe for concurrent use and
// free of secrets.
type Warner interface {
	Warnings() []string
}

// LiveOptions is implemented by a connection's options (its config
// struct) when some of them change while the connection runs because the
// connection changes them itself: a client secret it rotates and writes to
// the file the option reads. LiveOptions returns their paths (keys joined
// with dots, e.g. "credentials.client_secret"); a reload that changes only
// those values keeps the connection, and the components using it, running.
type LiveOptions interface {
	LiveOptions() []string
}

// NotificationSender is implemented by components that configure a system
// to push notifications to the engine (a simulator's destination, a
// subscription they create). The engine checks at start that each URL
// reaches one of its own webhook paths and warns when one does not.
type NotificationSender interface {
	NotificationURLs() []string
}

// Lookuper is implemented by connections that serve named, parameterised
// queries to the lookup step. Lookup returns the query's result as a JSON-like
// value (see Message.Body) or nil when nothing matched. It must be safe for
// concurrent use; errors are classified like sink errors.
type Lookuper interface {
	Lookup(ctx context.Context, query string, params map[string]any) (any, error)
}

// Source produces messages. A source implements only what is its own and
// the engine runs the rest: a Poller returns one batch per poll and the
// engine runs its loop, publishes each batch and only then stores the
// cursor; a Pusher returns HTTP handlers that publish a request through the
// Publisher in its SourceSettings (which returns once the messages are
// durably stored) before answering 2xx, and the engine serves them. Start
// and Shutdown hold the source's own resources, if any (Lifecycle when
// there are none).
type Source interface {
	Component
}

// Sink consumes messages. Write receives a batch in delivery order; the engine
// acknowledges the batch only after Write returns, so a sink must have made
// the batch durable at its target before returning nil. A nil error means every
// message is done. A *BatchError reports per-message outcomes; any other error
// applies to every message of the batch. Errors are classified with Permanent
// and Retryable; unclassified errors are retried within a budget, then
// dead-lettered. Write is never called concurrently on one sink instance
// unless the sink implements ConcurrentSink.
type Sink interface {
	Component
	Write(ctx context.Context, batch []*Message) error
}

// ConcurrentSink marks a sink whose Write may be called from several
// goroutines at once.
type ConcurrentSink interface {
	Sink
	ConcurrentWrites()
}
