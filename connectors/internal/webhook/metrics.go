package webhook

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/internal/metric"
)

// metrics counts requests by path and status code and times them.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// newMetrics registers the collectors named pipewright_<connector>_webhook_*.
// A second endpoint of the same connector on the same registry shares them
// (the path label tells them apart).
func newMetrics(reg prometheus.Registerer, connector string) (*metrics, error) {
	prefix := "pipewright_" + connector + "_webhook_"
	requests, err := metric.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: prefix + "requests_total",
		Help: "Webhook requests by path and HTTP status code of the answer.",
	}, []string{"path", "code"}))
	if err != nil {
		return nil, err
	}
	duration, err := metric.Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    prefix + "request_duration_seconds",
		Help:    "Time from receiving a webhook request to answering it, including the durable publish.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 4, 8),
	}, []string{"path"}))
	if err != nil {
		return nil, err
	}
	return &metrics{requests: requests, duration: duration}, nil
}

func (m *metrics) observe(path string, status int, d time.Duration) {
	m.requests.WithLabelValues(path, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(path).Observe(d.Seconds())
}
