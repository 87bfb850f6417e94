package service

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// opsCollector reports the engine's health at scrape time: readiness, the
// version it runs (an info gauge, so a dashboard shows when the engines of
// a cluster differ), connection states and the data directory.
type opsCollector struct {
	e                                  *Engine
	ready, info, degraded, lastSuccess *prometheus.Desc
	dataReady, dataFree                *prometheus.Desc
}

func newOpsCollector(e *Engine) *opsCollector {
	return &opsCollector{e: e,
		ready:       prometheus.NewDesc("pipewright_ready", "1 while /readyz reports the engine ready.", nil, nil),
		info:        prometheus.NewDesc("pipewright_config_info", "The pipeline directory the engine runs: version is its content hash. Always 1.", []string{"project", "version"}, nil),
		degraded:    prometheus.NewDesc("pipewright_connection_degraded", "1 while a connection's calls have failed with retryable errors for server.health.degraded_after or its circuit is open.", []string{"connection"}, nil),
		lastSuccess: prometheus.NewDesc("pipewright_connection_last_success_timestamp_seconds", "When a call on the connection last succeeded (Unix seconds).", []string{"connection"}, nil),
		dataReady:   prometheus.NewDesc("pipewright_data_dir_ready", "1 while the data directory has the free space required and takes writes.", nil, nil),
		dataFree:    prometheus.NewDesc("pipewright_data_dir_free_bytes", "Free space of the data directory's file system.", nil, nil),
	}
}

func (c *opsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.ready, c.info, c.degraded, c.lastSuccess, c.dataReady, c.dataFree} {
		ch <- d
	}
}

func (c *opsCollector) Collect(ch chan<- prometheus.Metric) {
	g := c.e.gen()
	ch <- prometheus.MustNewConstMetric(c.info, prometheus.GaugeValue, 1, g.project.Name, g.version)
	ch <- prometheus.MustNewConstMetric(c.ready, prometheus.GaugeValue, bool01(c.e.readiness().Ready))
	for _, h := range c.e.connectionHealth() {
		ch <- prometheus.MustNewConstMetric(c.degraded, prometheus.GaugeValue, bool01(h.State == ConnDegraded || h.State == ConnDown), h.Name)
		if h.LastSuccess != nil {
			ch <- prometheus.MustNewConstMetric(c.lastSuccess, prometheus.GaugeValue, float64(h.LastSuccess.UnixMilli())/1000, h.Name)
		}
	}
	d := c.e.dataDirHealth()
	ch <- prometheus.MustNewConstMetric(c.dataReady, prometheus.GaugeValue, bool01(d.Ready))
	if d.FreeBytes != nil {
		ch <- prometheus.MustNewConstMetric(c.dataFree, prometheus.GaugeValue, float64(*d.FreeBytes))
	}
}

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// replacingRegisterer registers a restarted component's collectors in place
// of its previous instance's (the same component id gives the same
// descriptions): the old instance is stopped or about to be.
type replacingRegisterer struct{ prometheus.Registerer }

func (r replacingRegisterer) Register(c prometheus.Collector) error {
	err := r.Registerer.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		r.Registerer.Unregister(are.ExistingCollector)
		return r.Registerer.Register(c)
	}
	return err
}

func (r replacingRegisterer) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}
