package service_test

import (
	"context"
	"fmt"
	"testing"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
	"github.com/pipewright/pipewright/engine/service"
)

// A pack's records are processed by a few workers, the handler's
// goroutine among them: each record keeps its own timeout, failure and
// dead letter whichever worker takes it.

// lookupPackPipeline looks every order's item up in the target (one
// pack per batch), each record within errors.timeout.
const lookupPackPipeline = `
-- pipewright.yaml --
project: t
transport: { url: "${env:NATS_URL}", pack: { records: 100 } }
connections:
  erp: { type: target }
defaults:
  errors:
    timeout: 500ms
    retry: { initial: 20ms, max: 200ms }
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: in.jsonl } }
steps:
  - name: item
    lookup: { connection: erp, query: item, params: { sku: msg.sku }, as: item }
  - map:
      output:
        id: msg.id
        item: item.item
sink: { target: { connection: erp } }
`

func TestPack_a_record_that_runs_out_of_time_is_retried_alone(t *testing.T) {
	for _, first := range []string{"B", "A"} { // the first record (the handler's own) or a later one hangs
		t.Run("first "+first, func(t *testing.T) {
			srv := natstest.StartServer(t)
			dir := writeDir(t, lookupPackPipeline)
			skus := []string{first, "A", "A", "B", "A", "A"}
			if first == "B" {
				skus[3] = "A"
			}
			writeInput(t, dir, "in.jsonl", len(skus), func(i int) string { return fmt.Sprintf(`{"id":"o%d","sku":%q}`, i+1, skus[i]) })
			tg := newTarget()
			tg.items["A"], tg.items["B"] = "ITEM-A", "ITEM-B"
			tg.hang = map[string]int{"B": 1}
			e := startEngine(t, dir, t.TempDir(), tg, map[string]string{"NATS_URL": srv.URL()})
			componenttest.WaitFor(t, "every record delivered and the pack acknowledged", func() bool {
				d, _ := tg.count()
				return d == len(skus) && packConsumer(t, srv).AckFloor.Stream == 1
			})
			tg.mu.Lock()
			hung := tg.hung
			tg.mu.Unlock()
			require.Len(t, hung, 1)
			assert.ErrorIs(t, hung[0], context.DeadlineExceeded, "the record's own timeout ended its lookup")
			for id, n := range tg.written() {
				assert.Equal(t, 1, n, "%s written once", id)
			}
			assert.Equal(t, 1.0, counter(t, e, "pipewright_messages_retried_total"), "the record that ran out of time alone was retried")
			assert.Equal(t, uint64(2), packConsumer(t, srv).Delivered.Consumer, "the pack came twice")
		})
	}
}

func TestPack_a_record_that_cannot_be_decoded_is_dead_lettered_alone_with_its_receipt(t *testing.T) {
	srv := natstest.StartServer(t)
	dir := writeDir(t, fmt.Sprintf(packPipeline, "target"))
	tg := newTarget()
	e := startEngine(t, dir, t.TempDir(), tg, map[string]string{"NATS_URL": srv.URL()})
	records := make([]*message.Message, 3)
	for i := range records {
		m := component.NewMessage(fmt.Sprintf("in.jsonl:%d", i+1), map[string]any{"id": fmt.Sprintf("o%d", i+1), "sku": "A"})
		m.SetMeta(component.MetaPipeline, "orders")
		wm, err := transport.ToWire(m)
		require.NoError(t, err)
		records[i] = wm
	}
	records[1].Payload = []byte(`{"id":"o2",`)
	nm := nats.NewMsg(transport.Names{Project: "t"}.Subject("orders"))
	nm.Header.Set(wmnats.WatermillUUIDHdr, "pack-1")
	nm.Header.Set(transport.MetaPack, "3")
	nm.Data = transport.EncodePack(records)
	js, err := srv.Connect().JetStream()
	require.NoError(t, err)
	_, err = js.PublishMsg(nm)
	require.NoError(t, err)

	var recs []*service.DeadLetter
	componenttest.WaitFor(t, "two delivered, one dead-lettered, the pack acknowledged", func() bool {
		recs, _ = e.Admin().List(context.Background(), service.DeadLetterFilter{})
		d, _ := tg.count()
		return len(recs) == 1 && d == 2 && packConsumer(t, srv).AckFloor.Stream == 1
	})
	r := recs[0]
	assert.Equal(t, "in.jsonl:2", r.ID)
	assert.Equal(t, "decode", r.Step)
	assert.Equal(t, "permanent", r.Class)
	assert.Equal(t, "1", r.Metadata[transport.MetaPackIndex], "its index in the pack")
	assert.Equal(t, "1", r.Metadata[transport.MetaStreamSeq], "the pack's stream sequence")
	assert.Equal(t, "1", r.Metadata[transport.MetaDelivered])
	assert.Equal(t, map[string]int{"o1": 1, "o3": 1}, tg.written())
}
