package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
)

// sourceFactory creates schedule sources.
type sourceFactory struct{}

var _ component.SourceFactory = sourceFactory{}

// NewSourceFactory returns the factory of the schedule source.
func NewSourceFactory() component.SourceFactory { return sourceFactory{} }

func (sourceFactory) Type() component.Type { return "schedule" }
func (sourceFactory) Kind() component.Kind { return component.KindSource }
func (sourceFactory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindSource, "schedule")
}
func (sourceFactory) NewConfig() any                 { return NewConfig() }
func (sourceFactory) ConnectionType() component.Type { return "" }

func (sourceFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	c := cfg.(*Config)
	p, loc, err := c.schedule()
	if err != nil {
		return nil, err
	}
	s := &source{cfg: c, set: set, plan: p, loc: loc}
	if err := s.registerMetrics(); err != nil {
		return nil, err
	}
	return s, nil
}

// lastKey is the State key of the cursor: the last tick published (RFC
// 3339, UTC).
const lastKey = "last-tick"

// source is polled by the engine at each tick (the batch's At). Its
// cursor is the last tick published.
type source struct {
	component.Lifecycle
	cfg   *Config
	set   component.SourceSettings
	plan  plan
	loc   *time.Location
	ticks *prometheus.CounterVec
	last  prometheus.Gauge
	// begun is set by the first poll; from is the tick the next one
	// follows (the last one published, or the start time).
	begun bool
	from  time.Time
}

var _ component.Poller = (*source)(nil)

func (s *source) registerMetrics() error {
	s.ticks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pipewright_schedule_ticks_total",
		Help: "Ticks by outcome: published, or dead_lettered when the body template failed.",
	}, []string{"outcome"})
	s.last = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "pipewright_schedule_last_tick_timestamp_seconds",
		Help: "Scheduled time of the last tick handled, in Unix seconds.",
	})
	for _, c := range []prometheus.Collector{s.ticks, s.last} {
		if err := s.set.Metrics.Register(c); err != nil {
			return fmt.Errorf("registering schedule metrics: %w", err)
		}
	}
	return nil
}

// Polls is one loop woken at each tick.
func (s *source) Polls() []component.Poll {
	return []component.Poll{{CursorKey: lastKey, Read: s.poll}}
}

// poll publishes the tick that is due, if any, and asks to be polled at
// the next one. The first poll after a start skips the ticks missed while
// stopped, or with catch_up publishes the latest of them; a later poll
// that comes late (a long publish outage, a suspended machine) publishes
// the latest due tick only.
func (s *source) poll(ctx context.Context, cursor []byte) (component.Batch, error) {
	last := s.decodeLast(cursor)
	now := s.set.Clock.Now()
	var due time.Time
	if !s.begun {
		s.begun, s.from = true, later(last, now)
		if missed, ok := s.plan.prev(now); ok && s.cfg.CatchUp && !last.IsZero() && missed.After(last) {
			s.set.Logger.Info("catching up the latest tick missed while stopped", "scheduled_at", missed)
			due = missed
		}
	} else if latest, ok := s.plan.prev(now); ok && latest.After(s.from) {
		if next, _ := s.plan.next(s.from); latest.After(next) {
			s.set.Logger.Warn("woke up late; skipping to the latest due tick", "skipped_from", next, "scheduled_at", latest)
		}
		due = latest
	}
	if due.IsZero() {
		next, ok := s.plan.next(s.from)
		if !ok {
			return component.Batch{}, component.Permanentf("the schedule has no tick after %s", s.from)
		}
		return component.Batch{At: next}, nil
	}
	return s.tick(ctx, due)
}

// decodeLast reads the cursor; an unreadable one counts as none.
func (s *source) decodeLast(cursor []byte) time.Time {
	if cursor == nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, string(cursor))
	if err != nil {
		s.set.Logger.Error("ignoring an unreadable last tick in state", "key", lastKey, "error", err)
	}
	return t
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
