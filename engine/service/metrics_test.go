package service_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/service"
)

func counter(t testing.TB, e *service.Engine, name string) float64 {
	return sumOf(t, e, name, true)
}

func gauge(t testing.TB, e *service.Engine, name string) float64 {
	return sumOf(t, e, name, false)
}

func sumOf(t testing.TB, e *service.Engine, name string, isCounter bool) float64 {
	t.Helper()
	families, err := e.Registry().Gather()
	require.NoError(t, err)
	total := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if isCounter {
				total += m.GetCounter().GetValue()
			} else {
				total += m.GetGauge().GetValue()
			}
		}
	}
	return total
}

// histogramCount is the number of observations of the histograms name.
func histogramCount(t testing.TB, e *service.Engine, name string) uint64 {
	t.Helper()
	families, err := e.Registry().Gather()
	require.NoError(t, err)
	var n uint64
	for _, f := range families {
		if f.GetName() == name {
			for _, m := range f.GetMetric() {
				n += m.GetHistogram().GetSampleCount()
			}
		}
	}
	return n
}
