package metric_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/metric"
)

func TestRegister_returns_the_collector_already_registered(t *testing.T) {
	reg := prometheus.NewRegistry()
	opts := prometheus.CounterOpts{Name: "pipewright_test_total", Help: "Test."}
	first, err := metric.Register(reg, prometheus.NewCounter(opts))
	require.NoError(t, err)
	second, err := metric.Register(reg, prometheus.NewCounter(opts))
	require.NoError(t, err)
	first.Inc()
	second.Inc()
	assert.Equal(t, 2.0, gathered(t, reg), "a restarted component counts on")
}

func TestRegister_reports_a_name_reused_with_other_labels(t *testing.T) {
	reg := prometheus.NewRegistry()
	_ = metric.CounterVec(reg, prometheus.CounterOpts{Name: "pipewright_test_total", Help: "Test."}, "a")
	_, err := metric.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_test_total", Help: "Test."}, []string{"b"}))
	assert.Error(t, err)
}

func TestCounterVec_counts_without_a_registry(t *testing.T) {
	c := metric.CounterVec(nil, prometheus.CounterOpts{Name: "pipewright_test_total", Help: "Test."}, "a")
	c.WithLabelValues("x").Inc()
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(c))
	assert.Equal(t, 1.0, gathered(t, reg))
}

// gathered returns the value of the one counter registered on reg.
func gathered(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	require.Len(t, families, 1)
	require.Len(t, families[0].GetMetric(), 1)
	return families[0].GetMetric()[0].GetCounter().GetValue()
}
