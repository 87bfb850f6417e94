package dlq_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// newStore starts an embedded NATS server and returns a store over a fresh
// dead-letter stream.
func newStore(t *testing.T) *dlq.Store {
	t.Helper()
	conn, err := transport.Connect(transport.Config{StoreDir: t.TempDir(), Name: "dlq-test"})
	require.NoError(t, err)
	t.Cleanup(conn.Close)
	js, err := jetstream.New(conn.NC)
	require.NoError(t, err)
	names := transport.Names{Project: "t"}
	st, err := transport.EnsureDLQ(context.Background(), js, names, transport.Limits{})
	require.NoError(t, err)
	return dlq.NewStore(js, st, names)
}

func TestList_counts_only_the_filtered_pipeline(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	for i, pl := range []string{"orders", "stock", "orders"} {
		_, err := store.Add(ctx, &dlq.Record{ID: fmt.Sprintf("m%d", i), Pipeline: pl, Step: "map-1", Error: "boom"})
		require.NoError(t, err)
	}

	start := time.Now()
	recs, err := store.List(ctx, dlq.Filter{Pipeline: "settlements"})
	require.NoError(t, err)
	assert.Empty(t, recs)
	assert.Less(t, time.Since(start), time.Second, "a pipeline without dead letters is answered at once, not after a fetch timeout")

	recs, err = store.List(ctx, dlq.Filter{Pipeline: "orders"})
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, []string{"m0", "m2"}, []string{recs[0].ID, recs[1].ID}, "oldest first")

	recs, err = store.List(ctx, dlq.Filter{})
	require.NoError(t, err)
	assert.Len(t, recs, 3)

	depth, err := store.Depth(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]uint64{"orders": 2, "stock": 1}, depth)
}
