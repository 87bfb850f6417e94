package service

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/flow"
)

// metrics are the engine's own Prometheus metrics.
type metrics struct {
	in           *prometheus.CounterVec
	out          *prometheus.CounterVec
	dropped      *prometheus.CounterVec
	duplicates   *prometheus.CounterVec
	failed       *prometheus.CounterVec
	retried      *prometheus.CounterVec
	deadLettered *prometheus.CounterVec
	resolved     *prometheus.CounterVec
	guard        *prometheus.CounterVec
	stepSeconds  *prometheus.HistogramVec
	e2eSeconds   *prometheus.HistogramVec
	// e2eByPipeline holds e2eSeconds' histogram of each pipeline
	// (pipeline name -> prometheus.Observer).
	e2eByPipeline sync.Map
	// lastReceived is the receipt time observeEndToEnd parsed last.
	lastReceived atomic.Pointer[parsedTime]
	circuitState *prometheus.GaugeVec
	reloads      *prometheus.CounterVec
	// ackUnconfirmed counts acknowledgements the server did not confirm.
	ackUnconfirmed *prometheus.CounterVec
	held           *prometheus.GaugeVec
	reg            *prometheus.Registry
}

func newMetrics(reg *prometheus.Registry) *metrics {
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m := &metrics{reg: reg}
	m.in = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_messages_in_total", Help: "Messages a source durably published into a pipeline."}, []string{"pipeline"})
	m.duplicates = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_messages_duplicate_total", Help: "Messages a source published again that the stream already held (same id within the duplicate window): discarded, not processed twice."}, []string{"pipeline"})
	m.out = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_messages_out_total", Help: "Messages a sink completed."}, []string{"pipeline", "sink"})
	m.dropped = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_messages_dropped_total", Help: "Messages a filter step dropped."}, []string{"pipeline", "step"})
	m.failed = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_messages_failed_total", Help: "Failures by step and class (permanent, retryable, unclassified, exhausted, expired, held)."}, []string{"pipeline", "step", "class"})
	m.retried = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_messages_retried_total", Help: "Messages handed back to the stream for a later attempt."}, []string{"pipeline"})
	m.deadLettered = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_messages_dead_lettered_total", Help: "Messages sent to the dead-letter stream."}, []string{"pipeline", "step"})
	m.resolved = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_dlq_resolved_total", Help: "Dead letters resolved, by how (replayed, filtered, replaced, delivered, operator, approved, rejected)."}, []string{"pipeline", "how"})
	m.guard = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_guard_findings_total", Help: "Guard rules broken, by step, rule and action: held (stopped for review) or flagged (delivered, alerted)."}, []string{"pipeline", "step", "rule", "action"})
	m.stepSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "pipewright_step_duration_seconds", Help: "Time spent in each step.",
		Buckets: prometheus.ExponentialBuckets(0.00001, 4, 10)}, []string{"pipeline", "step"})
	m.e2eSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "pipewright_end_to_end_seconds", Help: "From receipt by the source to completion by the sink.",
		Buckets: prometheus.ExponentialBuckets(0.001, 4, 12)}, []string{"pipeline"})
	m.circuitState = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "pipewright_circuit_open", Help: "1 while a connection's circuit breaker is open."}, []string{"connection"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_config_reloads_total", Help: "Reloads of the pipeline directory by outcome: applied, unchanged or refused."}, []string{"status"})
	m.ackUnconfirmed = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pipewright_acks_unconfirmed_total", Help: "Acknowledgements NATS did not confirm (a node failing over): the message may come again, and sinks drop a repeat by message id."}, []string{"pipeline"})
	m.held = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "pipewright_source_held", Help: "1 while a pipeline's polling sources wait for its consumers to catch up (transport.max_ahead)."}, []string{"pipeline"})
	for _, c := range []prometheus.Collector{m.in, m.duplicates, m.out, m.dropped, m.failed, m.retried, m.deadLettered, m.resolved, m.guard, m.stepSeconds, m.e2eSeconds, m.circuitState, m.reloads, m.ackUnconfirmed, m.held,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		f(c)
	}
	return m
}

// stepObserver records step latency and drops. Each step's latency
// histogram is looked up once, not per message.
func (m *metrics) stepObserver(pipeline string) flow.Observer {
	var seconds sync.Map // *config.Step -> prometheus.Observer
	return func(st *config.Step, d time.Duration, o flow.Outcome) {
		h, ok := seconds.Load(st)
		if !ok {
			h, _ = seconds.LoadOrStore(st, m.stepSeconds.WithLabelValues(pipeline, st.Name))
		}
		h.(prometheus.Observer).Observe(d.Seconds())
		if o == flow.Dropped {
			m.dropped.WithLabelValues(pipeline, st.Name).Inc()
		}
	}
}

// observeEndToEnd records the time from msg's receipt to now, with the
// pipeline's histogram looked up once.
func (m *metrics) observeEndToEnd(pipeline string, msg *component.Message, now time.Time) {
	t, ok := m.receivedAt(msg.Meta(component.MetaReceivedAt))
	if !ok {
		return
	}
	h, ok := m.e2eByPipeline.Load(pipeline)
	if !ok {
		h, _ = m.e2eByPipeline.LoadOrStore(pipeline, m.e2eSeconds.WithLabelValues(pipeline))
	}
	h.(prometheus.Observer).Observe(now.Sub(t).Seconds())
}

// receivedAt parses a message's receipt time. The records of a batch
// share theirs, so the last one parsed is kept and not parsed again.
func (m *metrics) receivedAt(s string) (time.Time, bool) {
	if last := m.lastReceived.Load(); last != nil && last.text == s {
		return last.t, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	m.lastReceived.Store(&parsedTime{text: s, t: t})
	return t, true
}

// parsedTime is a time and the text it was parsed from.
type parsedTime struct {
	text string
	t    time.Time
}

// watchStreams registers gauges read from JetStream at scrape time: the
// backlog of each pipeline's consumer and the dead-letter depth.
func (m *metrics) watchStreams(e *Engine) {
	m.reg.MustRegister(&streamCollector{e: e,
		backlog: prometheus.NewDesc("pipewright_stream_backlog", "Stream messages waiting in a pipeline's stream (pending plus in flight); a pack of records (transport.pack) counts once.", []string{"pipeline"}, nil),
		dlq:     prometheus.NewDesc("pipewright_dlq_depth", "Open dead letters (waiting for review), per pipeline.", []string{"pipeline"}, nil),
	})
}

type streamCollector struct {
	e            *Engine
	backlog, dlq *prometheus.Desc
}

func (c *streamCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.backlog; ch <- c.dlq }

func (c *streamCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, pl := range c.e.project().Pipelines {
		if n, err := c.e.backlog(ctx, pl.Name); err == nil {
			ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, float64(n), pl.Name)
		}
	}
	depth, err := c.e.dlq.Depth(ctx)
	if err != nil {
		return
	}
	for _, pl := range c.e.project().Pipelines {
		ch <- prometheus.MustNewConstMetric(c.dlq, prometheus.GaugeValue, float64(depth[pl.Name]), pl.Name)
	}
}

// backlog returns the messages waiting for or being processed by a
// pipeline's consumer.
func (e *Engine) backlog(ctx context.Context, pipeline string) (uint64, error) {
	return e.streamBacklog(pipeline)(ctx)
}
