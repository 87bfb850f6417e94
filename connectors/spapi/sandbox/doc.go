// Package sandbox is a stateful simulator of the parts of Amazon's Selling
// Partner API that pipewright uses, for demos, tests and benchmarks where
// Amazon cannot be reached.
//
// One http.Handler serves Login with Amazon (/auth/o2/token), the SP-API
// paths (Orders v2026-01-01 and v0, Feeds, Reports, Listings Items, FBA
// Inventory, Tokens, Notifications) and the pre-signed document URLs that
// Feeds and Reports hand out. Routes, default rate limits and response
// shapes come from the embedded models in connectors/spapi/models; a
// contract test checks every response against them.
//
// The simulator keeps its own world in simulated time (Config.Clock, or the
// wall clock sped up by Config.TimeScale): a seeded order generator, order
// status changes (PENDING, UNSHIPPED, shipped by confirmShipment or, for
// FBA orders, by the simulator, some CANCELLED), ORDER_CHANGE notifications
// pushed to a URL with SQS-like redelivery, feed processing with reports,
// listings that accepted patches change, and V2 settlement reports every
// settlement period. Everything due by the clock's now happens before a
// request is answered, so a test that moves a manual clock and then calls
// the API sees a consistent world; Sync does the same without a request.
//
// Amazon's rate limits are enforced per seller and operation with the
// token bucket the client uses (connectors/spapi/internal/ratelimit), and
// faults (errors, 5xx, latency, malformed bodies, a 429 storm, unknown SKUs)
// can be injected.
package sandbox
