// Package transport connects the engine to NATS JetStream: it starts the
// embedded server (file storage under the data directory, in-process
// connection, no port unless asked) or connects to an external cluster,
// provisions the streams, consumers and key/value buckets whose names derive
// from the project and pipeline names, implements component.State over KV,
// and converts messages to and from the wire.
package transport
