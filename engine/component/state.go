package component

import (
	"context"
	"errors"
)

// ErrNotFound is returned by State.Get for a key that holds no value.
var ErrNotFound = errors.New("not found")

// State is durable key/value storage (JetStream KV in the engine). Keys are
// made of letters, digits and "-_=./"; values are opaque bytes. Writes are
// durable when Put returns. It is safe for concurrent use.
type State interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Put(ctx context.Context, key string, value []byte) error
	Delete(ctx context.Context, key string) error
	// Keys lists the keys that start with prefix, in no particular order.
	Keys(ctx context.Context, prefix string) ([]string, error)
}
