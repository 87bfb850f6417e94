package runtime

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/flow"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// pipelineRunner is one pipeline's running parts.
type pipelineRunner struct {
	e      *Engine
	pl     *config.Pipeline
	source component.Source
	sinks  map[string]*sinkRunner
	exec   *flow.Executor
	// deps are the circuits of the connections the steps and sinks use.
	deps   []*circuit
	budget *budget
	// state holds what the steps remember (changed steps' last values).
	state component.State
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
// failed write only means the value is sent again next time.
func (p *pipelineRunner) commit(ctx context.Context, o flow.Output) {
	for _, w := range o.After {
		if err := p.state.Put(ctx, w.Key, w.Value); err != nil {
			p.e.log.Warn("cannot remember a delivered value; it will be sent again", "pipeline", p.pl.Name, "key", w.Key, "error", err)
		}
	}
}

func (e *Engine) buildPipelines(ctx context.Context) error {
	for _, pl := range e.project.Pipelines {
		p, err := e.buildPipeline(ctx, pl)
		if err != nil {
			return err
		}
		e.pipelines = append(e.pipelines, p)
	}
	return nil
}

func (e *Engine) buildPipeline(ctx context.Context, pl *config.Pipeline) (*pipelineRunner, error) {
	p := &pipelineRunner{e: e, pl: pl, sinks: map[string]*sinkRunner{}, budget: newBudget()}
	deps := map[string]*circuit{}
	names := make([]string, 0, len(pl.Sinks))
	for name := range pl.Sinks {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		sr, err := e.buildSink(ctx, p, pl.Sinks[name])
		if err != nil {
			return nil, err
		}
		p.sinks[name] = sr
		if sr.circuit != nil {
			deps[sr.circuit.name] = sr.circuit
		}
	}
	for _, st := range pl.Steps {
		if st.Lookup != nil {
			deps[st.Lookup.Connection] = e.connections[st.Lookup.Connection].circuit
		}
	}
	for _, c := range deps {
		p.deps = append(p.deps, c)
	}
	p.state = transport.NewState(e.stateKV, pl.Name+"/steps")
	p.exec = flow.New(pl, e.project.Globals, p.lookup, p.readState, e.metrics.stepObserver(pl.Name))
	src, err := e.buildSource(ctx, p)
	if err != nil {
		return nil, err
	}
	p.source = src
	return p, nil
}

func (e *Engine) buildSource(ctx context.Context, p *pipelineRunner) (component.Source, error) {
	cc := p.pl.Source
	id := p.pl.Name + "/source"
	set := component.SourceSettings{
		Settings:   e.settings(id, p.pl.Name),
		Publisher:  &sourcePublisher{p: p},
		HTTP:       e.http,
		DeadLetter: &deadLetterer{p: p, step: "source", index: 0},
		MaxPayload: e.conn.NC.MaxPayload(),
	}
	if cc.Connection != "" {
		set.Connection = e.connections[cc.Connection].conn
	}
	src, err := cc.Factory.(component.SourceFactory).CreateSource(ctx, set, cc.Config)
	if err != nil {
		return nil, fmt.Errorf("creating %s (%s): %w", id, cc.Type, err)
	}
	return src, nil
}

// lookup runs a lookup step against its connection, feeding the circuit.
func (p *pipelineRunner) lookup(ctx context.Context, st *config.Step, params map[string]any) (any, error) {
	lc := p.e.connections[st.Lookup.Connection]
	lk, ok := lc.conn.(component.Lookuper)
	if !ok {
		return nil, component.Permanentf("connection %s does not serve lookups", lc.name)
	}
	v, err := lk.Lookup(ctx, st.Lookup.Query, params)
	switch {
	case err == nil:
		lc.circuit.Success()
	case component.IsRetryable(err):
		lc.circuit.Failure(err)
	}
	return v, err
}

// subscribe builds the pipeline's Watermill subscriber: a JetStream push
// consumer shared through a queue group, with the pipeline's backoff for
// negative acknowledgements. It has a connection of its own, which it
// drains when the router closes it (so the engine's connection stays open
// for the sinks' shutdown).
func (p *pipelineRunner) subscribe() (message.Subscriber, error) {
	e := p.e
	durable := e.names.Durable(p.pl.Name)
	ackWait := e.limits().AckWait
	nc, err := e.conn.Dial(e.conn.NC.Opts.Name + "/" + p.pl.Name)
	if err != nil {
		return nil, err
	}
	sub, err := wmnats.NewSubscriberWithNatsConn(nc, wmnats.SubscriberSubscriptionConfig{
		Unmarshaler:       deliveryUnmarshaler{},
		SubjectCalculator: wmnats.DefaultSubjectCalculator,
		QueueGroupPrefix:  durable,
		SubscribersCount:  e.opts.Workers,
		AckWaitTimeout:    ackWait,
		CloseTimeout:      ackWait,
		NakDelay:          backoff{policy: p.pl.Errors.Retry},
		JetStream: wmnats.JetStreamConfig{
			AckAsync:         true,
			DurablePrefix:    durable,
			SubscribeOptions: []nats.SubOpt{nats.Bind(e.names.Stream(p.pl.Name), durable), nats.ManualAck()},
		},
	}, newWatermillLogger(e.log))
	if err != nil {
		nc.Close()
	}
	return sub, err
}

// deliveryUnmarshaler decodes like the NATS marshaler and records the
// delivery attempt from the JetStream metadata.
type deliveryUnmarshaler struct{ wmnats.NATSMarshaler }

func (u deliveryUnmarshaler) Unmarshal(m *nats.Msg) (*message.Message, error) {
	wm, err := u.NATSMarshaler.Unmarshal(m)
	if err != nil {
		return nil, err
	}
	if md, err := m.Metadata(); err == nil {
		wm.Metadata.Set(metaDelivered, strconv.FormatUint(md.NumDelivered, 10))
	}
	return wm, nil
}

func (p *pipelineRunner) stop() {
	for _, s := range p.sinks {
		s.batcher.stop()
	}
}
