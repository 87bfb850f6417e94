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

// deadLetter stores a failure, counts it and returns the record's id. It
// returns an error only when the record could not be stored: the message
// is then retried, not lost.
func (p *pipelineRunner) deadLetter(ctx context.Context, original *component.Message, t target, input *component.Message, cause error, class string, attempt int) (uint64, error) {
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
	if len(input.Vars) > 0 {
		rec.Vars = rawJSON(input.Vars)
	}
	// Use a fresh context: a timed-out message must still be recorded.
	storeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	p.identify(storeCtx, rec, original)
	seq, err := p.e.dlq.Add(storeCtx, rec)
	if err != nil {
		p.e.log.Error("cannot store a dead letter; the message will be retried", "pipeline", p.pl.Name, "id", original.ID, "error", err)
		return 0, fmt.Errorf("storing dead letter: %w", err)
	}
	p.e.admin.keys.add(p.pl.Name, rec.Key)
	p.e.metrics.failed.WithLabelValues(p.pl.Name, t.step, class).Inc()
	p.e.metrics.deadLettered.WithLabelValues(p.pl.Name, t.step).Inc()
	p.e.log.Error("message dead-lettered", "pipeline", p.pl.Name, "step", t.step, "id", original.ID,
		"correlation_id", rec.CorrelationID, "dlq_seq", seq, "class", class, "attempts", attempt, "error", rec.Error)
	return seq, nil
}

// identify sets the record's business key and version, and where it came
// from. A resuming replay carries the failed step's input, not the source
// message: its record takes the original, key and version of the record it
// replays.
func (p *pipelineRunner) identify(ctx context.Context, rec *dlq.Record, original *component.Message) {
	replayOf, _ := strconv.ParseUint(original.Meta(metaReplayOf), 10, 64)
	rec.ReplayOf = replayOf
	if original.Meta(metaReplayMode) != ReplayResume {
		rec.Key, rec.Version = p.businessKey(original)
		return
	}
	if prev, err := p.e.dlq.Get(ctx, replayOf); err == nil {
		rec.Original, rec.Key, rec.Version = prev.Original, prev.Key, prev.Version
		rec.ReceivedAt = prev.ReceivedAt
	}
}

func (p *pipelineRunner) deadLetterUndecodable(ctx context.Context, wm *message.Message, cause error) error {
	msg := &component.Message{ID: wm.UUID, Metadata: map[string]string(wm.Metadata), Body: string(wm.Payload)}
	_, err := p.deadLetter(ctx, msg, target{step: "decode"}, msg, cause, "permanent", 1)
	return err
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
	seq, err := d.p.deadLetter(ctx, msg, target{step: d.step, index: d.index, sink: d.sink}, msg, reason, "permanent", 1)
	if err != nil {
		return err
	}
	// A sink that learns of a failure later (a feed's processing report)
	// settles a replay that looked delivered.
	d.p.settleReplay(ctx, msg, &settlement{seqs: []uint64{seq}, errs: []string{d.p.e.secrets.redact(reason.Error())}})
	return nil
}
