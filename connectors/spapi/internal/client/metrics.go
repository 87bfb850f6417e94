package client

import (
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts calls, rate-limit waits and throttling per operation. The
// operation label is bounded by the embedded models.
type metrics struct {
	calls     *prometheus.CounterVec
	waits     *prometheus.CounterVec
	waitSecs  *prometheus.CounterVec
	throttled *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pipewright_spapi_calls_total",
			Help: "SP-API calls made, by operation and outcome (2xx, 4xx, 429, 5xx, error).",
		}, []string{"operation", "outcome"}),
		waits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pipewright_spapi_rate_limit_waits_total",
			Help: "SP-API calls that waited for a rate-limit token, by operation.",
		}, []string{"operation"}),
		waitSecs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pipewright_spapi_rate_limit_wait_seconds_total",
			Help: "Clock time SP-API calls spent waiting for rate-limit tokens, by operation.",
		}, []string{"operation"}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pipewright_spapi_throttled_total",
			Help: "SP-API calls answered 429 (throttled), by operation.",
		}, []string{"operation"}),
	}
	if reg != nil {
		m.calls = register(reg, m.calls)
		m.waits = register(reg, m.waits)
		m.waitSecs = register(reg, m.waitSecs)
		m.throttled = register(reg, m.throttled)
	}
	return m
}

// register registers c, or reuses the collector already registered under
// its name (two connections sharing one registry).
func register(reg prometheus.Registerer, c *prometheus.CounterVec) *prometheus.CounterVec {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
				return existing
			}
		}
	}
	return c
}

func (m *metrics) call(op string, status int) {
	outcome := "error"
	switch {
	case status == 429:
		outcome = "429"
	case status > 0:
		outcome = strconv.Itoa(status/100) + "xx"
	}
	m.calls.WithLabelValues(op, outcome).Inc()
	if status == 429 {
		m.throttled.WithLabelValues(op).Inc()
	}
}

func (m *metrics) waited(op string, d time.Duration) {
	if d <= 0 {
		return
	}
	m.waits.WithLabelValues(op).Inc()
	m.waitSecs.WithLabelValues(op).Add(d.Seconds())
}
