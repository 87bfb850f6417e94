// Package service runs a loaded pipeline directory: it connects to NATS
// JetStream (embedded by default), provisions each pipeline's stream and
// durable consumer, starts connections, sinks, one Watermill router with a
// named handler per pipeline, the sources, and the HTTP server (webhooks,
// metrics, health, the dead-letter API and a status page).
//
// Per message, a handler decodes the stream message, runs the steps
// in-process, hands the outputs to the sinks (batched across concurrent
// handlers), and acknowledges only when every output is done or
// dead-lettered. Retryable errors are negatively acknowledged with an
// exponential backoff delay (the message waits in the stream; attempts are
// not capped); unclassified errors get a retry budget, counted per stored
// message in the state bucket; permanent errors go to the dead-letter
// stream. A circuit breaker per connection holds messages back while a
// system is down. The error policy is a chain of small middlewares
// (engine/internal/policy) around the steps and sinks.
package service
