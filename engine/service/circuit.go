package service

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// circuit is the breaker of one connection. After `failures` consecutive
// retryable failures it opens: messages that need the connection wait in
// the stream instead of burning attempts. While open it probes the
// connection's health check every probeEvery (or, without a health check,
// lets one message through as a trial) and closes on the first success.
// A passing probe only proves the system answers, not that calls work (a
// locked database answers pings): after it, the next failure opens the
// circuit again at once. The reason it keeps (for logs, /readyz and the
// status page) is redacted.
//
// The circuit also keeps the connection's call history for health: when
// calls last succeeded and failed, the last error, and since when they have
// been failing without a success in between.
type circuit struct {
	name       string
	threshold  int
	probeEvery time.Duration
	checker    component.HealthChecker
	log        *slog.Logger
	m          *metrics
	secrets    *redactor

	mu          sync.Mutex
	consecutive int
	open        bool
	reason      string
	trial       bool          // a trial message is in flight (no health check)
	closed      chan struct{} // closed when the circuit closes
	stopProbe   chan struct{}
	stopped     bool

	lastSuccess, lastFailure time.Time
	lastError                string
	failingSince             time.Time // zero while calls succeed
}

func newCircuit(name string, threshold int, probeEvery time.Duration, checker component.HealthChecker, log *slog.Logger, m *metrics, secrets *redactor) *circuit {
	c := &circuit{name: name, threshold: threshold, probeEvery: probeEvery, checker: checker, log: log, m: m, secrets: secrets, closed: make(chan struct{})}
	close(c.closed)
	m.circuitState.WithLabelValues(name).Set(0)
	return c
}

// State reports whether the circuit is open and why (redacted).
func (c *circuit) State() (open bool, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.open, c.reason
}

// Wait returns true when a message may use the connection, waiting up to
// max for an open circuit to close. Without a health check, one waiting
// message at a time is let through as a trial.
func (c *circuit) Wait(ctx context.Context, max time.Duration) bool {
	c.mu.Lock()
	if !c.open {
		c.mu.Unlock()
		return true
	}
	if c.checker == nil && !c.trial {
		c.trial = true
		c.mu.Unlock()
		return true
	}
	closed := c.closed
	c.mu.Unlock()
	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-closed:
		return true
	case <-ctx.Done():
	case <-t.C:
	}
	return false
}

// Success records a successful use and closes the circuit.
func (c *circuit) Success() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if !c.failingSince.IsZero() && now.Sub(c.failingSince) > time.Minute {
		c.log.Info("connection calls succeed again", "connection", c.name, "failing_for", now.Sub(c.failingSince).Round(time.Second).String())
	}
	c.lastSuccess, c.failingSince = now, time.Time{}
	c.consecutive = 0
	c.trial = false
	if c.open {
		c.closeLocked("the connection worked again")
	}
}

// Failure records a retryable failure.
func (c *circuit) Failure(err error) {
	reason := c.secrets.redact(err.Error())
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	c.lastFailure, c.lastError = now, reason
	if c.failingSince.IsZero() {
		c.failingSince = now
	}
	c.consecutive++
	c.trial = false
	c.reason = reason
	if c.open || c.consecutive < c.threshold {
		return
	}
	c.open = true
	c.closed = make(chan struct{})
	c.m.circuitState.WithLabelValues(c.name).Set(1)
	c.log.Warn("circuit opened: messages wait in the stream until the connection recovers",
		"connection", c.name, "failures", c.consecutive, "error", reason)
	if c.checker != nil {
		c.stopProbe = make(chan struct{})
		go c.probe(c.stopProbe)
	}
}

func (c *circuit) closeLocked(why string) {
	c.open = false
	c.reason = ""
	c.consecutive = 0
	close(c.closed)
	c.m.circuitState.WithLabelValues(c.name).Set(0)
	if c.stopProbe != nil {
		close(c.stopProbe)
		c.stopProbe = nil
	}
	c.log.Info("circuit closed", "connection", c.name, "why", why)
}

// probe runs the health check until it passes or the circuit closes.
func (c *circuit) probe(stop chan struct{}) {
	t := time.NewTicker(c.probeEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.probeEvery)
		err := c.checker.Check(ctx)
		cancel()
		c.mu.Lock()
		if c.stopped || !c.open {
			c.mu.Unlock()
			return
		}
		if err == nil {
			c.closeLocked("health check passed")
			c.consecutive = max(c.threshold-1, 0) // half open: one failure reopens
			c.mu.Unlock()
			return
		}
		c.reason = c.secrets.redact(err.Error())
		c.mu.Unlock()
	}
}

// stop ends probing (engine shutdown).
func (c *circuit) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.stopProbe != nil {
		close(c.stopProbe)
		c.stopProbe = nil
	}
}

// callHealth is a connection's call history (see circuit).
type callHealth struct {
	open                     bool
	reason                   string
	consecutive              int
	lastSuccess, lastFailure time.Time
	lastError                string
	failingSince             time.Time
}

// health returns the call history.
func (c *circuit) health() callHealth {
	c.mu.Lock()
	defer c.mu.Unlock()
	return callHealth{open: c.open, reason: c.reason, consecutive: c.consecutive, lastSuccess: c.lastSuccess,
		lastFailure: c.lastFailure, lastError: c.lastError, failingSince: c.failingSince}
}
