package service_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
)

func TestPack_a_pack_that_comes_again_writes_nothing_at_a_keyless_sink(t *testing.T) {
	srv := natstest.StartServer(t)
	dir := writeDir(t, fmt.Sprintf(packPipeline, "target.once"))
	data, env, tg := t.TempDir(), map[string]string{"NATS_URL": srv.URL()}, newTarget()
	e := startEngine(t, dir, data, tg, env)
	ids := []string{"in.jsonl:1", "in.jsonl:2", "in.jsonl:3"}
	require.False(t, publishPack(t, srv, transport.PackID(ids), "o1", "o2", "o3"))
	componenttest.WaitFor(t, "the pack written", func() bool {
		d, _ := tg.count()
		return d == 3 && packConsumer(t, srv).AckFloor.Stream == 1
	})

	// The same pack is stored again: a republish after the stream's
	// duplicate window (after a restart of the engine), and a copy as a
	// redelivery after a lost acknowledgement brings it, under another
	// stream message id.
	stopEngine(t, e)
	e = startEngine(t, dir, data, tg, env)
	require.False(t, publishPack(t, srv, "after-the-window-"+transport.PackID(ids), "o1", "o2", "o3"))
	require.False(t, publishPack(t, srv, "redelivery-of-"+transport.PackID(ids), "o1", "o2", "o3"))
	// The source read one more record since: the batch's last pack grew.
	require.False(t, publishPack(t, srv, transport.PackID(append(ids, "in.jsonl:4")), "o1", "o2", "o3", "o4"))
	componenttest.WaitFor(t, "every pack settled", func() bool {
		d, _ := tg.count()
		return d == 4 && packConsumer(t, srv).AckFloor.Stream == 4
	})
	assert.Equal(t, 9.0, counter(t, e, "pipewright_sink_duplicates_dropped_total"), "three copies of three records dropped")
	stopEngine(t, e)
	tg.mu.Lock()
	defer tg.mu.Unlock()
	assert.Equal(t, map[string]int{"o1": 1, "o2": 1, "o3": 1, "o4": 1}, tg.got, "no record written twice")
}

// bucketOps counts the reads and the writes of a key/value bucket, as
// requests on its subjects.
type bucketOps struct{ reads, writes atomic.Int64 }

func countBucketOps(t *testing.T, srv *natstest.Cluster, bucket string) *bucketOps {
	nc := srv.Connect()
	ops := &bucketOps{}
	for subject, n := range map[string]*atomic.Int64{
		"$JS.API.DIRECT.GET.KV_" + bucket + ".>": &ops.reads,
		"$JS.API.DIRECT.GET.KV_" + bucket:        &ops.reads,
		"$JS.API.STREAM.MSG.GET.KV_" + bucket:    &ops.reads,
		"$KV." + bucket + ".>":                   &ops.writes,
	} {
		_, err := nc.Subscribe(subject, func(*nats.Msg) { n.Add(1) })
		require.NoError(t, err)
	}
	require.NoError(t, nc.Flush())
	return ops
}

func TestPack_a_keyless_sink_reads_and_writes_the_seen_ids_once_per_pack(t *testing.T) {
	srv := natstest.StartServer(t)
	dir := writeDir(t, fmt.Sprintf(packPipeline, "target.once"))
	const records = 1000
	writeInput(t, dir, "in.jsonl", records, func(i int) string { return fmt.Sprintf(`{"id":"o%d","sku":"A"}`, i+1) })
	ops := countBucketOps(t, srv, transport.Names{Project: "t"}.SeenBucket())
	tg := newTarget()
	startEngine(t, dir, t.TempDir(), tg, map[string]string{"NATS_URL": srv.URL()})
	var packs uint64
	componenttest.WaitFor(t, "every record written and every pack acknowledged", func() bool {
		d, _ := tg.count()
		info := packConsumer(t, srv)
		packs = info.Delivered.Stream
		return d == records && info.AckFloor.Stream == packs && info.NumPending == 0
	})
	_, total := tg.count()
	assert.Equal(t, records, total, "each record written once")
	require.Less(t, packs, uint64(records/10), "the records came in packs")
	assert.LessOrEqual(t, ops.reads.Load(), int64(packs), "one read per pack")
	assert.LessOrEqual(t, ops.writes.Load(), int64(packs), "one write per pack")
	assert.Positive(t, ops.writes.Load(), "the packs' settlement is written")
}

// fanOutPipeline sends each order to a keyless sink (a) and to a sink
// with a business key (b).
const fanOutPipeline = `
-- pipewright.yaml --
project: t
transport: { url: "${env:NATS_URL}", pack: { records: 100 } }
connections:
  erp: { type: target }
defaults:
  errors:
    retry: { initial: 20ms, max: 200ms }
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: in.jsonl } }
steps:
  - name: both
    route: [{ to: [a, b] }]
sinks:
  a: { target.once: { connection: erp } }
  b: { target: { connection: erp } }
`

func TestPack_a_record_its_keyless_sink_completed_is_not_written_there_again_when_another_sink_retries_it(t *testing.T) {
	srv := natstest.StartServer(t)
	dir := writeDir(t, fanOutPipeline)
	fiveOrders(t, dir, "A", "A", "A", "A", "A")
	tg := newTarget()
	// o3's first write (sink a) succeeds, its next two (sink b) fail.
	tg.failID = map[string][]error{"o3": {nil, component.Retryable(fmt.Errorf("503")), component.Retryable(fmt.Errorf("503"))}}
	startEngine(t, dir, t.TempDir(), tg, map[string]string{"NATS_URL": srv.URL()})
	componenttest.WaitFor(t, "every record delivered to both sinks and the pack acknowledged", func() bool {
		_, total := tg.count()
		return total == 10 && packConsumer(t, srv).AckFloor.Stream == 1
	})
	assert.Equal(t, map[string]int{"o1": 2, "o2": 2, "o3": 2, "o4": 2, "o5": 2}, tg.written(), "each written once per sink")
	assert.Equal(t, uint64(3), packConsumer(t, srv).Delivered.Consumer, "the pack came three times")
}
