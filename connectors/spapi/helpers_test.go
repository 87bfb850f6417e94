package spapi_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// epoch is where engine and simulator time start in tests.
var epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// env is an SP-API connection to an in-process simulator (an
// spapi.simulator connection), the engine side a source or sink needs, and
// an HTTP server for webhooks.
type env struct {
	t     testing.TB
	clock component.Clock
	conn  *spapi.Connection
	sim   *simulator.Server
	mux   *componenttest.Mux
	hooks *httptest.Server
	pub   *componenttest.Publisher
	dead  *componenttest.DeadLetters
	reg   *prometheus.Registry // the metrics of the env's sources and sinks
	// sinkState is the State of every sink of the env, so a sink created
	// again sees what the one before stored, as in the engine.
	sinkState *componenttest.MemState
}

// pushToken makes the simulator push with the token s3cret in X-Hook-Token.
const pushToken = "header: X-Hook-Token, token: s3cret"

// newEnv starts a simulator and a connection using it; options are YAML
// lines of the simulator's options. With push (the simulator's notify
// options besides url, e.g. pushToken), the simulator pushes ORDER_CHANGE
// notifications to /hooks/orders of the env's hook server.
func newEnv(t testing.TB, clock component.Clock, options, push string) *env {
	t.Helper()
	e := &env{t: t, clock: clock, mux: componenttest.NewMux(), pub: &componenttest.Publisher{}, dead: &componenttest.DeadLetters{}, reg: prometheus.NewRegistry(),
		sinkState: componenttest.NewMemState()}
	e.hooks = httptest.NewServer(e.mux)
	t.Cleanup(e.hooks.Close)
	if push != "" {
		options += fmt.Sprintf("notify: {url: '%s/hooks/orders', %s}\n", e.hooks.URL, push)
	}
	for _, def := range []string{"orders_per_hour: 0", "settlement_period: 0s"} {
		if key, _, _ := strings.Cut(def, ":"); !strings.Contains(options, key+":") {
			options += def + "\n"
		}
	}
	e.sim = startSimulatorAt(t, clock, e.hooks.URL, options)
	e.conn = startConnection(t, clock, "retry: {max_attempts: 3, backoff: 1s, max_backoff: 4s}\n"+onSimulator(e.sim))
	return e
}

// startSimulator starts an spapi.simulator connection with options (YAML
// lines) on clock, on a free port and without keeping its world; the test
// shuts it down.
func startSimulator(t testing.TB, clock component.Clock, options string) *simulator.Server {
	t.Helper()
	return startSimulatorAt(t, clock, "", options)
}

// startSimulatorAt starts a simulator whose notification paths (notify
// options such as types: {X: /hooks/x}) are below publicURL.
func startSimulatorAt(t testing.TB, clock component.Clock, publicURL, options string) *simulator.Server {
	t.Helper()
	f := simulator.NewConnectionFactory()
	cfg := componenttest.DecodeConfig(t, f, "listen: 127.0.0.1:0\npersist: false\n"+options)
	set := componenttest.NewSettings(t, "connection/amazon-simulator")
	set.Clock = clock
	set.PublicURL = publicURL
	c, err := f.CreateConnection(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Shutdown(context.Background()) })
	return c.(*simulator.Connection).Server()
}

// onSimulator returns the options of an spapi connection that uses sim
// as Amazon: its endpoints, the demo credentials, seller and marketplaces.
func onSimulator(sim *simulator.Server) string {
	var markets []string
	for _, m := range demo.Marketplaces {
		markets = append(markets, m.ID)
	}
	return fmt.Sprintf("endpoint: %s\nlwa_endpoint: %s/auth/o2/token\n"+
		"credentials: {client_id: %s, client_secret: %s, refresh_token: '%s'}\nseller_id: %s\nmarketplaces: [%s]\n",
		sim.URL(), sim.URL(), simulator.DemoClientID, simulator.DemoClientSecret, simulator.DemoRefreshToken, demo.SellerID, strings.Join(markets, ", "))
}

// startConnection creates and starts an spapi connection from yaml on
// clock; the test shuts it down.
func startConnection(t testing.TB, clock component.Clock, yaml string) *spapi.Connection {
	t.Helper()
	return startSharedConnection(t, clock, nil, yaml)
}

// startSharedConnection starts a connection whose engine shares state
// with others through shared (nil: none), as the engines of a cluster do.
func startSharedConnection(t testing.TB, clock component.Clock, shared component.SharedState, yaml string) *spapi.Connection {
	t.Helper()
	f := spapi.NewConnectionFactory()
	cfg := componenttest.DecodeConfig(t, f, yaml)
	set := componenttest.NewSettings(t, "connection/amazon")
	set.Clock = clock
	set.Shared = shared
	c, err := f.CreateConnection(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Shutdown(context.Background()) })
	return c.(*spapi.Connection)
}

// settings returns component settings using the connection.
func (e *env) settings(id string) component.Settings {
	set := componenttest.NewSettings(e.t, id)
	set.Clock = e.clock
	set.Connection = e.conn
	set.Metrics = e.reg
	return set
}

// counter sums the series of a counter the env's components registered.
func (e *env) counter(t testing.TB, name string) float64 {
	t.Helper()
	mfs, err := e.reg.Gather()
	require.NoError(t, err)
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}

func (e *env) sourceSettings() component.SourceSettings {
	return component.SourceSettings{Settings: e.settings("test/source"), Publisher: e.pub, HTTP: e.mux, DeadLetter: e.dead}
}

func (e *env) sinkSettings() component.SinkSettings {
	set := component.SinkSettings{Settings: e.settings("test/sink"), DeadLetter: e.dead}
	set.State = e.sinkState
	return set
}

// start starts a component and shuts it down at the end of the test.
func start(t testing.TB, c component.Component) {
	t.Helper()
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Shutdown(context.Background()) })
}

// drive advances a manual clock in steps, letting the simulator and the
// components run between steps, until cond holds. steps is the simulated
// time the test expects to need; past it, drive goes on a step every 50ms,
// so that the components of a slow machine catch up rather than wait on a
// clock that stopped. It fails the test after componenttest.WaitLimit.
func drive(t testing.TB, clock *componenttest.ManualClock, sim *simulator.Server, step time.Duration, steps int, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(componenttest.WaitLimit)
	for i := 0; !cond(); i++ {
		if time.Now().After(deadline) {
			t.Fatalf("condition not reached after %d steps of %s (%s)", i, step, componenttest.WaitLimit)
		}
		clock.Advance(step)
		sim.Sync()
		if i < steps {
			time.Sleep(2 * time.Millisecond)
		} else {
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// run advances a manual clock n steps, letting the simulator and the
// components run between steps.
func run(clock *componenttest.ManualClock, sim *simulator.Server, step time.Duration, n int) {
	for i := 0; i < n; i++ {
		clock.Advance(step)
		sim.Sync()
		time.Sleep(2 * time.Millisecond)
	}
}

// bind binds an expression to a Go function of the message body.
func bind(e *component.Expr, f func(body map[string]any) any) {
	e.Bind(component.ProgramFunc(func(_ context.Context, m *component.Message) (any, error) {
		return f(m.Body.(map[string]any)), nil
	}))
}

// bindTemplate binds a template to a Go function of the message body.
func bindTemplate(tp *component.Template, f func(body map[string]any) any) {
	tp.Bind(component.ProgramFunc(func(_ context.Context, m *component.Message) (any, error) {
		return f(m.Body.(map[string]any)), nil
	}))
}
