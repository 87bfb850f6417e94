package alerts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/service"
)

// guardExamples is how many findings an alert lists.
const guardExamples = 5

// guardBacklog is what guards found in one pipeline since its last alert.
type guardBacklog struct {
	held, flagged int
	examples      []service.GuardEvent
}

// checkGuards tells, per pipeline, the messages guards held for review
// and the values they flagged since the last check: one alert per
// pipeline at most every min_interval, the rest kept for the next one.
// Rule messages are told as reasons (values taken out), like errors.
func (w *Watcher) checkGuards(ctx context.Context, now time.Time) {
	for _, ev := range w.src.GuardEvents(w.guardSeen) {
		w.guardSeen = max(w.guardSeen, ev.Seq)
		b := w.guardPending[ev.Pipeline]
		if b == nil {
			b = &guardBacklog{}
			w.guardPending[ev.Pipeline] = b
		}
		if ev.DeadLetter != 0 {
			b.held++
		} else {
			b.flagged++
		}
		if len(b.examples) < guardExamples {
			b.examples = append(b.examples, ev)
		}
	}
	for _, name := range sortedKeys(boolKeys(w.guardPending)) {
		s := w.subject("guard/" + name)
		if !s.lastAlert.IsZero() && now.Sub(s.lastAlert) < w.cfg.MinInterval.D() {
			continue
		}
		if w.send(ctx, w.guardAlert(name, w.guardPending[name])) {
			s.lastAlert = now
			delete(w.guardPending, name)
		}
	}
}

func (w *Watcher) guardAlert(name string, b *guardBacklog) Alert {
	var parts []string
	if b.held > 0 {
		parts = append(parts, fmt.Sprintf("%d held for review", b.held))
	}
	if b.flagged > 0 {
		parts = append(parts, fmt.Sprintf("%d flagged", b.flagged))
	}
	summary := strings.Join(parts, ", ")
	var t strings.Builder
	fmt.Fprintf(&t, "Data-quality guards of flow %s: %s.\n", name, summary)
	for _, ev := range b.examples {
		if ev.DeadLetter != 0 {
			fmt.Fprintf(&t, "held by %s/%s (dead letter %d): %s\n", ev.Step, ev.Rule, ev.DeadLetter, dlq.Reason(ev.Message))
		} else {
			fmt.Fprintf(&t, "flagged by %s/%s: %s\n", ev.Step, ev.Rule, dlq.Reason(ev.Message))
		}
	}
	if n := b.held + b.flagged - len(b.examples); n > 0 {
		fmt.Fprintf(&t, "… and %d more\n", n)
	}
	t.WriteString(w.link("flows/" + name))
	return Alert{Subject: fmt.Sprintf("[pipewright] flow %s: %s", name, summary), Text: strings.TrimSpace(t.String())}
}

func boolKeys[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}
