// Package transport connects the engine to NATS JetStream: it starts the
// embedded server (file storage under the data directory, in-process
// connection, no port unless asked) or connects to an external cluster,
// provisions the streams, consumers and key/value buckets whose names derive
// from the project and pipeline names (with retries while a cluster forms or
// restarts, or other engines create the same objects, and a replica count
// resolved from the cluster), implements component.State and
// component.SharedState over KV, keeps the source leases that make each
// polling source run on one engine at a time (Leases), and converts
// messages to and from the wire.
package transport
