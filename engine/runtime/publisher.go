package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// sourcePublisher publishes a source's messages into its pipeline stream,
// stamping the pipeline, correlation id and receipt time. Publish returns
// once JetStream stored every message (de-duplicated by message id).
type sourcePublisher struct {
	p *pipelineRunner
}

var _ component.Publisher = (*sourcePublisher)(nil)

func (s *sourcePublisher) Publish(ctx context.Context, msgs ...*component.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	now := s.p.e.clock.Now().UTC().Format(time.RFC3339Nano)
	wms := make([]*message.Message, 0, len(msgs))
	for _, m := range msgs {
		if m.ID == "" {
			return component.Permanentf("message without an id")
		}
		m.SetMeta(component.MetaPipeline, s.p.pl.Name)
		if m.Meta(component.MetaCorrelationID) == "" {
			m.SetMeta(component.MetaCorrelationID, m.ID)
		}
		if m.Meta(component.MetaReceivedAt) == "" {
			m.SetMeta(component.MetaReceivedAt, now)
		}
		wm, err := transport.ToWire(m)
		if err != nil {
			return err
		}
		wm.SetContext(ctx)
		wms = append(wms, wm)
	}
	if err := s.p.publisher.Publish(s.p.e.names.Subject(s.p.pl.Name), wms...); err != nil {
		return component.Retryable(fmt.Errorf("publishing to pipeline %s: %w", s.p.pl.Name, err))
	}
	s.p.e.metrics.in.WithLabelValues(s.p.pl.Name).Add(float64(len(msgs)))
	return nil
}
