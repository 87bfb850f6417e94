// Package dlq stores dead letters in a JetStream stream (one subject per
// pipeline) and lists, shows, drops and replays them. A record keeps the
// original message, the message as it entered the failing step, its metadata
// and lookup results, the error, the attempt count and timestamps. A replay
// publishes the (possibly edited) step input back into the pipeline's stream
// to re-enter at the failed step, then removes the record; the outcome is
// recorded under a replay id.
package dlq
