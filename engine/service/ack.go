package service

import (
	"strconv"
	"sync"
	"time"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"

	"github.com/pipewright/pipewright/engine/internal/transport"
)

// The engine acknowledges a processed message itself, synchronously: it
// sends the JetStream acknowledgement as a request on the engine's own
// connection and waits for the consumer leader's confirmation, trying
// again while it times out (a NATS node failing over), for at most half
// of AckWait. The Watermill subscriber cannot do that: its synchronous
// ack goes out on the subscriber's connection, which the router drains
// while handlers still run, so a clean stop would lose the last
// acknowledgements, and it never retries. Once the ack is confirmed the
// stream message's reply subject is cleared, which makes the
// subscriber's own ack a no-op; when it is not, the subscriber sends a
// plain ack as well. An ack that is lost all the same means the message
// comes again after AckWait: the sinks that are not idempotent by a
// business key drop it by message id (component.Repeats).

// ackConfirmWait bounds one acknowledgement request.
const ackConfirmWait = 5 * time.Second

// deliveries holds the JetStream message behind each Watermill message
// being handled, from decoding until it is settled.
type deliveries struct{ m sync.Map } // *message.Message -> *nats.Msg

// deliveryUnmarshaler decodes like the NATS marshaler, records the
// delivery count and stream sequence from the JetStream metadata, and
// keeps the JetStream message for the synchronous ack.
type deliveryUnmarshaler struct {
	wmnats.NATSMarshaler
	inFlight *deliveries
}

func (u deliveryUnmarshaler) Unmarshal(m *nats.Msg) (*message.Message, error) {
	wm, err := u.NATSMarshaler.Unmarshal(m)
	if err != nil {
		return nil, err
	}
	if md, err := m.Metadata(); err == nil {
		wm.Metadata.Set(metaDelivered, strconv.FormatUint(md.NumDelivered, 10))
		wm.Metadata.Set(transport.MetaStreamSeq, strconv.FormatUint(md.Sequence.Stream, 10))
	}
	if u.inFlight != nil && m.Reply != "" {
		u.inFlight.m.Store(wm, m)
	}
	return wm, nil
}

// ackSync acknowledges wm's stream message on the engine's connection and
// waits for the confirmation (see above); it forgets wm either way.
func (e *Engine) ackSync(pipeline string, wm *message.Message) {
	v, ok := e.inFlight.m.LoadAndDelete(wm)
	if !ok {
		return
	}
	m := v.(*nats.Msg)
	deadline := time.Now().Add(e.limits().AckWait / 2)
	for {
		_, err := e.conn.NC.Request(m.Reply, []byte("+ACK"), ackConfirmWait)
		if err == nil {
			m.Reply = "" // the subscriber's ack is a no-op now
			return
		}
		if time.Now().Add(ackConfirmWait).After(deadline) || e.conn.NC.IsClosed() {
			e.metrics.ackUnconfirmed.WithLabelValues(pipeline).Inc()
			e.log.Warn("acknowledgement not confirmed; the message may come again (sinks drop a repeat by id)",
				"pipeline", pipeline, "id", wm.UUID, "error", err)
			return
		}
	}
}

// forget drops wm's stream message once wm is settled (a negative
// acknowledgement is the subscriber's to send).
func (e *Engine) forget(wm *message.Message) { e.inFlight.m.Delete(wm) }
