package component

import (
	"context"
	"sort"
)

// Factory creates instances of one component type. Factories are registered
// with the engine by the binary; they hold no state of their own.
type Factory interface {
	// Type returns the type name configuration uses to select this factory.
	Type() Type
	// Kind returns what the created components are.
	Kind() Kind
	// Schema returns the JSON Schema (draft 2020-12) of the type's options,
	// excluding the keys the engine owns ("type" on connections). It must
	// reject unknown keys (additionalProperties: false). Options holding
	// secrets carry the SecretKeyword annotation.
	Schema() []byte
	// NewConfig returns a pointer to a new config struct holding the defaults.
	// Options are decoded into it with yaml.v3 after schema validation; if it
	// implements Validator, its Validate method is called next.
	NewConfig() any
}

// SecretKeyword is the JSON Schema annotation declaring an option secret,
// whether written in the file or interpolated: "x-secret": true makes the
// whole value a secret (a password, token, client secret, signing key);
// "x-secret": "dsn" makes the password inside a connection string or URL
// one (user:password@ in a URL, password= or pwd= parameters), leaving the
// host, database or path readable. The engine removes declared secrets from
// logs, errors, metrics and dead letters; nothing else is redacted.
const SecretKeyword = "x-secret"

// ConnectionFactory creates connections.
type ConnectionFactory interface {
	Factory
	CreateConnection(ctx context.Context, set Settings, cfg any) (Connection, error)
}

// SourceFactory creates sources.
type SourceFactory interface {
	Factory
	// ConnectionType is the connection type the source needs, or "" for none.
	ConnectionType() Type
	CreateSource(ctx context.Context, set SourceSettings, cfg any) (Source, error)
}

// SinkFactory creates sinks.
type SinkFactory interface {
	Factory
	// ConnectionType is the connection type the sink needs, or "" for none.
	ConnectionType() Type
	CreateSink(ctx context.Context, set SinkSettings, cfg any) (Sink, error)
}

// ConnectionOptional is implemented by a source or sink factory whose
// components may name a connection of their ConnectionType but need not:
// the component works without one, and uses it when named.
type ConnectionOptional interface {
	ConnectionOptional()
}

// Validator is implemented by config structs that check themselves after
// decoding. Returned errors may wrap FieldError to point at an option.
type Validator interface {
	Validate() error
}

// ConnectionValidator is implemented by source and sink configs whose
// validity depends on the config of the connection they name (for example an
// operation or query that the connection must define). connCfg is that
// connection's decoded config.
type ConnectionValidator interface {
	ValidateConnection(connCfg any) error
}

// LookupValidator is implemented by connection configs that serve lookups. It
// reports whether query is defined and accepts exactly the given parameter
// names.
type LookupValidator interface {
	ValidateLookup(query string, params []string) error
}

// LookupDescriber is implemented by connection configs that know, before
// running, the columns a named query returns. Validation then checks every
// column an expression reads from the lookup's result.
type LookupDescriber interface {
	// DescribeLookup returns the query's result, or false when its columns
	// cannot be known (SELECT *, an expression without an alias).
	DescribeLookup(query string) (LookupResult, bool)
}

// LookupResult describes what a lookup query returns.
type LookupResult struct {
	// Columns maps each result column to its type: string, int, decimal,
	// double, bool, timestamp, or "" when only the name is known.
	Columns map[string]string
	// Rows is true when the lookup returns every row as a list, false when
	// it returns one row (or null).
	Rows bool
}

// DocumentDescriber is implemented by sink configs whose input document
// has a known layout, such as a Sage document whose fields go to named
// columns. Validation checks the keys the map step before the sink writes
// against it. connCfg is the decoded config of the sink's connection.
type DocumentDescriber interface {
	Document(connCfg any) *Document
}

// Document describes the keys an object of an input document may have.
type Document struct {
	// What names the object in messages: "the sales order header".
	What string
	// Fields are the keys; a non-nil value describes the object the key
	// holds, or each object of the list it holds.
	Fields map[string]*Document
}

// Keys lists the document's keys, sorted.
func (d *Document) Keys() []string {
	keys := make([]string, 0, len(d.Fields))
	for k := range d.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
