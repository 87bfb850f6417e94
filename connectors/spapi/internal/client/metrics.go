package client

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/internal/metric"
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
	return &metrics{
		calls: metric.CounterVec(reg, prometheus.CounterOpts{
			Name: "pipewright_spapi_calls_total",
			Help: "SP-API calls made, by operation and outcome (2xx, 4xx, 429, 5xx, error).",
		}, "operation", "outcome"),
		waits: metric.CounterVec(reg, prometheus.CounterOpts{
			Name: "pipewright_spapi_rate_limit_waits_total",
			Help: "SP-API calls that waited for a rate-limit token, by operation.",
		}, "operation"),
		waitSecs: metric.CounterVec(reg, prometheus.CounterOpts{
			Name: "pipewright_spapi_rate_limit_wait_seconds_total",
			Help: "Clock time SP-API calls spent waiting for rate-limit tokens, by operation.",
		}, "operation"),
		throttled: metric.CounterVec(reg, prometheus.CounterOpts{
			Name: "pipewright_spapi_throttled_total",
			Help: "SP-API calls answered 429 (throttled), by operation.",
		}, "operation"),
	}
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
