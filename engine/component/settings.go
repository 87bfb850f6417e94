package component

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
)

// Settings is what the engine passes to every factory.
type Settings struct {
	// ID names the instance: "connection/<name>", "<pipeline>/source" or
	// "<pipeline>/sink/<name>".
	ID string
	// Pipeline is the pipeline the component belongs to ("" for connections).
	Pipeline string
	// Logger carries the component's attributes; never nil.
	Logger *slog.Logger
	// Metrics registers the component's collectors; never nil.
	Metrics prometheus.Registerer
	// State is durable key/value state private to this component; never nil.
	State State
	// Shared is the project's state shared by every engine, with
	// compare-and-set (see SharedState), or nil where there is none (a
	// pipeline test, a component test): components then keep to their own
	// process.
	Shared SharedState
	// Clock is the engine's clock; tests may accelerate it. Never nil.
	Clock Clock
	// DataDir is the engine's data directory.
	DataDir string
	// Dir is the pipeline directory, for resolving relative paths.
	Dir string
	// PublicURL is where senders reach the engine's HTTP server (webhooks):
	// server.public_url, else derived from the listen address. A component
	// that configures a notification destination resolves a relative URL
	// against it.
	PublicURL string
	// Connection is the started connection the component named, or nil.
	Connection Connection
	// Owner gives a component's background loop a single runner among
	// the engines of a project (see RunOwned), or is nil where this
	// engine runs alone.
	Owner Owner
	// Listings is the engine's board of listing problems, or nil where
	// there is none (a pipeline test).
	Listings ListingBoard
}

// SourceSettings is what source factories receive.
type SourceSettings struct {
	Settings
	// Publisher durably publishes the source's messages into its pipeline.
	Publisher Publisher
	// HTTP registers handlers on the engine's HTTP server; the engine
	// serves a Pusher's routes through it.
	HTTP HTTPRegistrar
	// DeadLetter records input the source cannot turn into a message (for
	// example a settlement report that does not parse), with the reason.
	DeadLetter DeadLetterer
	// MaxPayload is the largest message the transport accepts, in bytes:
	// the encoded body plus the metadata and id headers. A source should
	// dead-letter input that cannot fit instead of publishing it (a refused
	// publish would be retried forever). 0 means no known limit.
	MaxPayload int64
}

// SinkSettings is what sink factories receive.
type SinkSettings struct {
	Settings
	// DeadLetter records messages that fail after Write returned (for example
	// a rejection in an asynchronous feed report).
	DeadLetter DeadLetterer
	// Seen holds the IDs of the messages the sink completed, for a sink
	// that drops repeats by message ID (see Repeats); nil outside the
	// engine (NewRepeats then keeps them in State).
	Seen SeenIDs
	// HTTP registers handlers on the engine's HTTP server, for a sink that
	// is told of its results (an SP-API feed's FEED_PROCESSING_FINISHED
	// notification); the engine frees the patterns when the sink shuts
	// down. Nil where there is no server (a pipeline test).
	HTTP HTTPRegistrar
}

// Publisher durably publishes messages into a pipeline. Publish returns only
// after the stream stored every message; a message whose ID was already
// published inside the duplicate window is stored once. It is safe for
// concurrent use. A nil error means the caller may acknowledge its input.
type Publisher interface {
	Publish(ctx context.Context, msgs ...*Message) error
}

// PublisherFunc adapts a function to Publisher.
type PublisherFunc func(ctx context.Context, msgs ...*Message) error

// Publish calls f.
func (f PublisherFunc) Publish(ctx context.Context, msgs ...*Message) error { return f(ctx, msgs...) }

// DeadLetterer records a message that failed permanently, with the reason.
type DeadLetterer interface {
	DeadLetter(ctx context.Context, msg *Message, reason error) error
}

// HTTPRegistrar registers handlers on the engine's HTTP server. Handle fails
// when the pattern is already taken.
type HTTPRegistrar interface {
	Handle(pattern string, h http.Handler) error
}
