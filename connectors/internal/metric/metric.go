// Package metric registers connectors' Prometheus collectors on the
// registerer the engine hands a component (component.Settings.Metrics).
package metric

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Register registers c on reg. When a collector of the same description is
// registered already (a component restarted on the same registry, or two
// components of one type sharing it), that one is returned instead, so
// their counts add up. A nil reg registers nothing. Other registration
// errors (a name reused with other labels) are returned with c.
func Register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if reg == nil {
		return c, nil
	}
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, err
}

// CounterVec returns a counter vector registered on reg as Register does;
// a registration error leaves the vector unregistered (it still counts, but
// is not exported).
func CounterVec(reg prometheus.Registerer, opts prometheus.CounterOpts, labels ...string) *prometheus.CounterVec {
	c, _ := Register(reg, prometheus.NewCounterVec(opts, labels))
	return c
}
