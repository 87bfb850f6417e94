package component

import (
	"context"
	"errors"
)

// ErrConflict is returned by SharedState.Set when the key changed after the
// revision the caller read: someone else wrote it first. Read it again and
// retry.
var ErrConflict = errors.New("the key changed since it was read")

// SharedState is durable key/value storage that every engine of the project
// sees (JetStream KV in the engine), with compare-and-set, for state that
// engines coordinate on: a rate limit shared by a seller's calls from every
// engine, for example. Keys are project-wide, not private to the
// component: start them with the component type (for example
// "spapi.ratelimit.<seller>.<operation>"; keys starting with "lease." are
// the engine's source leases); they are made of letters, digits and
// "-_=./". Values are opaque bytes. It is safe for concurrent use.
//
// Errors other than ErrNotFound and ErrConflict mean the store cannot be
// reached now (NATS briefly unreachable, a cluster electing a leader); a
// caller that must not stop should carry on with a safe local fallback.
type SharedState interface {
	// Get returns the value of key and its revision, or ErrNotFound.
	Get(ctx context.Context, key string) (value []byte, revision uint64, err error)
	// Set stores value under key if the key's revision is still revision
	// (0: if the key holds no value) and returns the new revision;
	// otherwise it returns ErrConflict and stores nothing.
	Set(ctx context.Context, key string, value []byte, revision uint64) (uint64, error)
}
