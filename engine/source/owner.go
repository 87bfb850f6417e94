package source

import "context"

// Owner decides which engine instance polls a source loop when several run
// against one NATS: the runner asks it before every poll of the loop (id
// is the source's ID, plus "/" and the loop's name when it has one). The
// engine's Owner is a lease in JetStream KV (transport.Leases), renewed in
// the background, so that a loop that polls rarely keeps it; routes of a
// pushing source are served on every instance regardless.
//
// Acquire and Release may be called from several loops at once.
type Owner interface {
	// Acquire reports whether this instance may poll the loop id now,
	// taking or renewing its claim. False skips the poll; the loop asks
	// again after the runner's Recheck. An error counts as false, so that
	// an instance that cannot tell never polls beside the owner.
	Acquire(ctx context.Context, id string) (bool, error)
	// Release gives the claim up when the loop stops, so that another
	// instance takes it at once.
	Release(ctx context.Context, id string) error
}

// NopOwner owns every source: for a single engine, and for tests.
type NopOwner struct{}

var _ Owner = NopOwner{}

// Acquire returns true.
func (NopOwner) Acquire(context.Context, string) (bool, error) { return true, nil }

// Release does nothing.
func (NopOwner) Release(context.Context, string) error { return nil }
