// Package source runs the engine's sources: it owns the lifecycle around
// the part a connector implements (see component.Poller and
// component.Pusher).
//
// For a poller it runs each loop: it asks the Owner whether this engine
// instance may poll (a loop that is not its own waits and asks again),
// loads the loop's cursor from the source's State, polls on the engine
// clock (at once after Start, then every interval, at
// once again while a batch asks for more, at a batch's At or on a Wake),
// publishes the batch, calls its Ack, and stores its cursor: only once the
// messages are durable, so a restart resumes where the last published
// batch ended and loses nothing. A State with revisions (RevisionedState)
// stores it with compare-and-set: when another instance wrote the cursor
// meanwhile, the loop stores nothing, leaves the round to it and reads the
// cursor again next round. Failures are retried with exponential
// backoff and jitter (1s doubling up to a minute, or up to the loop's
// interval when shorter), honouring a retryable error's delay; a
// permanent poll error waits for the next round instead, and a publish
// the transport refuses permanently dead-letters the batch's messages.
// A batch whose publish started is finished even when the source is
// stopped meanwhile, so a shutdown never leaves half a batch behind.
//
// For a pusher it serves the routes on the engine's HTTP server from
// Start to Shutdown; on Shutdown new requests are answered 503 with a
// Retry-After and the requests in flight are waited for.
//
// The engine's runtime wraps every source it creates with New; tests do
// the same (componenttest.CreateSource), so a source is tested under the
// lifecycle it runs with.
package source
