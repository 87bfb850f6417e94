// Package client calls SP-API operations by name from the embedded models:
// it builds the request from path and query parameters checked against the
// operation, authenticates with LWA (or a restricted data token where the
// operation needs one), waits for a token of the shared rate limiter,
// retries 429, 5xx and timeouts with exponential backoff and jitter, and
// turns Amazon's error shape into a typed *Error classified as retryable or
// permanent for the engine.
package client
