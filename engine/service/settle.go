package service

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/policy"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// replayOutcome is the replay outcome of a settled message: ok only when
// every output reached its sink.
func replayOutcome(o *policy.Outcome) *ReplayOutcome {
	switch {
	case len(o.DeadLetters) > 0:
		return &ReplayOutcome{Status: ReplayFailed, Error: o.DeadLetters[0].Error, DLQSeq: o.DeadLetters[0].Seq}
	case o.Delivered == 0 && o.Dropped > 0:
		return &ReplayOutcome{Status: ReplayDropped}
	}
	return &ReplayOutcome{Status: ReplayOK}
}

// settle files what became of a settled delivery: the activity record, the
// outcome of a replay, and the open dead letters a full delivery resolves.
func (p *pipelineRunner) settle(ctx context.Context, d *policy.Delivery) {
	o := &d.Outcome
	p.recordSettled(ctx, d.Msg, o)
	p.settleReplay(ctx, d.Msg, o)
	fullRun := d.Start == (policy.Start{}) && d.Msg.Meta(metaReplayMode) != ReplayResume
	if fullRun && len(o.DeadLetters) == 0 && o.Delivered > 0 && p.pl.DeadLetters.AutoResolve {
		p.resolveDelivered(ctx, d.Msg)
	}
}

// settleReplay resolves the record a replayed message replayed (delivered,
// dropped by a filter, or replaced by the new failure), then records the
// replay's outcome: whoever sees the outcome sees the record settled too.
func (p *pipelineRunner) settleReplay(ctx context.Context, msg *component.Message, outcome *policy.Outcome) {
	id := msg.Meta(transport.MetaReplayID)
	if id == "" {
		return
	}
	o := replayOutcome(outcome)
	o.ReplayID, o.At = id, p.e.clock.Now().UTC()
	o.Seq, _ = strconv.ParseUint(msg.Meta(metaReplayOf), 10, 64)
	if o.Seq != 0 {
		p.resolveReplayed(ctx, o)
	}
	if err := p.e.admin.putOutcome(ctx, o); err != nil {
		p.e.log.Warn("cannot record a replay outcome", "replay_id", id, "error", err)
	}
}

// resolveReplayed settles the record o replayed by o's outcome.
func (p *pipelineRunner) resolveReplayed(ctx context.Context, o *ReplayOutcome) {
	res := &dlq.Resolution{At: o.At, By: o.ReplayID}
	switch o.Status {
	case ReplayOK:
		res.How = dlq.ResolvedReplayed
	case ReplayDropped:
		res.How = dlq.ResolvedFiltered
	default:
		res.How, res.ReplacedBy = dlq.ResolvedReplaced, o.DLQSeq
	}
	_, err := p.e.dlq.Update(ctx, o.Seq, func(r *dlq.Record) error {
		if r.Replay != nil && r.Replay.ID == o.ReplayID {
			r.Replay.Status = o.Status
		}
		if o.Status == ReplayOK && r.Review != nil && r.Review.Decision == dlq.Approved {
			res.How, res.By, res.Note = dlq.ResolvedApproved, r.Review.By, r.Review.Note
		}
		if r.Open() {
			r.Status, r.Resolution = dlq.StatusResolved, res
		}
		return nil
	})
	if err != nil && !errors.Is(err, dlq.ErrNotFound) {
		p.e.log.Warn("cannot settle a replayed dead letter", "dlq_seq", o.Seq, "replay_id", o.ReplayID, "error", err)
		return
	}
	p.e.metrics.resolved.WithLabelValues(p.pl.Name, res.How).Inc()
}

// errNotToResolve leaves a record as it is.
var errNotToResolve = errors.New("not to resolve")

// resolveDelivered resolves the open dead letters of the delivered
// message's business key whose version it is at least as new as (without
// versions: that it was received no earlier than).
func (p *pipelineRunner) resolveDelivered(ctx context.Context, msg *component.Message) {
	key, version := p.businessKey(msg)
	if key == "" || !p.e.admin.keys.mayHave(p.pl.Name, key) {
		return
	}
	recs, err := p.e.dlq.OpenForKey(ctx, p.pl.Name, key)
	if err != nil {
		p.e.log.Warn("cannot look for dead letters the delivery resolves", "pipeline", p.pl.Name, "key", key, "error", err)
		return
	}
	received, _ := time.Parse(time.RFC3339Nano, msg.Meta(component.MetaReceivedAt))
	for _, r := range recs {
		if !supersedes(version, received, r) {
			continue
		}
		_, err := p.e.dlq.Update(ctx, r.Seq, func(r *dlq.Record) error {
			if !r.Open() {
				return errNotToResolve
			}
			r.Status = dlq.StatusResolved
			r.Resolution = &dlq.Resolution{How: dlq.ResolvedDelivered, At: p.e.clock.Now().UTC(), By: msg.ID}
			return nil
		})
		switch {
		case err == nil:
			p.e.metrics.resolved.WithLabelValues(p.pl.Name, dlq.ResolvedDelivered).Inc()
			p.e.log.Info("dead letter resolved by a later delivery", "pipeline", p.pl.Name, "dlq_seq", r.Seq, "key", key, "version", version, "id", msg.ID)
		case !errors.Is(err, errNotToResolve) && !errors.Is(err, dlq.ErrNotFound):
			p.e.log.Warn("cannot resolve a dead letter", "pipeline", p.pl.Name, "dlq_seq", r.Seq, "error", err)
		}
	}
}

// supersedes reports whether a delivery at version (received at received)
// makes record r obsolete.
func supersedes(version string, received time.Time, r *dlq.Record) bool {
	if version != "" || r.Version != "" {
		return dlq.NewerOrSame(version, r.Version)
	}
	return received.IsZero() || r.ReceivedAt.IsZero() || !received.Before(r.ReceivedAt)
}

// businessKey evaluates the pipeline's dead_letters key and version on a
// source message; the key defaults to the source's own (meta pw-key).
func (p *pipelineRunner) businessKey(msg *component.Message) (key, version string) {
	pol := p.pl.DeadLetters
	key = msg.Meta(component.MetaKey)
	if pol.Key != nil {
		key = p.evalText(pol.Key, msg, "key")
	}
	if pol.Version != nil {
		version = p.evalText(pol.Version, msg, "version")
	}
	return key, version
}

func (p *pipelineRunner) evalText(prog *expr.Program, msg *component.Message, what string) string {
	v, err := prog.Eval(p.e.project().Globals.Activation(msg))
	if err != nil {
		p.e.log.Warn("dead_letters "+what+" cannot be evaluated", "pipeline", p.pl.Name, "id", msg.ID, "error", err)
		return ""
	}
	return textOf(v)
}

// textOf writes a key or version as text: timestamps in RFC 3339 (UTC),
// numbers in decimal, strings as they are.
func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case fmt.Stringer:
		return x.String()
	}
	b, err := component.EncodeJSON(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
