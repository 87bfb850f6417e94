package service

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/policy"
)

// GuardEvent is a guard rule a message broke: a hold (the message waits
// for review as dead letter DeadLetter) or a flag (it was delivered).
type GuardEvent struct {
	// Seq orders the events of this engine, from 1.
	Seq      uint64    `json:"seq"`
	Pipeline string    `json:"pipeline"`
	At       time.Time `json:"at"`
	config.GuardFinding
	DeadLetter uint64 `json:"dead_letter,omitempty"`
}

// findingLogSize bounds the events kept for alerts.
const findingLogSize = 1000

// findingLog keeps the latest guard events in memory.
type findingLog struct {
	mu     sync.Mutex
	last   uint64
	events []GuardEvent
}

func (l *findingLog) add(ev GuardEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last++
	ev.Seq = l.last
	l.events = append(l.events, ev)
	if n := len(l.events) - findingLogSize; n > 0 {
		l.events = append([]GuardEvent(nil), l.events[n:]...)
	}
}

// GuardEvents returns the guard events after seq (0: all kept), oldest
// first. The engine keeps the latest 1000 in memory: an alert watcher
// reads them every check; the metric pipewright_guard_findings_total
// counts them all.
func (e *Engine) GuardEvents(after uint64) []GuardEvent {
	l := &e.findings
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []GuardEvent
	for _, ev := range l.events {
		if ev.Seq > after {
			out = append(out, ev)
		}
	}
	return out
}

// reportFlags counts, logs and files for alerts the flags of a delivered
// output.
func (p *pipelineRunner) reportFlags(flags []config.GuardFinding) {
	for _, f := range flags {
		p.e.metrics.guard.WithLabelValues(p.pl.Name, f.Step, f.Rule, f.Action).Inc()
		msg := p.e.secrets.redact(f.Message)
		p.e.log.Warn("value flagged by a guard", "pipeline", p.pl.Name, "step", f.Step, "rule", f.Rule, "key", f.Key, "message", msg)
		f.Message = msg
		p.e.findings.add(GuardEvent{Pipeline: p.pl.Name, At: p.e.clock.Now().UTC(), GuardFinding: f})
	}
}

// reportHold remembers the values a hold_once guard held, and counts and
// files for alerts a message a guard held as dead letter seq.
func (p *pipelineRunner) reportHold(f *policy.Failure, seq uint64) {
	var held *config.HeldError
	if !errors.As(f.Err, &held) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	for _, m := range held.Marks {
		if err := p.state.Put(ctx, m.Key, m.Value); err != nil {
			p.e.log.Warn("cannot remember a held value; it may be held again", "pipeline", p.pl.Name, "key", m.Key, "error", err)
		}
	}
	for _, g := range held.Findings {
		p.e.metrics.guard.WithLabelValues(p.pl.Name, g.Step, g.Rule, g.Action).Inc()
		g.Message = p.e.secrets.redact(g.Message)
		p.e.findings.add(GuardEvent{Pipeline: p.pl.Name, At: p.e.clock.Now().UTC(), GuardFinding: g, DeadLetter: seq})
	}
}

// approved reports whether msg replays a held record that a reviewer
// approved at the guard step called step (Admin.Approve).
func (p *pipelineRunner) approved(ctx context.Context, msg *component.Message, step string) (bool, error) {
	seq, _ := strconv.ParseUint(msg.Meta(metaReplayOf), 10, 64)
	if seq == 0 {
		return false, nil
	}
	r, err := p.e.dlq.Get(ctx, seq)
	if errors.Is(err, dlq.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return r.Held() && r.Pipeline == p.pl.Name && r.Step == step && r.Review != nil && r.Review.Decision == dlq.Approved, nil
}
