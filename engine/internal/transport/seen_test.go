package transport_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
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

// BenchmarkRepeats_on_the_seen_id_bucket measures what de-duplication by
// message id adds to a sink's write of a batch of 32 new messages (the
// checks, the records) on an embedded server: ns/op is per message.
func BenchmarkRepeats_on_the_seen_id_bucket(b *testing.B) {
	conn, err := transport.Connect(context.Background(), transport.Config{StoreDir: b.TempDir(), Name: "bench"})
	require.NoError(b, err)
	b.Cleanup(conn.Close)
	js, err := jetstream.New(conn.NC)
	require.NoError(b, err)
	buckets, err := transport.EnsureBuckets(context.Background(), js, transport.Names{Project: "bench"}, transport.Limits{})
	require.NoError(b, err)
	set := component.SinkSettings{Settings: componenttest.NewSettings(b, "orders/sink/out")}
	set.Seen = component.NewStateSeenIDs(transport.NewState(buckets.Seen, set.ID))
	r := component.NewRepeats(set)
	write := func(context.Context, []*component.Message) error { return nil }
	const batch = 32
	msgs := make([]*component.Message, batch)
	b.ResetTimer()
	for n := 0; n < b.N; n += batch {
		for i := range msgs {
			msgs[i] = component.NewMessage(fmt.Sprintf("orders.jsonl:%d", n+i), nil)
		}
		if err := r.Write(context.Background(), msgs, write); err != nil {
			b.Fatal(err)
		}
	}
}
