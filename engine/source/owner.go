package source

import "context"

// Owner decides which engine instance polls a source when several run
// against one NATS: the runner asks it before every poll. It is the one
// place a lease (a JetStream KV entry with a TTL, say) plugs in; until
// then every instance owns every source and the stream's de-duplication
// by message ID keeps their output single.
type Owner interface {
	// Acquire reports whether this instance may poll the loop id now,
	// taking or renewing its claim. It is called before every poll; false
	// skips the poll until the next round. An error counts as false.
	Acquire(ctx context.Context, id string) (bool, error)
	// Release gives the claim up when the loop stops.
	Release(ctx context.Context, id string) error
}

// NopOwner owns every source.
type NopOwner struct{}

var _ Owner = NopOwner{}

// Acquire returns true.
func (NopOwner) Acquire(context.Context, string) (bool, error) { return true, nil }

// Release does nothing.
func (NopOwner) Release(context.Context, string) error { return nil }
