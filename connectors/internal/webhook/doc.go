// Package webhook is the shared intake for connectors that receive HTTP
// webhooks (the generic http.webhook source, the SP-API notification
// intake). It owns the options every such connector offers (path, auth,
// max_body, schema) with their JSON Schema fragment, and an Endpoint that
// verifies a request and hands the decoded body to the connector:
//
//   - only POST (405 otherwise);
//   - authentication first: a shared token in a header, compared in
//     constant time, or an HMAC-SHA256 signature over timestamp + "." + body
//     with a timestamp inside a tolerance window of the wall clock (replay
//     protection; senders sign with wall-clock time, so the window ignores
//     the engine clock, which may run accelerated), or, for
//     development only and only when configured explicitly, none (401
//     otherwise, with no detail);
//   - a body size limit (413), a JSON body (400) and an optional JSON Schema
//     check (400 with the violations);
//   - then the connector's HandleFunc, which must make the request durable
//     (publish it, or record it in State) before returning nil: only then is
//     the sender answered 202. A permanent error is answered 400, any other
//     error 503 so that the sender retries.
//
// Nothing reaches the HandleFunc for a request that is refused, so nothing is
// published for any 4xx. Secrets (tokens, HMAC keys) never appear in
// responses, logs, errors or metrics.
//
// The Content-Type header is not checked: some senders (SNS, for one) send
// JSON as text/plain. A signed request can be replayed inside the tolerance
// window; connectors close that gap by giving the message an id derived
// from the request (the stream stores a repeated id once).
package webhook
