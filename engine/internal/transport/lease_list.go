package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// LeaseEntry is one source loop's lease as stored.
type LeaseEntry struct {
	// ID is the loop id ("orders/source", "orders/source/search").
	ID string
	LeaseRecord
}

// ListLeases reads every source lease of the project from its shared
// bucket, by loop id; released leases are not listed.
func ListLeases(ctx context.Context, kv jetstream.KeyValue) ([]LeaseEntry, error) {
	lister, err := kv.ListKeysFiltered(ctx, LeasePrefix+">")
	if err != nil {
		return nil, fmt.Errorf("listing the source leases: %w", err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]LeaseEntry, 0, len(keys))
	for _, k := range keys {
		e, err := kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue // released meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("reading the lease %s: %w", k, err)
		}
		le := LeaseEntry{ID: strings.TrimPrefix(k, LeasePrefix)}
		if json.Unmarshal(e.Value(), &le.LeaseRecord) != nil {
			le.Holder = "?"
		}
		out = append(out, le)
	}
	return out, nil
}
