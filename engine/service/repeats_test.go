package service_test

import (
	"context"
	"testing"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
)

// onceSinkFactory is the sink type "target.once": the target's sink, not
// idempotent by a business key, so it drops repeats by message id
// (component.Repeats) like the file, feed and call sinks.
type onceSinkFactory struct{ targetSinkFactory }

func (onceSinkFactory) Type() component.Type { return "target.once" }

func (onceSinkFactory) CreateSink(_ context.Context, set component.SinkSettings, _ any) (component.Sink, error) {
	return &onceSink{targetSink: targetSink{t: set.Connection.(*targetConn).t}, repeats: component.NewRepeats(set)}, nil
}

type onceSink struct {
	targetSink
	repeats *component.Repeats
}

func (s *onceSink) Write(ctx context.Context, batch []*component.Message) error {
	return s.repeats.Write(ctx, batch, s.targetSink.Write)
}

func TestEngine_drops_a_message_its_sink_completed_when_it_comes_again_after_a_restart(t *testing.T) {
	srv := natstest.StartServer(t)
	dir := writeDir(t, `
-- pipewright.yaml --
project: once
transport: { url: "${env:NATS_URL}" }
connections:
  erp: { type: target }
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: in.jsonl } }
sink: { target.once: { connection: erp } }
`)
	writeInput(t, dir, "in.jsonl", 1, func(int) string { return `{"id":"o1"}` })
	env := map[string]string{"NATS_URL": srv.URL()}
	tg, data := newTarget(), t.TempDir()
	e := startEngine(t, dir, data, tg, env)
	componenttest.WaitFor(t, "o1 written", func() bool { d, _ := tg.count(); return d == 1 })
	stopEngine(t, e)
	e = startEngine(t, dir, data, tg, env)

	// The message comes again as it does when its acknowledgement was lost:
	// its id again, in a stream message of its own (the stream's duplicate
	// window would store a publish under the same Nats-Msg-Id once). Then
	// one with equal content and another id.
	js, err := jetstream.New(srv.Connect())
	require.NoError(t, err)
	publish := func(id, natsID string) {
		m := nats.NewMsg(transport.Names{Project: "once"}.Subject("orders"))
		m.Header.Set(wmnats.WatermillUUIDHdr, id)
		m.Header.Set(nats.MsgIdHdr, natsID)
		m.Data = []byte(`{"id":"o1"}`)
		_, err := js.PublishMsg(context.Background(), m)
		require.NoError(t, err)
	}
	publish("in.jsonl:1", "redelivery-of-in.jsonl:1")
	publish("o1-copy", "o1-copy")
	componenttest.WaitFor(t, "the repeat dropped and the copy written", func() bool {
		_, total := tg.count()
		return counter(t, e, "pipewright_sink_duplicates_dropped_total") == 1 && total == 2
	})
	stopEngine(t, e)
	_, total := tg.count()
	assert.Equal(t, 2, total, "o1 once, and its copy")
}
