package service

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// sourcePublisher publishes a source's messages into its pipeline stream,
// stamping the pipeline, correlation id and receipt time. A batch is sent
// asynchronously (pipelined) in packs of consecutive records (see pack.go;
// a pack of one is Watermill's NATS wire format with the message id as
// Nats-Msg-Id), and Publish returns only once JetStream acknowledged every
// pack: durable, de-duplicated, and fast.
type sourcePublisher struct {
	e        *Engine
	pipeline string
	gate     *aheadGate // nil: no bound on how far the source runs ahead
}

var _ component.Publisher = (*sourcePublisher)(nil)

var marshaler = &wmnats.NATSMarshaler{}

// published is one stream message on its way: its acknowledgement and the
// records it carries.
type published struct {
	ack     jetstream.PubAckFuture
	records int
	bytes   int     // the stream message's payload
	buf     *[]byte // the pack's buffer (nil: none), reused once acknowledged
}

// packBuffers holds the buffers of acknowledged packs for the next ones: a
// pack is up to transport.pack.bytes (256 KiB by default), and without
// them every pack would be a new allocation the collector has to reclaim.
// A buffer is reused only after JetStream acknowledged its pack: until then
// the NATS client may send it again.
var packBuffers = sync.Pool{New: func() any { return new([]byte) }}

func (s *sourcePublisher) Publish(ctx context.Context, msgs ...*component.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	subject := s.e.names.Subject(s.pipeline)
	now := s.e.clock.Now().UTC().Format(time.RFC3339Nano)
	records := make([]*message.Message, len(msgs))
	for i, m := range msgs {
		wm, err := s.wire(now, m)
		if err != nil {
			return err
		}
		records[i] = wm
	}
	var sent []published
	for _, pack := range s.e.packSize().split(records) {
		nm, buf, err := packMsg(subject, pack)
		if err != nil {
			return err
		}
		f, err := s.e.js.PublishMsgAsync(nm)
		if err != nil {
			return component.Retryable(fmt.Errorf("publishing to pipeline %s: %w", s.pipeline, err))
		}
		sent = append(sent, published{ack: f, records: len(pack), bytes: len(nm.Data), buf: buf})
	}
	duplicates, packs, bytes := 0, 0, 0
	for _, p := range sent {
		select {
		case ack := <-p.ack.Ok():
			if p.buf != nil {
				packBuffers.Put(p.buf)
			}
			if ack.Duplicate {
				duplicates += p.records
			} else {
				packs++
				bytes += p.bytes
			}
		case err := <-p.ack.Err():
			return component.Retryable(fmt.Errorf("publishing to pipeline %s: %w", s.pipeline, err))
		case <-ctx.Done():
			return component.Retryable(ctx.Err())
		}
	}
	if s.gate != nil {
		s.gate.published(len(msgs)-duplicates, packs, bytes)
	}
	s.e.metrics.in.WithLabelValues(s.pipeline).Add(float64(len(msgs) - duplicates))
	s.e.metrics.duplicates.WithLabelValues(s.pipeline).Add(float64(duplicates))
	return nil
}

// wire stamps m and encodes it as one record.
func (s *sourcePublisher) wire(now string, m *component.Message) (*message.Message, error) {
	if m.ID == "" {
		return nil, component.Permanentf("message without an id")
	}
	m.SetMeta(component.MetaPipeline, s.pipeline)
	if m.Meta(component.MetaCorrelationID) == "" {
		m.SetMeta(component.MetaCorrelationID, m.ID)
	}
	if m.Meta(component.MetaReceivedAt) == "" {
		m.SetMeta(component.MetaReceivedAt, now)
	}
	return transport.ToWire(m)
}

// packMsg is the stream message of a pack: a single record as it is, with
// its id as Nats-Msg-Id; several as transport.EncodePack's payload, marked
// with transport.MetaPack, under the digest of their ids. The payload of
// several is written into buf, taken from packBuffers: the caller puts it
// back once JetStream acknowledged the pack (nil for a single record).
func packMsg(subject string, pack []*message.Message) (nm *nats.Msg, buf *[]byte, err error) {
	wm := pack[0]
	if len(pack) > 1 {
		ids := make([]string, len(pack))
		for i, r := range pack {
			ids[i] = r.UUID
		}
		buf = packBuffers.Get().(*[]byte)
		*buf = transport.AppendPack((*buf)[:0], pack)
		wm = message.NewMessage(transport.PackID(ids), *buf)
		wm.Metadata.Set(transport.MetaPack, strconv.Itoa(len(pack)))
	}
	if nm, err = marshaler.Marshal(subject, wm); err != nil {
		return nil, nil, err
	}
	nm.Header.Set(jetstream.MsgIDHeader, wm.UUID)
	return nm, buf, nil
}
