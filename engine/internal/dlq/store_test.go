package dlq_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// newStore starts an embedded NATS server and returns a store over a fresh
// dead-letter stream, and the JetStream context.
func newStore(t *testing.T) (*dlq.Store, jetstream.JetStream) {
	t.Helper()
	conn, err := transport.Connect(context.Background(), transport.Config{StoreDir: t.TempDir(), Name: "dlq-test"})
	require.NoError(t, err)
	t.Cleanup(conn.Close)
	js, err := jetstream.New(conn.NC)
	require.NoError(t, err)
	names := transport.Names{Project: "t"}
	st, err := transport.EnsureDLQ(context.Background(), js, names, transport.Limits{})
	require.NoError(t, err)
	return dlq.NewStore(js, st, names.DLQRoot()), js
}

func add(t *testing.T, s *dlq.Store, r *dlq.Record) uint64 {
	t.Helper()
	seq, err := s.Add(context.Background(), r)
	require.NoError(t, err)
	return seq
}

func TestList_counts_only_the_filtered_pipeline(t *testing.T) {
	store, js := newStore(t)
	ctx := context.Background()
	for i, pl := range []string{"orders", "stock", "orders"} {
		add(t, store, &dlq.Record{ID: fmt.Sprintf("m%d", i), Pipeline: pl, Step: "map-1", Error: "boom"})
	}

	recs, err := store.List(ctx, dlq.Filter{Pipeline: "settlements"})
	require.NoError(t, err)
	assert.Empty(t, recs)
	stream, err := js.Stream(ctx, transport.Names{Project: "t"}.DLQStream())
	require.NoError(t, err)
	info, err := stream.Info(ctx)
	require.NoError(t, err)
	assert.Zero(t, info.State.Consumers, "a pipeline without dead letters is answered from the stream's counts, without a consumer waiting out a fetch")

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

func TestStore_record_keeps_its_id_through_updates(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	seq := add(t, store, &dlq.Record{ID: "m1", Pipeline: "orders", Step: "rules", Key: "113-1", Error: `unknown SKU AB-1 in order 113-1`})
	r, err := store.Get(ctx, seq)
	require.NoError(t, err)
	assert.Equal(t, seq, r.Seq)
	assert.Equal(t, dlq.StatusOpen, r.Status)
	assert.Equal(t, "unknown SKU {} in order {}", r.Reason)
	assert.Equal(t, dlq.GroupID("orders", r.Reason), r.Group)

	_, err = store.Update(ctx, seq, func(r *dlq.Record) error {
		r.Status = dlq.StatusResolved
		r.Resolution = &dlq.Resolution{How: dlq.ResolvedOperator, Note: "fixed by hand"}
		return nil
	})
	require.NoError(t, err)
	r, err = store.Get(ctx, seq)
	require.NoError(t, err)
	assert.Equal(t, seq, r.Seq, "the id does not change")
	assert.Equal(t, "fixed by hand", r.Resolution.Note)

	depth, err := store.Depth(ctx)
	require.NoError(t, err)
	assert.Empty(t, depth, "a resolved record is not counted")
	open, err := store.List(ctx, dlq.Filter{Status: dlq.StatusOpen})
	require.NoError(t, err)
	assert.Empty(t, open)

	require.NoError(t, store.Delete(ctx, seq))
	_, err = store.Get(ctx, seq)
	assert.ErrorIs(t, err, dlq.ErrNotFound)
	assert.ErrorIs(t, store.Delete(ctx, seq), dlq.ErrNotFound, "a second drop says the record is gone")
}

func TestStore_add_is_idempotent_for_the_same_failure(t *testing.T) {
	store, _ := newStore(t)
	a := add(t, store, &dlq.Record{ID: "m1", Pipeline: "orders", Step: "rules", Error: "boom", Attempts: 1})
	b := add(t, store, &dlq.Record{ID: "m1", Pipeline: "orders", Step: "rules", Error: "boom", Attempts: 2})
	assert.Equal(t, a, b, "a redelivery after a crash finds the record it stored")
	recs, err := store.List(context.Background(), dlq.Filter{})
	require.NoError(t, err)
	assert.Len(t, recs, 1)
}

func TestStore_concurrent_updates_all_count(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	seq := add(t, store, &dlq.Record{ID: "m1", Pipeline: "orders", Step: "rules", Error: "boom"})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := store.Update(ctx, seq, func(r *dlq.Record) error { r.Attempts++; return nil })
			assert.NoError(t, err)
		}()
	}
	componenttest.Wait(t, "the updates", &wg)
	r, err := store.Get(ctx, seq)
	require.NoError(t, err)
	assert.Equal(t, 8, r.Attempts, "compare-and-set loses no update")
}

func TestStore_open_for_key_finds_only_that_key(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	a := add(t, store, &dlq.Record{ID: "a", Pipeline: "orders", Step: "rules", Key: "113-1", Error: "boom"})
	add(t, store, &dlq.Record{ID: "b", Pipeline: "orders", Step: "rules", Key: "113-2", Error: "boom"})
	add(t, store, &dlq.Record{ID: "c", Pipeline: "stock", Step: "rules", Key: "113-1", Error: "boom"})
	recs, err := store.OpenForKey(ctx, "orders", "113-1")
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, a, recs[0].Seq)
	recs, err = store.OpenForKey(ctx, "orders", "999")
	require.NoError(t, err)
	assert.Empty(t, recs)
}

func TestStore_moves_the_records_of_an_older_version(t *testing.T) {
	store, js := newStore(t)
	ctx := context.Background()
	_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "PW_T_DLQ", Subjects: []string{"pw.t.dlq.>"}})
	require.NoError(t, err)
	for i := range 3 {
		msg := nats.NewMsg("pw.t.dlq.orders")
		msg.Data = fmt.Appendf(nil, `{"id":"m%d","pipeline":"orders","step":"rules","error":"unknown SKU X-%d","input":{}}`, i, i)
		_, err := js.PublishMsg(ctx, msg)
		require.NoError(t, err)
	}
	n, err := store.MoveLegacy(ctx, "PW_T_DLQ")
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	recs, err := store.List(ctx, dlq.Filter{Status: dlq.StatusOpen})
	require.NoError(t, err)
	require.Len(t, recs, 3)
	assert.Equal(t, "unknown SKU {}", recs[0].Reason)
	_, err = js.Stream(ctx, "PW_T_DLQ")
	assert.ErrorIs(t, err, jetstream.ErrStreamNotFound)
	n, err = store.MoveLegacy(ctx, "PW_T_DLQ")
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestStore_add_finds_the_open_record_after_a_server_restart(t *testing.T) {
	dir := t.TempDir()
	names := transport.Names{Project: "t"}
	open := func() (*dlq.Store, func()) {
		conn, err := transport.Connect(context.Background(), transport.Config{StoreDir: dir, Name: "dlq-test"})
		require.NoError(t, err)
		js, err := jetstream.New(conn.NC)
		require.NoError(t, err)
		st, err := transport.EnsureDLQ(context.Background(), js, names, transport.Limits{})
		require.NoError(t, err)
		return dlq.NewStore(js, st, names.DLQRoot()), conn.Close
	}
	store, stop := open()
	a := add(t, store, &dlq.Record{ID: "m1", Pipeline: "orders", Step: "rules", Error: "boom"})
	stop()
	store, stop = open()
	defer stop()
	b := add(t, store, &dlq.Record{ID: "m1", Pipeline: "orders", Step: "rules", Error: "boom", Attempts: 2})
	assert.Equal(t, a, b, "the redelivered message's failure is the same record")

	_, err := store.Update(context.Background(), a, func(r *dlq.Record) error { r.Status = dlq.StatusResolved; return nil })
	require.NoError(t, err)
	c := add(t, store, &dlq.Record{ID: "m1", Pipeline: "orders", Step: "rules", Error: "boom"})
	assert.NotEqual(t, a, c, "once resolved, a new failure of the same message is a new record")
	require.NoError(t, store.Delete(context.Background(), a))
	d := add(t, store, &dlq.Record{ID: "m1", Pipeline: "orders", Step: "rules", Error: "boom"})
	assert.Equal(t, c, d, "removing the old record leaves the new one's marker")
}
