// Package metric registers the SP-API connector's Prometheus collectors.
package metric

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// CounterVec returns a counter vector registered on reg. When a collector
// of the same description is registered already (a component restarted on
// the same registry, or two connections sharing one), that one is returned.
// A nil reg registers nothing.
func CounterVec(reg prometheus.Registerer, opts prometheus.CounterOpts, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(opts, labels)
	if reg == nil {
		return c
	}
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
