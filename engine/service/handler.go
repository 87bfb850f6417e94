package service

import (
	"context"
	"errors"
	"strconv"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/flow"
	"github.com/pipewright/pipewright/engine/internal/policy"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

const (
	metaDelivered  = transport.MetaDelivered
	metaResumeSink = "pw-resume-sink"
)

// handle is the pipeline's Watermill handler: one stream message in,
// through the error policy around process, then ack (nil) or nack (error,
// redelivered after the backoff).
func (p *pipelineRunner) handle(wm *message.Message) error {
	return p.handleRecord(wm, receiptOf(wm))
}

// handleRecord is handle for a record received as rc says: a stream
// message of its own, or a record of a pack.
func (p *pipelineRunner) handleRecord(wm *message.Message, rc receipt) error {
	d, err := newDelivery(wm, rc)
	if err != nil {
		_, err = p.storeDeadLetter(wm.Context(), d, &policy.Failure{Step: "decode", Input: d.Msg, Err: err, Class: policy.Permanent})
		return err
	}
	return p.handler(wm.Context(), d)
}

// receipt is how a record was received: its delivery count, the stream
// sequence of the stream message it came in, and whether it came in a
// pack, at which index.
type receipt struct {
	delivered, seq uint64
	packed         bool
	record         int
}

// receiptOf is the receipt of a stream message, from the metadata the
// subscriber set.
func receiptOf(wm *message.Message) receipt {
	return receipt{delivered: metaUint(wm, metaDelivered), seq: metaUint(wm, transport.MetaStreamSeq)}
}

// newDelivery reads a stream message (or a record of a pack) received as
// rc says. A message that cannot be decoded is returned raw, with the
// error; its metadata then holds the receipt, for the dead letter.
func newDelivery(wm *message.Message, rc receipt) (*policy.Delivery, error) {
	from := metaUint(wm, transport.MetaResumeStep)
	d := &policy.Delivery{Seq: rc.seq, Record: rc.record, Delivered: max(int(rc.delivered), 1), Attempt: 1,
		Start: policy.Start{Step: int(from), Sink: wm.Metadata.Get(metaResumeSink)}}
	msg, err := transport.FromWire(wm)
	if err != nil {
		if rc.packed { // a record of its own has them from the subscriber
			wm.Metadata.Set(metaDelivered, strconv.FormatUint(rc.delivered, 10))
			wm.Metadata.Set(transport.MetaStreamSeq, strconv.FormatUint(rc.seq, 10))
			wm.Metadata.Set(transport.MetaPackIndex, strconv.Itoa(rc.record))
		}
		d.Msg = &component.Message{ID: wm.UUID, Metadata: map[string]string(wm.Metadata), Body: string(wm.Payload)}
		return d, err
	}
	delete(msg.Metadata, metaResumeSink)
	d.Msg = msg
	return d, nil
}

// metaUint is the number in a metadata entry; 0 when it is absent (most
// are, on a first delivery: checked first, as a failed parse allocates its
// error) or not a number.
func metaUint(wm *message.Message, key string) uint64 {
	s := wm.Metadata.Get(key)
	if s == "" {
		return 0
	}
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

// process runs a delivery through the steps and sinks. What the sinks
// completed is noted in d.Outcome; what failed is returned as
// policy.Failures, for the error policy to settle.
func (p *pipelineRunner) process(ctx context.Context, d *policy.Delivery) error {
	msg := d.Msg
	if msg.Meta(transport.MetaReplayID) != "" {
		// A replay exists to see what changed since the failure.
		ctx = component.WithFreshLookups(ctx)
	}
	var fs policy.Failures
	outputs := []flow.Output{{Sink: d.Start.Sink, Msg: msg}}
	if d.Start.Sink == "" {
		res, err := p.exec.Process(ctx, msg, d.Start.Step)
		if err != nil {
			return policy.Failures{stepFailure(msg, err)}
		}
		d.Outcome.Dropped = res.Dropped
		for _, se := range res.Failed {
			f := stepFailure(msg, se)
			f.Class = policy.ClassOf(se.Err) // flow keeps only permanent ones (and holds) here
			fs = append(fs, f)
		}
		outputs = res.Outputs
	}
	if fs = append(fs, p.deliver(ctx, outputs, &d.Outcome)...); len(fs) > 0 {
		return fs
	}
	return nil
}

// stepFailure is the failure of a step (a *flow.StepError), or of msg at
// no step in particular.
func stepFailure(msg *component.Message, err error) *policy.Failure {
	var se *flow.StepError
	if !errors.As(err, &se) {
		return &policy.Failure{Input: msg, Err: err}
	}
	return &policy.Failure{Step: se.Step.Name, Index: se.Step.Index, Input: se.Input, Err: se.Err}
}

// sinkFailure is the failure of sink to complete input.
func sinkFailure(pl *config.Pipeline, sink string, input *component.Message, err error) *policy.Failure {
	return &policy.Failure{Step: "sink:" + sink, Index: len(pl.Steps), Sink: sink, Input: input, Err: err}
}

// deliver hands the outputs to their sinks, noting what they completed in
// o, and returns what they did not.
func (p *pipelineRunner) deliver(ctx context.Context, outputs []flow.Output, o *policy.Outcome) policy.Failures {
	if len(outputs) == 1 { // the usual case: no grouping
		return p.deliverTo(ctx, outputs[0].Sink, outputs, o)
	}
	bySink := map[string][]flow.Output{}
	var order []string
	for _, out := range outputs {
		if _, ok := bySink[out.Sink]; !ok {
			order = append(order, out.Sink)
		}
		bySink[out.Sink] = append(bySink[out.Sink], out)
	}
	var fs policy.Failures
	for _, name := range order {
		fs = append(fs, p.deliverTo(ctx, name, bySink[name], o)...)
	}
	return fs
}

// deliverTo hands outs to the sink name, noting what it completed in o,
// and returns what it did not.
func (p *pipelineRunner) deliverTo(ctx context.Context, name string, outs []flow.Output, o *policy.Outcome) policy.Failures {
	msgs := make([]*component.Message, len(outs))
	for i, out := range outs {
		msgs[i] = out.Msg
	}
	var fs policy.Failures
	for i, err := range p.sinks[name].write(ctx, msgs) {
		if err != nil {
			fs = append(fs, sinkFailure(p.pl, name, msgs[i], err))
			continue
		}
		o.Delivered++
		o.Sinks = append(o.Sinks, name)
		p.commit(ctx, outs[i])
		p.e.metrics.out.WithLabelValues(p.pl.Name, name).Inc()
		p.e.metrics.observeEndToEnd(p.pl.Name, msgs[i], p.e.clock.Now())
		if p.e.opts.LogMessages {
			p.e.log.Info("delivered", "pipeline", p.pl.Name, "sink", name, "id", msgs[i].ID, "key", msgs[i].Meta(component.MetaKey))
		}
	}
	return fs
}
