package transport_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// flakyKV is a bucket during a leader election: its first calls of each
// kind fail or never finish; later ones answer from keys.
type flakyKV struct {
	jetstream.KeyValue // calls the test does not expect panic
	mu                 sync.Mutex
	fail               int   // calls left that fail with err
	err                error // what they fail with
	calls              int
	// stalls: listings left that send one key and then never finish,
	// like a watcher whose consumer was lost.
	stalls int
	keys   []string
	vals   map[string][]byte
}

func (kv *flakyKV) attempt() error {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	kv.calls++
	if kv.fail > 0 {
		kv.fail--
		return kv.err
	}
	return nil
}

func (kv *flakyKV) Get(_ context.Context, key string) (jetstream.KeyValueEntry, error) {
	if err := kv.attempt(); err != nil {
		return nil, err
	}
	v, ok := kv.vals[key]
	if !ok {
		return nil, jetstream.ErrKeyNotFound
	}
	return entry{key: key, value: v}, nil
}

func (kv *flakyKV) Put(_ context.Context, key string, value []byte) (uint64, error) {
	if err := kv.attempt(); err != nil {
		return 0, err
	}
	kv.vals[key] = value
	return uint64(len(kv.vals)), nil
}

func (kv *flakyKV) ListKeysFiltered(ctx context.Context, _ ...string) (jetstream.KeyLister, error) {
	if err := kv.attempt(); err != nil {
		return nil, err
	}
	kv.mu.Lock()
	stall := kv.stalls > 0
	kv.stalls--
	kv.mu.Unlock()
	ch := make(chan string, len(kv.keys))
	if stall {
		ch <- kv.keys[0]
		go func() { <-ctx.Done(); close(ch) }() // as nats.go's lister ends on ctx
		return lister(ch), nil
	}
	for _, k := range kv.keys {
		ch <- k
	}
	close(ch)
	return lister(ch), nil
}

type lister chan string

func (l lister) Keys() <-chan string { return l }
func (l lister) Stop() error         { return nil }

type entry struct {
	jetstream.KeyValueEntry
	key   string
	value []byte
}

func (e entry) Key() string      { return e.key }
func (e entry) Value() []byte    { return e.value }
func (e entry) Revision() uint64 { return 1 }

func TestState_retries_calls_a_leader_election_left_unanswered(t *testing.T) {
	transport.ShortenStateRetries(t, 50*time.Millisecond, time.Hour)
	ctx := context.Background()
	for _, err := range []error{context.DeadlineExceeded, nats.ErrTimeout, nats.ErrNoResponders,
		&jetstream.APIError{Code: 503, ErrorCode: 10008, Description: "JetStream system temporarily unavailable"}} {
		t.Run(err.Error(), func(t *testing.T) {
			kv := &flakyKV{fail: 3, err: err, vals: map[string][]byte{}}
			st := transport.NewState(kv, "inventory/sink")
			require.NoError(t, st.Put(ctx, "buf/1", []byte("a")))
			kv.fail = 3
			v, err := st.Get(ctx, "buf/1")
			require.NoError(t, err)
			assert.Equal(t, "a", string(v))
			assert.Equal(t, 8, kv.calls, "three failures and an answer, twice")
		})
	}
}

func TestState_lists_keys_again_when_a_listing_never_finishes(t *testing.T) {
	transport.ShortenStateRetries(t, 50*time.Millisecond, time.Hour)
	kv := &flakyKV{stalls: 2, keys: []string{"inventory.sink.buf/1", "inventory.sink.buf/2", "inventory.sink.feed/1"}}
	keys, err := transport.NewState(kv, "inventory/sink").Keys(context.Background(), "buf/")
	require.NoError(t, err)
	assert.Equal(t, []string{"buf/1", "buf/2"}, keys, "the complete listing, without the stalled ones' keys")
}

func TestState_returns_an_error_it_cannot_retry_at_once(t *testing.T) {
	transport.ShortenStateRetries(t, time.Hour, time.Hour)
	kv := &flakyKV{fail: 1, err: errors.New("permissions violation"), vals: map[string][]byte{}}
	err := transport.NewState(kv, "inventory/sink").Put(context.Background(), "buf/1", []byte("a"))
	require.ErrorContains(t, err, "permissions violation")
	assert.Equal(t, 1, kv.calls)
}

func TestState_gives_a_listing_cut_short_by_its_caller_as_an_error(t *testing.T) {
	transport.ShortenStateRetries(t, time.Hour, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	kv := &flakyKV{stalls: 1, keys: []string{"inventory.sink.buf/1", "inventory.sink.buf/2"}}
	done := make(chan error, 1)
	go func() {
		_, err := transport.NewState(kv, "inventory/sink").Keys(ctx, "buf/")
		done <- err
	}()
	cancel()
	require.ErrorIs(t, componenttest.Recv(t, "the listing to return", done), context.Canceled)
}
