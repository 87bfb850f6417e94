package component

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// SeenIDs remembers the IDs of the messages a sink completed, so that a
// sink that is not idempotent by a business key can drop a redelivery (an
// acknowledgement lost in a failover) instead of writing it again. The
// engine keeps them in a key/value bucket that forgets an ID after the
// project's transport.sink_dedup_window, which is longer than the
// redelivery horizon; the IDs of the records of a pack in flight it keeps
// in memory and writes as the pack's settlement, once per pack (see
// Repeats for what that means after a crash). It is safe for concurrent
// use; errors are retryable.
type SeenIDs interface {
	// Seen reports whether id was recorded (and not forgotten yet).
	Seen(ctx context.Context, id string) (bool, error)
	// Record remembers id as completed.
	Record(ctx context.Context, id string) error
}

// RepeatSkipper is implemented by a SeenIDs whose owner drops repeats
// before they reach the sink: the engine skips the records of a pack it
// settled before, and answers Seen and Record for the records of a pack
// in flight from memory (see Repeats). NewRepeats calls CountSkipsIn once,
// with the sink's counter of dropped repeats; a SeenIDs it was not called
// on belongs to a sink that does not drop repeats by ID.
type RepeatSkipper interface {
	CountSkipsIn(dropped prometheus.Counter)
}

// MemorySeenIDs is implemented by a SeenIDs that answers some IDs from
// memory (the engine's, for the records of a pack in flight): Repeats asks
// it first, and calls Seen and Record, concurrently, only for the IDs it
// cannot answer so.
type MemorySeenIDs interface {
	// SeenInMemory is Seen for an id answered from memory; ok is false
	// when Seen has to be asked.
	SeenInMemory(id string) (seen, ok bool)
	// RecordInMemory is Record for an id kept in memory; false when Record
	// has to be called.
	RecordInMemory(id string) bool
}

// NewStateSeenIDs returns SeenIDs kept in st under "seen/<hash of the id>";
// they last as long as st keeps them (the engine's seen-ID bucket expires
// them, a component's own State never does).
func NewStateSeenIDs(st State) SeenIDs { return stateSeenIDs{st: st} }

type stateSeenIDs struct{ st State }

// seenKey is a valid State key for any message ID: IDs hold characters
// keys may not ("#", ":", spaces), and may be long.
func seenKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "seen/" + base64.RawURLEncoding.EncodeToString(sum[:16])
}

func (s stateSeenIDs) Seen(ctx context.Context, id string) (bool, error) {
	_, err := s.st.Get(ctx, seenKey(id))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, Retryable(fmt.Errorf("reading seen message id %s: %w", id, err))
}

func (s stateSeenIDs) Record(ctx context.Context, id string) error {
	if err := s.st.Put(ctx, seenKey(id), []byte(id)); err != nil {
		return Retryable(fmt.Errorf("recording message id %s: %w", id, err))
	}
	return nil
}
