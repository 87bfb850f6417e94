package spapi

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/internal/metric"
)

// rotationMetrics show a rotating connection's client secret: its age and
// announced expiry (computed when scraped) and the rotations.
type rotationMetrics struct {
	rotations *prometheus.CounterVec
}

func newRotationMetrics(reg prometheus.Registerer, r *rotator) *rotationMetrics {
	m := &rotationMetrics{rotations: metric.CounterVec(reg, prometheus.CounterOpts{
		Name: "pipewright_lwa_client_secret_rotations_total",
		Help: "LWA client-secret rotations this engine started, by outcome (rotated, failed).",
	}, "outcome")}
	_, _ = metric.Register(reg, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pipewright_lwa_client_secret_age_seconds",
		Help: "Age of the LWA client secret in use: since its rotation, or since an engine first ran with the configured one. Amazon's secrets expire after 180 days.",
	}, func() float64 { return r.status().Age.Seconds() }))
	_, _ = metric.Register(reg, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pipewright_lwa_client_secret_expiry_timestamp_seconds",
		Help: "When the LWA client secret in use expires (Unix time), as Amazon announced it; 0 while not known.",
	}, func() float64 {
		if st := r.status(); !st.Expires.IsZero() {
			return float64(st.Expires.Unix())
		}
		return 0
	}))
	return m
}
