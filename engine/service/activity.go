package service

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/activity"
	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/policy"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// Re-exported activity types for the console.
type (
	// ActivityEvent is one thing a pipeline did with a message.
	ActivityEvent = activity.Event
	// FlowState is when a pipeline last delivered and last failed.
	FlowState = activity.FlowState
)

// Activity event kinds.
const (
	ActivityProcessed = activity.Processed
	ActivityRetrying  = activity.Retrying
	ActivityResolved  = activity.Resolved
)

// maxKeysPerMessage bounds the keys one message is filed under (an order
// with many lines has many SKUs).
const maxKeysPerMessage = 100

// openActivity opens the activity stream unless the project turns it off.
func (e *Engine) openActivity(ctx context.Context) error {
	e.flows = activity.NewFlows()
	keep := e.project().Activity.Keep()
	if keep <= 0 {
		return nil
	}
	st, err := activity.Open(ctx, e.conn.NC, activity.Config{Stream: e.names.ActivityStream(), Root: e.names.ActivityRoot(),
		Retention: keep, Replicas: e.limits().Replicas}, e.log)
	e.activity = st
	return err
}

// ActivityFor returns what every pipeline did with a business key, oldest
// first (nil when the record is off).
func (e *Engine) ActivityFor(ctx context.Context, key string) ([]ActivityEvent, error) {
	if e.activity == nil {
		return nil, nil
	}
	return e.activity.ForKey(ctx, key)
}

// RecentActivity returns a pipeline's latest n events, newest first.
func (e *Engine) RecentActivity(ctx context.Context, pipeline string, n int) ([]ActivityEvent, error) {
	if e.activity == nil {
		return nil, nil
	}
	return e.activity.Recent(ctx, pipeline, n)
}

// FlushActivity waits until the activity recorded so far is stored.
func (e *Engine) FlushActivity(ctx context.Context) error { return e.activity.Flush(ctx) }

// recordSettled files what became of a message the handler acknowledges,
// and notes the pipeline's last success and error. A message a filter
// dropped is not filed (the flows that skip most of what they read would
// flood the record), unless it was a replay; nor is a delivered message
// without any key (nobody can look it up, and busy keyless flows would pay
// a write per message for nothing).
func (p *pipelineRunner) recordSettled(ctx context.Context, msg *component.Message, o *policy.Outcome) {
	now := p.e.clock.Now().UTC()
	if o.Delivered > 0 {
		p.e.flows.Success(p.pl.Name, now)
	}
	if len(o.DeadLetters) > 0 {
		p.e.flows.Failure(p.pl.Name, now, o.DeadLetters[0].Error)
	}
	replayID := msg.Meta(transport.MetaReplayID)
	if p.e.activity == nil || (o.Delivered == 0 && len(o.DeadLetters) == 0 && replayID == "") {
		return
	}
	keys := p.keysOf(ctx, msg)
	if len(keys) == 0 && len(o.DeadLetters) == 0 && replayID == "" {
		return
	}
	ev := p.event(msg, activity.Processed, now)
	ev.Dropped = o.Dropped > 0 && o.Delivered == 0
	for _, name := range o.Sinks {
		if d := p.sinkDesc(name); !slices.Contains(ev.Delivered, d) {
			ev.Delivered = append(ev.Delivered, d)
		}
	}
	for _, dl := range o.DeadLetters {
		ev.DeadLetters = append(ev.DeadLetters, activity.DeadLetterRef{Seq: dl.Seq, Reason: dlq.Reason(dl.Error)})
	}
	if replayID != "" {
		ev.ReplayID, ev.Outcome = replayID, replayOutcome(o).Status
		ev.ReplayOf, _ = strconv.ParseUint(msg.Meta(metaReplayOf), 10, 64)
	}
	p.e.activity.Record(ev, keys)
}

// recordRetrying notes a retryable failure; the first attempt's is filed.
func (p *pipelineRunner) recordRetrying(ctx context.Context, msg *component.Message, step, text string, attempt int) {
	now := p.e.clock.Now().UTC()
	p.e.flows.Failure(p.pl.Name, now, text)
	if p.e.activity == nil || attempt > 1 {
		return
	}
	ev := p.event(msg, activity.Retrying, now)
	ev.Step, ev.Reason = step, dlq.Reason(text)
	p.e.activity.Record(ev, p.keysOf(ctx, msg))
}

func (p *pipelineRunner) event(msg *component.Message, kind string, now time.Time) activity.Event {
	ev := activity.Event{ID: fmt.Sprintf("%s/%s/%d", kind, msg.ID, now.UnixNano()), At: now, Pipeline: p.pl.Name, Kind: kind, MessageID: msg.ID}
	ev.ReceivedAt, _ = time.Parse(time.RFC3339Nano, msg.Meta(component.MetaReceivedAt))
	return ev
}

// sinkDesc describes a sink for people: "main: sage500.sales_order (sage)".
func (p *pipelineRunner) sinkDesc(name string) string {
	cc := p.pl.Sinks[name]
	if cc == nil {
		return name
	}
	d := name + ": " + string(cc.Type)
	if cc.Connection != "" {
		d += " (" + cc.Connection + ")"
	}
	return d
}

// keysOf evaluates the pipeline's activity keys over the source message;
// a resuming replay carries a step input, so the keys come from the
// original of the record it replays.
func (p *pipelineRunner) keysOf(ctx context.Context, msg *component.Message) []activity.Key {
	src := msg
	if msg.Meta(metaReplayMode) == ReplayResume {
		seq, _ := strconv.ParseUint(msg.Meta(metaReplayOf), 10, 64)
		if rec, err := p.e.dlq.Get(ctx, seq); err == nil {
			if body, err := component.DecodeJSON(rec.Original); err == nil {
				src = &component.Message{ID: msg.ID, Body: body, Metadata: msg.Metadata}
			}
		}
	}
	return activityKeys(p.e.project().Globals, p.pl, src)
}

// activityKeys evaluates pl's activity keys over a source message; without
// any, the dead-letter key names the message. Keys that cannot be
// evaluated are left out.
func activityKeys(g *config.Globals, pl *config.Pipeline, msg *component.Message) []activity.Key {
	keys := pl.ActivityKeys
	if len(keys) == 0 {
		if pl.DeadLetters.Key == nil {
			if k := msg.Meta(component.MetaKey); k != "" {
				return []activity.Key{{Name: "key", Value: k}}
			}
			return nil
		}
		keys = []config.ActivityKey{{Name: "key", Expr: pl.DeadLetters.Key}}
	}
	var out []activity.Key
	add := func(name string, v any) {
		k := activity.Key{Name: name, Value: textOf(v)}
		if v != nil && k.Value != "" && len(out) < maxKeysPerMessage && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	for _, k := range keys {
		v, err := k.Expr.Eval(g.Activation(msg))
		if err != nil {
			continue
		}
		if list, ok := v.([]any); ok {
			for _, x := range list {
				add(k.Name, x)
			}
			continue
		}
		add(k.Name, v)
	}
	return out
}

// recordResolved files an operator's resolution under the record's keys.
func (a *Admin) recordResolved(rec *DeadLetter) {
	if a.activity == nil {
		return
	}
	now := a.clock.Now().UTC()
	ev := activity.Event{ID: fmt.Sprintf("resolved/%d/%d", rec.Seq, now.UnixNano()), At: now, Pipeline: rec.Pipeline,
		Kind: activity.Resolved, MessageID: rec.ID, Seq: rec.Seq, How: dlq.ResolvedOperator}
	if rec.Resolution != nil {
		ev.How = rec.Resolution.How
	}
	var keys []activity.Key
	if pl, ok := a.project.Pipeline(rec.Pipeline); ok {
		if body, err := component.DecodeJSON(rec.Original); err == nil {
			keys = activityKeys(a.project.Globals, pl, &component.Message{ID: rec.ID, Body: body, Metadata: rec.Metadata})
		}
	}
	if len(keys) == 0 && rec.Key != "" {
		keys = []activity.Key{{Name: "key", Value: rec.Key}}
	}
	a.activity.Record(ev, keys)
}
