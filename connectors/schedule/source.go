package schedule

import (
	"context"
	"errors"
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

func (sourceFactory) Type() component.Type           { return "schedule" }
func (sourceFactory) Kind() component.Kind           { return component.KindSource }
func (sourceFactory) Schema() []byte                 { return []byte(sourceSchema) }
func (sourceFactory) NewConfig() any                 { return &Config{} }
func (sourceFactory) ConnectionType() component.Type { return "" }

func (sourceFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	c := cfg.(*Config)
	if c.plan == nil {
		if err := c.Validate(); err != nil {
			return nil, err
		}
	}
	s := &source{cfg: c, set: set}
	if err := s.registerMetrics(); err != nil {
		return nil, err
	}
	return s, nil
}

// maxWait bounds one wait on the clock, so that a wall clock that jumped or
// a machine that was suspended delays a tick by at most this much.
const maxWait = time.Minute

// lastKey is the state key of the last published tick (RFC 3339, UTC).
const lastKey = "last-tick"

// source publishes ticks from a goroutine started by Start.
type source struct {
	cfg    *Config
	set    component.SourceSettings
	ticks  *prometheus.CounterVec
	last   prometheus.Gauge
	cancel context.CancelFunc
	done   chan struct{}
}

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

func (s *source) Start(context.Context) error {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	go func() {
		defer close(s.done)
		s.run(ctx)
	}()
	return nil
}

// Shutdown stops the ticks; a publish in progress finishes first (or ctx
// ends).
func (s *source) Shutdown(ctx context.Context) error {
	if s.cancel == nil {
		return nil
	}
	s.cancel()
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stopping the schedule: %w", ctx.Err())
	}
}

func (s *source) run(ctx context.Context) {
	var last time.Time
	if !s.retry(ctx, "reading the last tick", func(ctx context.Context) (err error) {
		last, err = s.loadLast(ctx)
		return err
	}) {
		return
	}
	now := s.set.Clock.Now()
	if s.cfg.CatchUp && !last.IsZero() {
		if missed, ok := s.cfg.plan.prev(now); ok && missed.After(last) {
			s.set.Logger.Info("catching up the latest tick missed while stopped", "scheduled_at", missed)
			if !s.emit(ctx, missed) {
				return
			}
			last = missed
		}
	}
	from := last
	if now.After(from) {
		from = now
	}
	for {
		next, ok := s.cfg.plan.next(from)
		if !ok {
			s.set.Logger.Error("the schedule has no next tick", "after", from)
			return
		}
		if !s.sleepUntil(ctx, next) {
			return
		}
		due := next
		if latest, ok := s.cfg.plan.prev(s.set.Clock.Now()); ok && latest.After(next) {
			s.set.Logger.Warn("woke up late; skipping to the latest due tick", "skipped_from", next, "scheduled_at", latest)
			due = latest
		}
		if !s.emit(ctx, due) {
			return
		}
		from = due
	}
}

// sleepUntil waits on the clock until t; false when ctx ended first.
func (s *source) sleepUntil(ctx context.Context, t time.Time) bool {
	for {
		now := s.set.Clock.Now()
		if !now.Before(t) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-s.set.Clock.After(min(t.Sub(now), maxWait)):
		}
	}
}

// retry calls f until it succeeds, waiting on the clock between attempts
// (1s doubling to 1m); false when ctx ended first.
func (s *source) retry(ctx context.Context, what string, f func(context.Context) error) bool {
	wait := time.Second
	for {
		err := f(ctx)
		if err == nil {
			return true
		}
		s.set.Logger.Warn(what+" failed; retrying", "error", err, "in", wait)
		select {
		case <-ctx.Done():
			return false
		case <-s.set.Clock.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}

func (s *source) loadLast(ctx context.Context) (time.Time, error) {
	v, err := s.set.State.Get(ctx, lastKey)
	if errors.Is(err, component.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, string(v))
	if err != nil {
		s.set.Logger.Error("ignoring an unreadable last tick in state", "key", lastKey, "error", err)
		return time.Time{}, nil
	}
	return t, nil
}
