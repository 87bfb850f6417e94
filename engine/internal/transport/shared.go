package transport

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/component"
)

// Shared is component.SharedState over the project's shared bucket: keys
// are project-wide, and Set is a compare-and-set on the key's revision.
type Shared struct {
	kv jetstream.KeyValue
}

var _ component.SharedState = (*Shared)(nil)

// NewShared returns the shared state of the bucket.
func NewShared(kv jetstream.KeyValue) *Shared { return &Shared{kv: kv} }

// Get returns the value of key and its revision, or component.ErrNotFound.
func (s *Shared) Get(ctx context.Context, key string) ([]byte, uint64, error) {
	if err := checkKey(key); err != nil {
		return nil, 0, err
	}
	return getRevision(ctx, s.kv, key, "shared state get "+key)
}

// Set stores value under key if its revision is still revision (0: the
// key holds no value), else returns component.ErrConflict.
func (s *Shared) Set(ctx context.Context, key string, value []byte, revision uint64) (uint64, error) {
	if err := checkKey(key); err != nil {
		return 0, err
	}
	return putRevision(ctx, s.kv, key, value, revision, "shared state set "+key)
}
