package service

import (
	"context"
	"fmt"
	"time"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// sourcePublisher publishes a source's messages into its pipeline stream,
// stamping the pipeline, correlation id and receipt time. A batch is sent
// asynchronously (pipelined) in Watermill's NATS wire format with the message
// id as Nats-Msg-Id, and Publish returns only once JetStream acknowledged
// every message: durable, de-duplicated, and fast.
type sourcePublisher struct {
	e        *Engine
	pipeline string
	gate     *aheadGate // nil: no bound on how far the source runs ahead
}

var _ component.Publisher = (*sourcePublisher)(nil)

var marshaler = &wmnats.NATSMarshaler{}

func (s *sourcePublisher) Publish(ctx context.Context, msgs ...*component.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	subject := s.e.names.Subject(s.pipeline)
	now := s.e.clock.Now().UTC().Format(time.RFC3339Nano)
	futures := make([]jetstream.PubAckFuture, 0, len(msgs))
	for _, m := range msgs {
		nm, err := s.wire(subject, now, m)
		if err != nil {
			return err
		}
		f, err := s.e.js.PublishMsgAsync(nm)
		if err != nil {
			return component.Retryable(fmt.Errorf("publishing to pipeline %s: %w", s.pipeline, err))
		}
		futures = append(futures, f)
	}
	duplicates := 0
	for _, f := range futures {
		select {
		case ack := <-f.Ok():
			if ack.Duplicate {
				duplicates++
			}
		case err := <-f.Err():
			return component.Retryable(fmt.Errorf("publishing to pipeline %s: %w", s.pipeline, err))
		case <-ctx.Done():
			return component.Retryable(ctx.Err())
		}
	}
	if s.gate != nil {
		s.gate.published(len(msgs) - duplicates)
	}
	s.e.metrics.in.WithLabelValues(s.pipeline).Add(float64(len(msgs) - duplicates))
	s.e.metrics.duplicates.WithLabelValues(s.pipeline).Add(float64(duplicates))
	return nil
}

func (s *sourcePublisher) wire(subject, now string, m *component.Message) (*nats.Msg, error) {
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
	wm, err := transport.ToWire(m)
	if err != nil {
		return nil, err
	}
	nm, err := marshaler.Marshal(subject, wm)
	if err != nil {
		return nil, err
	}
	nm.Header.Set(jetstream.MsgIDHeader, m.ID)
	return nm, nil
}
