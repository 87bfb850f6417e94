package sage500

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/internal/metric"
)

func counterVec(reg prometheus.Registerer, name, help string, labels ...string) (*prometheus.CounterVec, error) {
	return metric.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_sage500_" + name, Help: help}, labels))
}

// connMetrics are a connection's collectors.
type connMetrics struct {
	lookups *prometheus.CounterVec
}

func newConnMetrics(reg prometheus.Registerer) (*connMetrics, error) {
	l, err := counterVec(reg, "lookups_total", "Lookups served, by query and whether the cache had the result (hit, miss).", "query", "cache")
	return &connMetrics{lookups: l}, err
}

// sinkMetrics are a sink's collectors: messages by outcome and the time
// their transactions took.
type sinkMetrics struct {
	outcomes *prometheus.CounterVec
	seconds  prometheus.Observer
}

// newSinkMetrics registers pipewright_sage500_<name>_total{outcome} and the
// shared transaction-time histogram for the sink.
func newSinkMetrics(reg prometheus.Registerer, name, help, sink string) (*sinkMetrics, error) {
	out, err := counterVec(reg, name+"_total", help, "outcome")
	if err != nil {
		return nil, err
	}
	h, err := metric.Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "pipewright_sage500_write_seconds",
		Help:    "Time one message's database transaction took, by sink type.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
	}, []string{"sink"}))
	if err != nil {
		return nil, err
	}
	return &sinkMetrics{outcomes: out, seconds: h.WithLabelValues(sink)}, nil
}
