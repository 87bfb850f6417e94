package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/flow"
	"github.com/pipewright/pipewright/engine/internal/policy"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/source"
)

// pipelineRunner is one pipeline's running parts in one generation. Its
// source and sinks may be shared with the generations before and after it
// (a reload keeps what did not change).
type pipelineRunner struct {
	e      *Engine
	pl     *config.Pipeline
	source *sourceRunner
	sinks  map[string]*sinkRunner
	exec   *flow.Executor
	// conns are the generation's connections by name.
	conns map[string]*liveConnection
	// deps are the circuits of the connections the steps and sinks use.
	deps []*circuit
	// handler is process wrapped in the error policy.
	handler policy.Handler
	// state holds what the steps remember (changed steps' last values,
	// guards' histories).
	state *transport.State
	// packs holds the done sets of packs (see pack_done.go), in the
	// seen-id bucket.
	packs *transport.State
	// dir is the pipeline directory.
	dir string
}

// readState serves the executor's reads of the steps' state.
func (p *pipelineRunner) readState(ctx context.Context, key string) ([]byte, bool, error) {
	v, err := p.state.Get(ctx, key)
	if errors.Is(err, component.ErrNotFound) {
		return nil, false, nil
	}
	return v, err == nil, err
}

// commit makes an output's state writes once its sink completed it. A
// failed write only means the value is sent again next time. The writes
// outlive the message's context: a shutdown that cancels it right after
// the sink completed must not forget what was delivered.
func (p *pipelineRunner) commit(ctx context.Context, o flow.Output) {
	p.reportFlags(o.Flags)
	if len(o.After) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	for _, w := range o.After {
		var err error
		if w.Merge != nil {
			err = p.state.Update(ctx, w.Key, w.Merge)
		} else {
			err = p.state.Put(ctx, w.Key, w.Value)
		}
		if err != nil {
			p.e.log.Warn("cannot remember a delivered value; it will be sent again", "pipeline", p.pl.Name, "key", w.Key, "error", err)
		}
	}
}

// commitTimeout bounds the state writes of one delivered output.
const commitTimeout = 30 * time.Second

// buildPipeline builds pl's runner for generation g, taking over the sinks
// and source of have whose keys are unchanged and creating the others.
func (e *Engine) buildPipeline(ctx context.Context, have *running, g *generation, pl *config.Pipeline) (*pipelineRunner, error) {
	p := &pipelineRunner{e: e, pl: pl, sinks: map[string]*sinkRunner{}, conns: g.connections, dir: g.project.Dir}
	deps := map[string]*circuit{}
	for _, name := range sortedKeys(pl.Sinks) {
		cc := pl.Sinks[name]
		key := componentKey(g.project, pl, cc)
		sr := have.sinks[key]
		if sr == nil {
			var err error
			if sr, err = e.buildSink(ctx, p, cc, key); err != nil {
				return nil, err
			}
			have.sinks[key] = sr
		}
		p.sinks[name] = sr
		if sr.circuit != nil {
			deps[sr.circuit.name] = sr.circuit
		}
	}
	for _, st := range pl.Steps {
		for _, c := range st.Connections() {
			deps[c] = g.connections[c].circuit
		}
	}
	for _, name := range sortedKeys(deps) {
		p.deps = append(p.deps, deps[name])
	}
	p.state = transport.NewState(e.stateKV, pl.Name+"/steps")
	p.packs = transport.NewState(e.seenKV, pl.Name+"/packs")
	p.exec = flow.New(pl, &config.StepEnv{Globals: g.project.Globals, Lookup: p.lookup, State: p.readState, Approved: p.approved}, e.metrics.stepObserver(pl.Name))
	p.handler = p.errorPolicy()
	key := componentKey(g.project, pl, pl.Source)
	src := have.sources[key]
	if src == nil {
		var err error
		if src, err = e.buildSource(ctx, p, key); err != nil {
			return nil, err
		}
		have.sources[key] = src
	}
	p.source = src
	return p, nil
}

// buildSource creates the pipeline's source, run by the engine's source
// runner (its poll loops and pushed routes); it starts once its generation
// is current.
func (e *Engine) buildSource(ctx context.Context, p *pipelineRunner, key string) (*sourceRunner, error) {
	cc := p.pl.Source
	id := p.pl.Name + "/source"
	sr := &sourceRunner{key: key, id: id, http: e.http.registrar(id)}
	gate := e.aheadGate(p.pl.Name)
	set := component.SourceSettings{
		Settings:   e.settings(p.dir, id, p.pl.Name),
		Publisher:  &sourcePublisher{e: e, pipeline: p.pl.Name, gate: gate},
		HTTP:       sr.http,
		DeadLetter: &deadLetterer{p: p, step: "source", index: 0},
		MaxPayload: e.conn.NC.MaxPayload(),
	}
	if cc.Connection != "" {
		set.Connection = p.conns[cc.Connection].conn
	}
	src, err := cc.Factory.(component.SourceFactory).CreateSource(ctx, set, cc.Config)
	if err != nil {
		e.http.release(sr.http)
		return nil, fmt.Errorf("creating %s (%s): %w", id, cc.Type, err)
	}
	opts := source.Options{Owner: e.leases, Recheck: e.leases.Recheck()}
	if gate != nil {
		opts.Backpressure = gate
	}
	sr.src = source.New(set, src, opts)
	return sr, nil
}

// lookup runs a lookup step against its connection, feeding the circuit.
func (p *pipelineRunner) lookup(ctx context.Context, q config.LookupQuery) (any, error) {
	lc := p.conns[q.Connection]
	lk, ok := lc.conn.(component.Lookuper)
	if !ok {
		return nil, component.Permanentf("connection %s does not serve lookups", lc.name)
	}
	v, err := lk.Lookup(ctx, q.Query, q.Params)
	switch {
	case err == nil:
		lc.circuit.Success()
	case component.IsRetryable(err):
		lc.circuit.Failure(err)
	}
	return v, err
}

// subscribe builds a pipeline's Watermill subscriber: a JetStream push
// consumer shared through a queue group, with the pipeline's backoff for
// negative acknowledgements. It has a connection of its own, which it
// drains when the router closes it (so the engine's connection stays open
// for the sinks' shutdown).
// The engine acknowledges processed messages itself, synchronously (see
// ack.go); the subscriber sends negative acknowledgements, and a plain ack
// for a message whose synchronous one was not confirmed.
// subscribeWait bounds each JetStream API request a pipeline's subscriber
// makes (binding to its durable consumer).
const subscribeWait = 30 * time.Second

func (e *Engine) subscribe(pipeline string) (message.Subscriber, error) {
	durable := e.names.Durable(pipeline)
	ackWait := e.limits().AckWait
	nc, err := e.conn.Dial(e.conn.NC.Opts.Name + "/" + pipeline)
	if err != nil {
		return nil, err
	}
	sub, err := wmnats.NewSubscriberWithNatsConn(nc, wmnats.SubscriberSubscriptionConfig{
		Unmarshaler:       deliveryUnmarshaler{inFlight: &e.inFlight},
		SubjectCalculator: wmnats.DefaultSubjectCalculator,
		QueueGroupPrefix:  durable,
		SubscribersCount:  e.opts.Workers,
		AckWaitTimeout:    packAckWait(ackWait),
		CloseTimeout:      ackWait,
		NakDelay:          pipelineBackoff{e: e, pipeline: pipeline},
		JetStream: wmnats.JetStreamConfig{
			// Binding looks the consumer up: on a cluster that has only
			// just elected its leaders, or a busy machine, that answer can
			// take longer than nats.go's 5 s default, and a failed
			// subscription stops the engine's start.
			ConnectOptions:   []nats.JSOpt{nats.MaxWait(subscribeWait)},
			AckAsync:         true,
			DurablePrefix:    durable,
			SubscribeOptions: []nats.SubOpt{nats.Bind(e.names.Stream(pipeline), durable), nats.ManualAck()},
		},
	}, newWatermillLogger(e.log))
	if err != nil {
		nc.Close()
	}
	return sub, err
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
