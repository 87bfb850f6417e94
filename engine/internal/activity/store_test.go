package activity_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/internal/activity"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

func newStore(t *testing.T) *activity.Store {
	t.Helper()
	st, _ := newStoreConn(t)
	return st
}

// newStoreConn returns a store on a fresh embedded server, and its
// connection.
func newStoreConn(t *testing.T) (*activity.Store, *transport.Conn) {
	t.Helper()
	conn, err := transport.Connect(context.Background(), transport.Config{StoreDir: t.TempDir(), Name: "activity-test"})
	require.NoError(t, err)
	t.Cleanup(conn.Close)
	names := transport.Names{Project: "t"}
	st, err := activity.Open(context.Background(), conn.NC, activity.Config{Stream: names.ActivityStream(), Root: names.ActivityRoot(), Retention: time.Hour},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	return st, conn
}

func TestStore_finds_a_key_across_pipelines_and_only_that_key(t *testing.T) {
	st := newStore(t)
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	st.Record(activity.Event{ID: "e1", At: at, Pipeline: "orders", Kind: activity.Processed, Delivered: []string{"main: sage500.sales_order (sage)"}},
		[]activity.Key{{Name: "order", Value: "113-1"}, {Name: "sku", Value: "WB-0001"}})
	st.Record(activity.Event{ID: "e2", At: at.Add(time.Hour), Pipeline: "shipments", Kind: activity.Processed, Delivered: []string{"main: spapi.call (amazon)"}},
		[]activity.Key{{Name: "order", Value: "113-1"}, {Name: "order", Value: "113-2"}})
	st.Record(activity.Event{ID: "e3", At: at, Pipeline: "orders", Kind: activity.Processed}, []activity.Key{{Name: "order", Value: "113-2"}})
	require.NoError(t, st.Flush(context.Background()))

	evs, err := st.ForKey(context.Background(), "113-1")
	require.NoError(t, err)
	require.Len(t, evs, 2)
	assert.Equal(t, []string{"orders", "shipments"}, []string{evs[0].Pipeline, evs[1].Pipeline})
	assert.Equal(t, "order", evs[0].KeyName)

	evs, err = st.ForKey(context.Background(), "WB-0001")
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, "sku", evs[0].KeyName)

	evs, err = st.ForKey(context.Background(), "113-9")
	require.NoError(t, err)
	assert.Empty(t, evs)
}

func TestStore_recent_lists_a_pipelines_events_once_newest_first(t *testing.T) {
	st := newStore(t)
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for i := range 40 {
		pl := "orders"
		if i%2 == 1 {
			pl = "prices"
		}
		st.Record(activity.Event{ID: fmt.Sprint("e", i), At: at.Add(time.Duration(i) * time.Second), Pipeline: pl, Kind: activity.Processed},
			[]activity.Key{{Name: "order", Value: fmt.Sprint("o", i)}, {Name: "sku", Value: "A"}})
	}
	require.NoError(t, st.Flush(context.Background()))
	evs, err := st.Recent(context.Background(), "orders", 5)
	require.NoError(t, err)
	require.Len(t, evs, 5)
	for i, ev := range evs {
		assert.Equal(t, "orders", ev.Pipeline)
		assert.Equal(t, fmt.Sprint("e", 38-2*i), ev.ID, "newest first, each event once though filed under two keys")
	}
}

// Every read has its own consumer on the server; it is deleted when the
// read ends, so a console polling the store leaves none behind.
func TestStore_reads_leave_no_consumer_behind(t *testing.T) {
	st, conn := newStoreConn(t)
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	st.Record(activity.Event{ID: "e1", At: at, Pipeline: "orders", Kind: activity.Processed}, []activity.Key{{Name: "order", Value: "113-1"}})
	require.NoError(t, st.Flush(context.Background()))
	for range 20 {
		evs, err := st.ForKey(context.Background(), "113-1")
		require.NoError(t, err)
		require.Len(t, evs, 1)
	}
	js, err := jetstream.New(conn.NC)
	require.NoError(t, err)
	stream, err := js.Stream(context.Background(), transport.Names{Project: "t"}.ActivityStream())
	require.NoError(t, err)
	info, err := stream.Info(context.Background())
	require.NoError(t, err)
	assert.Zero(t, info.State.Consumers, "consumers left by 20 reads")
}
