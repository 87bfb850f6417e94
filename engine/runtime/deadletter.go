package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/dlq"
)

// deadLetter stores a failure and counts it. It returns an error only when
// the record could not be stored: the message is then retried, not lost.
func (p *pipelineRunner) deadLetter(ctx context.Context, original *component.Message, t target, input *component.Message, cause error, class string, attempt int) error {
	rec := &dlq.Record{
		ID:            original.ID,
		CorrelationID: original.Meta(component.MetaCorrelationID),
		Pipeline:      p.pl.Name,
		Step:          t.step,
		StepIndex:     t.index,
		Sink:          t.sink,
		Class:         class,
		Error:         p.e.secrets.redact(cause.Error()),
		Attempts:      attempt,
		FailedAt:      p.e.clock.Now().UTC(),
		Metadata:      original.Metadata,
		Original:      rawJSON(original.Body),
		Input:         rawJSON(input.Body),
	}
	if ts, err := time.Parse(time.RFC3339Nano, original.Meta(component.MetaReceivedAt)); err == nil {
		rec.ReceivedAt = ts
	}
	if replayOf, err := strconv.ParseUint(original.Meta(metaReplayOf), 10, 64); err == nil {
		rec.ReplayOf = replayOf
	}
	if len(input.Vars) > 0 {
		rec.Vars = rawJSON(input.Vars)
	}
	// Use a fresh context: a timed-out message must still be recorded.
	storeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	seq, err := p.e.dlq.Add(storeCtx, rec)
	if err != nil {
		p.e.log.Error("cannot store a dead letter; the message will be retried", "pipeline", p.pl.Name, "id", original.ID, "error", err)
		return fmt.Errorf("storing dead letter: %w", err)
	}
	p.e.metrics.failed.WithLabelValues(p.pl.Name, t.step, class).Inc()
	p.e.metrics.deadLettered.WithLabelValues(p.pl.Name, t.step).Inc()
	p.e.log.Error("message dead-lettered", "pipeline", p.pl.Name, "step", t.step, "id", original.ID,
		"correlation_id", rec.CorrelationID, "dlq_seq", seq, "class", class, "attempts", attempt, "error", rec.Error)
	p.recordReplay(ctx, original, &replayOutcome{Status: "failed", Error: rec.Error, DLQSeq: seq})
	return nil
}

func (p *pipelineRunner) deadLetterUndecodable(ctx context.Context, wm *message.Message, cause error) error {
	msg := &component.Message{ID: wm.UUID, Metadata: map[string]string(wm.Metadata), Body: string(wm.Payload)}
	return p.deadLetter(ctx, msg, target{step: "decode"}, msg, cause, "permanent", 1)
}

// rawJSON encodes a value for a record; what cannot be encoded is kept as
// its error, so the record is still written.
func rawJSON(v any) json.RawMessage {
	b, err := component.EncodeJSON(v)
	if err != nil {
		b, _ = json.Marshal(fmt.Sprintf("(cannot encode: %v)", err))
	}
	return b
}

// deadLetterer lets sources and sinks record asynchronous failures.
type deadLetterer struct {
	p     *pipelineRunner
	step  string
	index int
	sink  string
}

var _ component.DeadLetterer = (*deadLetterer)(nil)

func (d *deadLetterer) DeadLetter(ctx context.Context, msg *component.Message, reason error) error {
	if msg.Meta(component.MetaReceivedAt) == "" {
		msg.SetMeta(component.MetaReceivedAt, d.p.e.clock.Now().UTC().Format(time.RFC3339Nano))
	}
	return d.p.deadLetter(ctx, msg, target{step: d.step, index: d.index, sink: d.sink}, msg, reason, "permanent", 1)
}
