// Package connectortest is the conformance suite every source and sink
// runs, in the manner of Watermill's pubsub/tests and the OpenTelemetry
// Collector's receivertest: a connector's test calls TestSource or
// TestSink with a constructor of its spec (how to build the component,
// make input for it or read back what it wrote) and the features it has,
// and the suite drives it through the engine's lifecycle and its fakes:
//
//   - a source acknowledges its input (moves its cursor, answers 2xx)
//     only after the publisher stored the messages durably; while the
//     publisher refuses, nothing is consumed and nothing dead-lettered;
//   - a restarted source resumes from its cursor without loss or repeat;
//   - a publish refused for good dead-letters the messages (pollers) or
//     answers 4xx (pushers), and the source goes on;
//   - Shutdown is safe without Start, returns when its context ends even
//     during a publish, and the Start context ending stops nothing;
//   - a sink's Write makes a batch durable before returning nil, says
//     which messages failed and how (permanent or retryable), never calls
//     an unavailable target or a cancelled write permanent, and, when it
//     claims to, writes a redelivered message once (also after a restart).
//
// Sources run under the engine's own runner (engine/source), so the suite
// tests a source as the engine runs it.
package connectortest
