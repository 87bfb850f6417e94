// Package policy is the engine's error policy as small middlewares around a
// pipeline's delivery handler, in the manner of Watermill's router
// middlewares: each wraps a Handler, does one thing before or after it, and
// passes the delivery on.
//
// The handler at the centre runs a delivered message through the steps and
// sinks and returns its failures as Failures (nil when nothing failed). The
// middlewares settle them on the way out, each seeing what the ones inside
// it decided. The engine chains them in this order (outermost first):
//
//	Gate        waits for the circuits of the pipeline's connections; a
//	            delivery that only waited does not run and spends nothing
//	Settle      once the delivery is settled: records its outcome (replay
//	            outcome, activity) and runs the cleanups registered with it
//	DeadLetter  stores permanent and exhausted failures; what is left to
//	            retry goes back to the stream (an error: a negative ack)
//	Tally       keeps the message's attempts and spent budget in State, so
//	            they survive restarts and are the same on every replica
//	Budget      lets unclassified failures retry until the budget is spent
//	Classify    sorts failures into permanent, retryable and unclassified
//	MaxWait     makes a failure that waited longer than errors.max_wait
//	            for something elsewhere (component.Waiting) expired
//	Timeout     bounds steps and sinks together
//
// A middleware returns nil when the delivery is settled (the transport
// acknowledges it) and an error when it should be delivered again after the
// backoff. Handlers and middlewares are called concurrently for different
// deliveries; one delivery is handled by one goroutine.
package policy
