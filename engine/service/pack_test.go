package service_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
	"github.com/pipewright/pipewright/engine/service"
)

// packPipeline delivers a test.lines batch to the target, one pack per
// batch (pack.records 100 > the lines).
const packPipeline = `
-- pipewright.yaml --
project: t
transport: { url: "${env:NATS_URL}", pack: { records: 100 } }
connections:
  erp: { type: target }
defaults:
  errors:
    retry: { initial: 20ms, max: 200ms }
    unclassified_attempts: 3
-- tables/skus.csv --
sku,item
A,ITEM-A
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: in.jsonl } }
steps:
  - name: item
    map:
      output:
        id: msg.id
        item: tables.skus[msg.sku]
sink: { %s: { connection: erp } }
`

// packConsumer reads the pipeline consumer's state: what it delivered and
// what was acknowledged, in stream messages.
func packConsumer(t *testing.T, srv *natstest.Cluster) *nats.ConsumerInfo {
	js, err := srv.Connect().JetStream()
	require.NoError(t, err)
	names := transport.Names{Project: "t"}
	info, err := js.ConsumerInfo(names.Stream("orders"), names.Durable("orders"))
	require.NoError(t, err)
	return info
}

func fiveOrders(t *testing.T, dir string, skus ...string) {
	writeInput(t, dir, "in.jsonl", len(skus), func(i int) string { return fmt.Sprintf(`{"id":"o%d","sku":%q}`, i+1, skus[i]) })
}

func TestPack_dead_letters_its_failing_record_alone_and_delivers_the_others(t *testing.T) {
	srv := natstest.StartServer(t)
	dir := writeDir(t, fmt.Sprintf(packPipeline, "target"))
	fiveOrders(t, dir, "A", "A", "B", "A", "A")
	tg := newTarget()
	e := startEngine(t, dir, t.TempDir(), tg, map[string]string{"NATS_URL": srv.URL()})
	var recs []*service.DeadLetter
	componenttest.WaitFor(t, "four delivered, one dead-lettered, the pack acknowledged", func() bool {
		recs, _ = e.Admin().List(context.Background(), service.DeadLetterFilter{})
		d, _ := tg.count()
		return len(recs) == 1 && d == 4 && packConsumer(t, srv).AckFloor.Stream == 1
	})
	info := packConsumer(t, srv)
	assert.Equal(t, uint64(1), info.Delivered.Stream, "the five records came in one stream message")
	assert.Equal(t, uint64(1), info.Delivered.Consumer, "delivered once")
	assert.Zero(t, info.NumAckPending)
	r := recs[0]
	assert.Equal(t, "in.jsonl:3", r.ID, "the record's own id")
	assert.Equal(t, "in.jsonl:3", r.CorrelationID)
	assert.Equal(t, "3", r.Metadata["line"], "its own metadata")
	assert.NotContains(t, r.Metadata, transport.MetaPack)
	assert.Equal(t, "item", r.Step)
	assert.Equal(t, "permanent", r.Class)
	assert.Contains(t, r.Error, `table "skus" has no key "B"`)
	assert.JSONEq(t, `{"id":"o3","sku":"B"}`, string(r.Original))
	_, total := tg.count()
	assert.Equal(t, 4, total)
	assert.Equal(t, 5.0, counter(t, e, "pipewright_messages_in_total"), "records are counted, not packs")

	// The record replays on its own from the dead-letter stream.
	tg.setItem("B", "ITEM-B")
	stopEngine(t, e)
	writeFile(t, dir, "tables/skus.csv", "sku,item\nA,ITEM-A\nB,ITEM-B\n")
	e = startEngine(t, dir, t.TempDir(), tg, map[string]string{"NATS_URL": srv.URL()})
	id, err := e.Admin().Replay(context.Background(), r.Seq, service.ReplayRequest{})
	require.NoError(t, err)
	o, err := e.Admin().WaitOutcome(context.Background(), id, componenttest.WaitLimit)
	require.NoError(t, err)
	assert.Equal(t, "ok", o.Status)
	d, total := tg.count()
	assert.Equal(t, 5, d)
	assert.Equal(t, 5, total)
}

func TestPack_retried_record_comes_again_without_the_records_that_were_done(t *testing.T) {
	for _, sink := range []string{"target", "target.once"} { // with a business key; keyless (de-duplicated)
		t.Run(sink, func(t *testing.T) {
			srv := natstest.StartServer(t)
			dir := writeDir(t, fmt.Sprintf(packPipeline, sink))
			fiveOrders(t, dir, "A", "A", "A", "A", "A")
			tg := newTarget()
			tg.failID = map[string][]error{"o3": {component.Retryable(errors.New("503")), component.Retryable(errors.New("503"))}}
			e := startEngine(t, dir, t.TempDir(), tg, map[string]string{"NATS_URL": srv.URL()})
			componenttest.WaitFor(t, "every record delivered and the pack acknowledged", func() bool {
				d, _ := tg.count()
				return d == 5 && packConsumer(t, srv).AckFloor.Stream == 1
			})
			assert.Equal(t, map[string]int{"o1": 1, "o2": 1, "o3": 1, "o4": 1, "o5": 1}, tg.written(), "each written once")
			assert.Equal(t, 2.0, counter(t, e, "pipewright_messages_retried_total"), "o3 alone was retried, twice")
			assert.Equal(t, uint64(3), packConsumer(t, srv).Delivered.Consumer, "the pack came three times")
			if sink == "target.once" {
				assert.Zero(t, counter(t, e, "pipewright_sink_duplicates_dropped_total"), "a retry's progress is no repeat")
			}
		})
	}
}

func TestPack_counts_the_attempts_of_each_failing_record_on_its_own(t *testing.T) {
	srv := natstest.StartServer(t)
	dir := writeDir(t, fmt.Sprintf(packPipeline, "target"))
	fiveOrders(t, dir, "A", "A", "A", "A", "A")
	tg := newTarget()
	odd := func() []error {
		return []error{errors.New("odd 1"), errors.New("odd 2"), errors.New("odd 3"), errors.New("odd 4")}
	}
	tg.failID = map[string][]error{"o2": odd(), "o4": odd()}
	e := startEngine(t, dir, t.TempDir(), tg, map[string]string{"NATS_URL": srv.URL()})
	var recs []*service.DeadLetter
	componenttest.WaitFor(t, "o2 and o4 dead-lettered, the others delivered", func() bool {
		recs, _ = e.Admin().List(context.Background(), service.DeadLetterFilter{})
		d, _ := tg.count()
		return len(recs) == 2 && d == 3 && packConsumer(t, srv).AckFloor.Stream == 1
	})
	for _, r := range recs {
		assert.Equal(t, "exhausted", r.Class, r.ID)
		assert.Equal(t, 3, r.Attempts, "%s: its own three attempts", r.ID)
	}
	assert.ElementsMatch(t, []string{"in.jsonl:2", "in.jsonl:4"}, []string{recs[0].ID, recs[1].ID})
}

// publishPack stores the records of ids (as the engine's source would
// publish them) in one stream message under natsID.
func publishPack(t *testing.T, srv *natstest.Cluster, natsID string, ids ...string) bool {
	js, err := jetstream.New(srv.Connect())
	require.NoError(t, err)
	records := make([]*message.Message, len(ids))
	for i, id := range ids {
		m := component.NewMessage("in.jsonl:"+id[1:], map[string]any{"id": id, "sku": "A"})
		m.SetMeta(component.MetaPipeline, "orders")
		wm, err := transport.ToWire(m)
		require.NoError(t, err)
		records[i] = wm
	}
	nm := nats.NewMsg(transport.Names{Project: "t"}.Subject("orders"))
	nm.Header.Set(wmnats.WatermillUUIDHdr, natsID)
	nm.Header.Set(nats.MsgIdHdr, natsID)
	nm.Header.Set(transport.MetaPack, fmt.Sprint(len(ids)))
	nm.Data = transport.EncodePack(records)
	ack, err := js.PublishMsg(context.Background(), nm)
	require.NoError(t, err)
	return ack.Duplicate
}

func TestPack_a_redelivered_or_republished_pack_is_not_written_again_at_a_keyless_sink(t *testing.T) {
	srv := natstest.StartServer(t)
	dir := writeDir(t, fmt.Sprintf(packPipeline, "target.once"))
	tg := newTarget()
	e := startEngine(t, dir, t.TempDir(), tg, map[string]string{"NATS_URL": srv.URL()})
	packID := transport.PackID([]string{"in.jsonl:1", "in.jsonl:2", "in.jsonl:3"})
	require.False(t, publishPack(t, srv, packID, "o1", "o2", "o3"))
	componenttest.WaitFor(t, "the pack written", func() bool { d, _ := tg.count(); return d == 3 })

	// The source publishes the same records again after a crash: the stream
	// stores them once.
	assert.True(t, publishPack(t, srv, packID, "o1", "o2", "o3"), "a duplicate within the window")
	// The pack comes again as it does when its acknowledgement was lost (or
	// the republish came after the duplicate window), and a republish with
	// one more record: only o4 is new.
	require.False(t, publishPack(t, srv, "redelivery-of-"+packID, "o1", "o2", "o3"))
	require.False(t, publishPack(t, srv, transport.PackID([]string{"in.jsonl:1", "in.jsonl:2", "in.jsonl:3", "in.jsonl:4"}), "o1", "o2", "o3", "o4"))
	componenttest.WaitFor(t, "every pack settled", func() bool {
		d, _ := tg.count()
		return d == 4 && packConsumer(t, srv).AckFloor.Stream == 3
	})
	stopEngine(t, e)
	tg.mu.Lock()
	defer tg.mu.Unlock()
	assert.Equal(t, map[string]int{"o1": 1, "o2": 1, "o3": 1, "o4": 1}, tg.got, "no record written twice")
}
