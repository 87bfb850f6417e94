package webhook

import (
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
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
	requests, err := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: prefix + "requests_total",
		Help: "Webhook requests by path and HTTP status code of the answer.",
	}, []string{"path", "code"}))
	if err != nil {
		return nil, err
	}
	duration, err := register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    prefix + "request_duration_seconds",
		Help:    "Time from receiving a webhook request to answering it, including the durable publish.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 4, 8),
	}, []string{"path"}))
	if err != nil {
		return nil, err
	}
	return &metrics{requests: requests, duration: duration}, nil
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, err
}

func (m *metrics) observe(path string, status int, d time.Duration) {
	m.requests.WithLabelValues(path, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(path).Observe(d.Seconds())
}
