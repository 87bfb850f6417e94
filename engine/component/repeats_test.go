package component_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// recorder is a sink's write: it keeps the IDs it wrote, and fails the
// messages whose body is "fail" (permanently) or the whole batch while
// down.
type recorder struct {
	wrote []string
	down  error
}

func (r *recorder) write(_ context.Context, batch []*component.Message) error {
	if r.down != nil {
		return r.down
	}
	errs := map[int]error{}
	for i, m := range batch {
		if m.Body == "fail" {
			errs[i] = component.Permanentf("bad")
			continue
		}
		r.wrote = append(r.wrote, m.ID)
	}
	if len(errs) > 0 {
		return &component.BatchError{Errors: errs}
	}
	return nil
}

func msgs(ids ...string) []*component.Message {
	out := make([]*component.Message, len(ids))
	for i, id := range ids {
		out[i] = component.NewMessage(id, "body")
	}
	return out
}

func sinkSettings(t *testing.T) component.SinkSettings {
	set := component.SinkSettings{Settings: componenttest.NewSettings(t, "p/sink/out")}
	set.Pipeline = "p"
	return set
}

func dropped(t *testing.T, set component.SinkSettings) float64 {
	t.Helper()
	families, err := set.Metrics.(prometheus.Gatherer).Gather()
	require.NoError(t, err)
	total := 0.0
	for _, f := range families {
		if f.GetName() != "pipewright_sink_duplicates_dropped_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			total += m.GetCounter().GetValue()
		}
	}
	return total
}

func TestRepeats_write_a_redelivered_message_once_and_count_the_repeat(t *testing.T) {
	set := sinkSettings(t)
	r := component.NewRepeats(set)
	rec := &recorder{}
	require.NoError(t, r.Write(context.Background(), msgs("a", "b"), rec.write))
	require.NoError(t, r.Write(context.Background(), msgs("b", "c", "a"), rec.write), "a redelivery of a and b, with c")
	assert.Equal(t, []string{"a", "b", "c"}, rec.wrote)
	assert.Equal(t, 2.0, dropped(t, set))
}

func TestRepeats_remember_ids_across_a_restart_in_the_same_state(t *testing.T) {
	set := sinkSettings(t)
	rec := &recorder{}
	require.NoError(t, component.NewRepeats(set).Write(context.Background(), msgs("a"), rec.write))
	restarted := component.NewRepeats(set) // a new sink instance on the same State
	require.NoError(t, restarted.Write(context.Background(), msgs("a", "b"), rec.write))
	assert.Equal(t, []string{"a", "b"}, rec.wrote)
}

func TestRepeats_write_a_different_message_with_equal_content(t *testing.T) {
	r := component.NewRepeats(sinkSettings(t))
	rec := &recorder{}
	same := func(id string) []*component.Message {
		return []*component.Message{component.NewMessage(id, map[string]any{"sku": "A", "qty": int64(1)})}
	}
	require.NoError(t, r.Write(context.Background(), same("count-1"), rec.write))
	require.NoError(t, r.Write(context.Background(), same("count-2"), rec.write))
	assert.Equal(t, []string{"count-1", "count-2"}, rec.wrote)
}

func TestRepeats_record_only_what_the_write_completed(t *testing.T) {
	r := component.NewRepeats(sinkSettings(t))
	rec := &recorder{}
	batch := msgs("a", "b")
	batch[1].Body = "fail"
	err := r.Write(context.Background(), batch, rec.write)
	require.Error(t, err)
	assert.NoError(t, component.ErrFor(err, 0))
	assert.True(t, component.IsPermanent(component.ErrFor(err, 1)))

	rec.down = component.Retryable(errors.New("down"))
	err = r.Write(context.Background(), msgs("c"), rec.write)
	assert.Same(t, rec.down, err, "a whole-batch error is returned as the sink said it")

	rec.down = nil
	require.NoError(t, r.Write(context.Background(), msgs("a", "b", "c"), rec.write), "b fixed and c retried")
	assert.Equal(t, []string{"a", "b", "c"}, rec.wrote)
}

func TestRepeats_an_id_twice_in_one_batch_shares_the_first_ones_outcome(t *testing.T) {
	for _, tc := range []struct {
		name    string
		body    string
		wrote   []string
		failed  bool
		dropped float64
	}{
		{name: "written once", body: "body", wrote: []string{"a"}, dropped: 1},
		{name: "failed twice", body: "fail", failed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := sinkSettings(t)
			rec := &recorder{}
			batch := msgs("a", "a")
			batch[0].Body = tc.body
			err := component.NewRepeats(set).Write(context.Background(), batch, rec.write)
			assert.Equal(t, tc.wrote, rec.wrote)
			assert.Equal(t, tc.failed, component.ErrFor(err, 0) != nil)
			assert.Equal(t, tc.failed, component.ErrFor(err, 1) != nil, "never acknowledged while its twin failed")
			assert.Equal(t, tc.dropped, dropped(t, set))
		})
	}
}

// brokenState fails every call, like a bucket that cannot be reached.
type brokenState struct{ component.State }

func (brokenState) Get(context.Context, string) ([]byte, error) {
	return nil, component.Retryable(errors.New("nats: timeout"))
}

func TestRepeats_a_message_whose_id_cannot_be_checked_fails_retryable(t *testing.T) {
	set := sinkSettings(t)
	set.Seen = component.NewStateSeenIDs(brokenState{})
	rec := &recorder{}
	batch := msgs("a", "")
	err := component.NewRepeats(set).Write(context.Background(), batch, rec.write)
	require.Error(t, err)
	assert.True(t, component.IsRetryable(component.ErrFor(err, 0)), "%v", err)
	assert.NoError(t, component.ErrFor(err, 1), "a message without an id is written without a check")
	assert.Equal(t, []string{""}, rec.wrote)
}

func TestRepeats_nil_drops_nothing(t *testing.T) {
	var r *component.Repeats
	rec := &recorder{}
	require.NoError(t, r.Write(context.Background(), msgs("a", "a"), rec.write))
	assert.Equal(t, []string{"a", "a"}, rec.wrote)
}

// skippingSeen is a SeenIDs whose owner drops repeats itself, as the
// engine does for the records of a pack it settled before.
type skippingSeen struct {
	component.SeenIDs
	dropped prometheus.Counter
}

func (s *skippingSeen) CountSkipsIn(dropped prometheus.Counter) { s.dropped = dropped }

func TestRepeats_hands_a_skipping_seen_ids_the_sinks_counter_of_repeats(t *testing.T) {
	set := sinkSettings(t)
	seen := &skippingSeen{SeenIDs: component.NewStateSeenIDs(set.State)}
	set.Seen = seen
	r := component.NewRepeats(set)
	require.NotNil(t, seen.dropped, "told the sink drops repeats")
	seen.dropped.Add(3) // three records of a settled pack skipped
	rec := &recorder{}
	require.NoError(t, r.Write(context.Background(), msgs("a"), rec.write))
	require.NoError(t, r.Write(context.Background(), msgs("a"), rec.write))
	assert.Equal(t, []string{"a"}, rec.wrote)
	assert.Equal(t, 4.0, dropped(t, set), "the skipped records and the sink's own repeat, in one counter")
}

// memorySeen answers the ids starting with "mem-" from memory, as the
// engine does for the records of a pack in flight, and counts the calls
// that reach the bucket.
type memorySeen struct {
	component.SeenIDs
	mu              sync.Mutex
	inMemory        map[string]bool
	asked, recorded []string
}

func (s *memorySeen) SeenInMemory(id string) (seen, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inMemory[id], strings.HasPrefix(id, "mem-")
}

func (s *memorySeen) RecordInMemory(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !strings.HasPrefix(id, "mem-") {
		return false
	}
	s.inMemory[id] = true
	return true
}

func (s *memorySeen) Seen(ctx context.Context, id string) (bool, error) {
	s.mu.Lock()
	s.asked = append(s.asked, id)
	s.mu.Unlock()
	return s.SeenIDs.Seen(ctx, id)
}

func (s *memorySeen) Record(ctx context.Context, id string) error {
	s.mu.Lock()
	s.recorded = append(s.recorded, id)
	s.mu.Unlock()
	return s.SeenIDs.Record(ctx, id)
}

func TestRepeats_ask_the_bucket_only_for_ids_memory_cannot_answer(t *testing.T) {
	set := sinkSettings(t)
	seen := &memorySeen{SeenIDs: component.NewStateSeenIDs(set.State), inMemory: map[string]bool{}}
	set.Seen = seen
	r := component.NewRepeats(set)
	rec := &recorder{}
	ctx := context.Background()
	require.NoError(t, r.Write(ctx, msgs("mem-1", "kv-1", "mem-2"), rec.write))
	require.NoError(t, r.Write(ctx, msgs("mem-1", "kv-1", "mem-3"), rec.write), "the repeats are dropped, done")
	assert.Equal(t, []string{"mem-1", "kv-1", "mem-2", "mem-3"}, rec.wrote)
	assert.Equal(t, []string{"kv-1", "kv-1"}, seen.asked, "only the id memory cannot answer reaches the bucket")
	assert.Equal(t, []string{"kv-1"}, seen.recorded)
	assert.Equal(t, map[string]bool{"mem-1": true, "mem-2": true, "mem-3": true}, seen.inMemory)
	assert.Equal(t, 2.0, dropped(t, set))
}
