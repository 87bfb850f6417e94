package runtime

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/flow"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

const (
	metaDelivered  = transport.MetaDelivered
	metaResumeSink = "pw-resume-sink"
)

// errCircuitOpen makes the router negatively acknowledge a message whose
// connection is down: it waits in the stream.
var errCircuitOpen = errors.New("a connection this pipeline needs is unavailable")

// handle is the pipeline's Watermill handler: one stream message in, steps,
// sinks, then ack (nil) or nack (error, redelivered after the backoff).
func (p *pipelineRunner) handle(wm *message.Message) error {
	ctx := wm.Context()
	attempt, _ := strconv.Atoi(wm.Metadata.Get(metaDelivered))
	attempt = max(attempt, 1)
	from, _ := strconv.Atoi(wm.Metadata.Get(transport.MetaResumeStep))
	resumeSink := wm.Metadata.Get(metaResumeSink)
	msg, err := transport.FromWire(wm)
	if err != nil {
		return p.deadLetterUndecodable(ctx, wm, err)
	}
	delete(msg.Metadata, metaResumeSink)
	for _, c := range p.deps {
		if !c.Wait(ctx, p.circuitWait()) {
			p.e.metrics.retried.WithLabelValues(p.pl.Name).Inc()
			return errCircuitOpen
		}
	}
	ctx, cancel := context.WithTimeout(ctx, p.pl.Errors.Timeout.D())
	defer cancel()
	if msg.Meta(transport.MetaReplayID) != "" {
		// A replay exists to see what changed since the failure.
		ctx = component.WithFreshLookups(ctx)
	}
	fullRun := from == 0 && resumeSink == "" && msg.Meta(metaReplayMode) != ReplayResume
	s := &settlement{}
	res := &flow.Result{Outputs: []flow.Output{{Sink: resumeSink, Msg: msg}}}
	if resumeSink == "" {
		res, err = p.exec.Process(ctx, msg, from)
		if err != nil {
			var se *flow.StepError
			errors.As(err, &se)
			seq, err := p.retryOrDeadLetter(ctx, msg, target{step: se.Step.Name, index: se.Step.Index}, se.Input, se.Err, attempt)
			if err != nil {
				return err
			}
			s.deadLettered(seq, p.e.secrets.redact(se.Err.Error()))
			p.settle(ctx, msg, s, fullRun)
			return nil
		}
	}
	s.dropped = res.Dropped
	for _, f := range res.Failed {
		seq, err := p.deadLetter(ctx, msg, target{step: f.Step.Name, index: f.Step.Index}, f.Input, f.Err, "permanent", attempt)
		if err != nil {
			return err
		}
		s.deadLettered(seq, p.e.secrets.redact(f.Err.Error()))
	}
	if err := p.deliver(ctx, msg, res.Outputs, attempt, s); err != nil {
		return err
	}
	p.budget.forget(msg.ID)
	p.settle(ctx, msg, s, fullRun)
	return nil
}

// circuitWait is how long a message waits for an open circuit before it is
// handed back to the stream.
func (p *pipelineRunner) circuitWait() time.Duration {
	return min(p.pl.Errors.Circuit.ProbeEvery.D()*2, 30*time.Second)
}

// target is where a failure happened: a step, or a sink.
type target struct {
	step  string
	index int
	sink  string
}

func sinkTarget(pl *config.Pipeline, sink string) target {
	return target{step: "sink:" + sink, index: len(pl.Steps), sink: sink}
}

// deliver hands the outputs to their sinks and settles each failure,
// noting deliveries and dead letters in s.
func (p *pipelineRunner) deliver(ctx context.Context, original *component.Message, outputs []flow.Output, attempt int, s *settlement) error {
	bySink := map[string][]flow.Output{}
	var order []string
	for _, o := range outputs {
		if _, ok := bySink[o.Sink]; !ok {
			order = append(order, o.Sink)
		}
		bySink[o.Sink] = append(bySink[o.Sink], o)
	}
	var retry error
	for _, name := range order {
		sr := p.sinks[name]
		outs := bySink[name]
		msgs := make([]*component.Message, len(outs))
		for i, o := range outs {
			msgs[i] = o.Msg
		}
		errs := sr.write(ctx, msgs)
		for i, err := range errs {
			if err == nil {
				s.delivered++
				p.commit(ctx, outs[i])
				p.e.metrics.out.WithLabelValues(p.pl.Name, name).Inc()
				p.e.metrics.observeEndToEnd(p.pl.Name, msgs[i], p.e.clock.Now())
				if p.e.opts.LogMessages {
					p.e.log.Info("delivered", "pipeline", p.pl.Name, "sink", name, "id", msgs[i].ID, "key", msgs[i].Meta(component.MetaKey))
				}
				continue
			}
			if component.IsPermanent(err) {
				seq, dlErr := p.deadLetter(ctx, original, sinkTarget(p.pl, name), msgs[i], err, "permanent", attempt)
				if dlErr != nil {
					return dlErr
				}
				s.deadLettered(seq, p.e.secrets.redact(err.Error()))
				continue
			}
			if retry == nil {
				seq, rerr := p.retryOrDeadLetter(ctx, original, sinkTarget(p.pl, name), msgs[i], err, attempt)
				if rerr != nil {
					retry = rerr
				} else {
					s.deadLettered(seq, p.e.secrets.redact(err.Error()))
				}
			}
		}
	}
	return retry
}

// retryOrDeadLetter settles a failure that is not permanent: retryable
// errors are retried without limit (an error: the message is handed back);
// unclassified ones until the budget is spent, then dead-lettered as
// exhausted (the record's id).
func (p *pipelineRunner) retryOrDeadLetter(ctx context.Context, original *component.Message, t target, input *component.Message, cause error, attempt int) (uint64, error) {
	text := p.e.secrets.redact(cause.Error())
	if component.IsRetryable(cause) || errors.Is(cause, context.DeadlineExceeded) {
		p.e.metrics.failed.WithLabelValues(p.pl.Name, t.step, "retryable").Inc()
		p.e.metrics.retried.WithLabelValues(p.pl.Name).Inc()
		p.e.log.Warn("retryable failure: the message will be retried", "pipeline", p.pl.Name, "step", t.step,
			"id", original.ID, "correlation_id", original.Meta(component.MetaCorrelationID), "attempt", attempt, "error", text)
		return 0, fmt.Errorf("step %s: %s", t.step, text)
	}
	p.e.metrics.failed.WithLabelValues(p.pl.Name, t.step, "unclassified").Inc()
	if spent := p.budget.spend(original.ID); spent < p.pl.Errors.UnclassifiedAttempts {
		p.e.metrics.retried.WithLabelValues(p.pl.Name).Inc()
		p.e.log.Warn("failure: the message will be retried", "pipeline", p.pl.Name, "step", t.step,
			"id", original.ID, "attempt", attempt, "unclassified_failures", spent, "of", p.pl.Errors.UnclassifiedAttempts, "error", text)
		return 0, fmt.Errorf("step %s: %s", t.step, text)
	}
	p.budget.forget(original.ID)
	return p.deadLetter(ctx, original, t, input, cause, "exhausted", attempt)
}
