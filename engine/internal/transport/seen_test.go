package transport_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
)

func TestProvision_the_seen_id_bucket_keeps_ids_for_the_sink_dedup_window(t *testing.T) {
	c := natstest.StartServer(t)
	nc := c.Connect()
	ttl := func(prov transport.Project) time.Duration {
		st, err := prov.Seen.Status(context.Background())
		require.NoError(t, err)
		return st.TTL()
	}
	prov, err := provision(t, nc, "seen", transport.Limits{})
	require.NoError(t, err)
	assert.Equal(t, transport.DefaultSinkDedupWindow, ttl(prov), "a day by default")
	prov, err = provision(t, nc, "seen", transport.Limits{SinkDedupWindow: 2 * time.Hour})
	require.NoError(t, err)
	assert.Equal(t, 2*time.Hour, ttl(prov), "a changed window applies to the existing bucket")

	// The engine's sinks keep their ids there, each sink apart.
	ctx := context.Background()
	out := component.NewStateSeenIDs(transport.NewState(prov.Seen, "orders/sink/out"))
	other := component.NewStateSeenIDs(transport.NewState(prov.Seen, "orders/sink/archive"))
	require.NoError(t, out.Record(ctx, "orders.jsonl:7#replay-12 (any text)"))
	seen, err := out.Seen(ctx, "orders.jsonl:7#replay-12 (any text)")
	require.NoError(t, err)
	assert.True(t, seen)
	seen, err = other.Seen(ctx, "orders.jsonl:7#replay-12 (any text)")
	require.NoError(t, err)
	assert.False(t, seen, "another sink did not complete it")
}
