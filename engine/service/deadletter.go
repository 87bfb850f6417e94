package service

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/policy"
)

// storeDeadLetter is the error policy's dead-letter store: f of d at d's
// processing attempt.
func (p *pipelineRunner) storeDeadLetter(ctx context.Context, d *policy.Delivery, f *policy.Failure) (policy.DeadLettered, error) {
	seq, err := p.deadLetter(ctx, d.Msg, f, d.Attempt)
	return policy.DeadLettered{Seq: seq, Error: p.e.secrets.redact(f.Err.Error())}, err
}

// deadLetter stores a classified failure of original, counts it and
// returns the record's id. It returns an error only when the record could
// not be stored: the message is then retried, not lost.
func (p *pipelineRunner) deadLetter(ctx context.Context, original *component.Message, f *policy.Failure, attempt int) (uint64, error) {
	input, class := f.Input, string(f.Class)
	rec := &dlq.Record{
		ID:            original.ID,
		CorrelationID: original.Meta(component.MetaCorrelationID),
		Pipeline:      p.pl.Name,
		Step:          f.Step,
		StepIndex:     f.Index,
		Sink:          f.Sink,
		Class:         class,
		Error:         p.e.secrets.redact(f.Err.Error()),
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
	if f.Class == policy.Held && input.ID != "" {
		// Each held element of a split waits for its own review.
		rec.ID = input.ID
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
	p.e.metrics.failed.WithLabelValues(p.pl.Name, f.Step, class).Inc()
	p.e.metrics.deadLettered.WithLabelValues(p.pl.Name, f.Step).Inc()
	if f.Class == policy.Held {
		p.reportHold(f, seq)
		p.e.log.Warn("message held for review", "pipeline", p.pl.Name, "step", f.Step, "id", original.ID,
			"correlation_id", rec.CorrelationID, "dlq_seq", seq, "reason", rec.Error)
		return seq, nil
	}
	p.e.log.Error("message dead-lettered", "pipeline", p.pl.Name, "step", f.Step, "id", original.ID,
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
	f := &policy.Failure{Step: d.step, Index: d.index, Sink: d.sink, Input: msg, Err: reason, Class: policy.Permanent}
	seq, err := d.p.deadLetter(ctx, msg, f, 1)
	if err != nil {
		return err
	}
	// A sink that learns of a failure later (a feed's processing report)
	// settles a replay that looked delivered.
	d.p.settleReplay(ctx, msg, &policy.Outcome{DeadLetters: []policy.DeadLettered{{Seq: seq, Error: d.p.e.secrets.redact(reason.Error())}}})
	return nil
}
