package service

import (
	"context"
	"time"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/internal/policy"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// errorPolicy wraps process in the pipeline's error policy (package policy
// describes each part and why they come in this order).
func (p *pipelineRunner) errorPolicy() policy.Handler {
	circuits := make([]policy.Waiter, len(p.deps))
	for i, c := range p.deps {
		circuits[i] = c
	}
	log := p.e.log.With("pipeline", p.pl.Name)
	obs := policyObserver{p}
	return policy.Chain(p.process,
		policy.Gate(circuits, p.circuitWait(), func(*policy.Delivery) { p.e.metrics.retried.WithLabelValues(p.pl.Name).Inc() }),
		policy.Settle(p.settle),
		policy.DeadLetter(p.storeDeadLetter),
		policy.Tally(transport.NewState(p.e.stateKV, p.pl.Name+"/attempts"), log),
		policy.Budget(p.pl.Errors.UnclassifiedAttempts, log, obs),
		policy.Classify(log, obs),
		policy.MaxWait(p.pl.Errors.MaxWait.D(), waitingSince, p.e.clock.Now, log),
		policy.Timeout(p.pl.Errors.Timeout.D()),
	)
}

// waitingSince is when a message began waiting: when it was replayed, else
// when it was received.
func waitingSince(msg *component.Message) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, msg.Meta(metaReplayedAt))
	if err != nil {
		t, err = time.Parse(time.RFC3339Nano, msg.Meta(component.MetaReceivedAt))
	}
	return t, err == nil
}

// circuitWait is how long a message waits for an open circuit before it is
// handed back to the stream.
func (p *pipelineRunner) circuitWait() time.Duration {
	return min(p.pl.Errors.Circuit.ProbeEvery.D()*2, 30*time.Second)
}

// policyObserver counts the policy's decisions and files retries in the
// activity record.
type policyObserver struct{ p *pipelineRunner }

// Failed counts a retryable or unclassified failure.
func (o policyObserver) Failed(_ *policy.Delivery, f *policy.Failure) {
	o.p.e.metrics.failed.WithLabelValues(o.p.pl.Name, f.Step, string(f.Class)).Inc()
}

// Retrying counts a delivery handed back and notes its failure.
func (o policyObserver) Retrying(ctx context.Context, d *policy.Delivery, f *policy.Failure) {
	o.p.e.metrics.retried.WithLabelValues(o.p.pl.Name).Inc()
	o.p.recordRetrying(ctx, d.Msg, f.Step, o.p.e.secrets.redact(f.Err.Error()), d.Attempt)
}
