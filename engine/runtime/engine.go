package runtime

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/dlq"
	"github.com/pipewright/pipewright/engine/internal/transport"
)

// Options configures an Engine.
type Options struct {
	// Project is the loaded directory; required.
	Project *config.Project
	// DataDir overrides the project's data directory (--data).
	DataDir string
	// Listen overrides the project's HTTP address (--listen); "" keeps it,
	// and the default is 127.0.0.1:8080. Use 127.0.0.1:0 in tests.
	Listen string
	// TransportURL overrides the project's transport URL.
	TransportURL string
	// Logger receives JSON-ready structured logs; default slog.Default().
	Logger *slog.Logger
	// Clock is the engine's clock; default the wall clock.
	Clock component.Clock
	// Workers is the number of messages each pipeline processes at once
	// (default 32).
	Workers int
	// LogMessages logs one line per message a sink completed (demos,
	// troubleshooting; too much for a busy production engine).
	LogMessages bool
}

// Engine runs one pipeline directory.
type Engine struct {
	opts    Options
	project *config.Project
	log     *slog.Logger
	clock   component.Clock
	dataDir string
	names   transport.Names
	secrets *redactor

	conn    *transport.Conn
	js      jetstream.JetStream
	stateKV jetstream.KeyValue
	replays jetstream.KeyValue
	dlq     *dlq.Store
	admin   *Admin
	// lock holds the data directory (embedded transport only); adminOnly
	// marks an engine opened for a stopped engine's dead letters.
	lock      *dataLock
	adminOnly bool

	registry *prometheus.Registry
	metrics  *metrics

	connections map[string]*liveConnection
	pipelines   []*pipelineRunner
	router      *message.Router
	http        *httpServer

	started   []component.Component // in start order, for shutdown
	stopOnce  sync.Once
	routerErr chan error
}

// New checks the options; Start does the work.
func New(opts Options) (*Engine, error) {
	if opts.Project == nil {
		return nil, errors.New("runtime: no project")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Clock == nil {
		opts.Clock = component.WallClock{}
	}
	if opts.Workers == 0 {
		opts.Workers = 32
	}
	p := opts.Project
	dataDir := cmp.Or(opts.DataDir, p.DataDir, "data")
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	secrets := newRedactor(p.Secrets)
	e := &Engine{
		opts: opts, project: p, log: secrets.logger(opts.Logger), clock: opts.Clock, dataDir: abs,
		names: transport.Names{Project: p.Name}, secrets: secrets,
		registry: reg, metrics: newMetrics(reg), connections: map[string]*liveConnection{},
		routerErr: make(chan error, 1),
	}
	p.Globals.Clock = opts.Clock
	return e, nil
}

// Start brings the engine up: transport, streams, connections, sinks, the
// router, sources, then the HTTP server. On error everything started is
// stopped again. Errors the engine returns never hold a secret.
func (e *Engine) Start(ctx context.Context) error {
	if err := e.start(ctx); err != nil {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = e.Shutdown(stopCtx)
		return e.secrets.err(err)
	}
	return nil
}

func (e *Engine) start(ctx context.Context) error {
	if err := os.MkdirAll(e.dataDir, 0o755); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if err := e.startTransport(ctx); err != nil {
		return err
	}
	e.http = newHTTPServer(e)
	if err := e.startConnections(ctx); err != nil {
		return err
	}
	if err := e.buildPipelines(ctx); err != nil {
		return err
	}
	if err := e.startRouter(ctx); err != nil {
		return err
	}
	e.admin.startSweeper(sweepEvery)
	for _, p := range e.pipelines {
		if err := e.startComponent(ctx, p.source, p.pl.Name+"/source"); err != nil {
			return err
		}
	}
	if err := e.http.start(e.listenAddr()); err != nil {
		return err
	}
	e.lock.noteHTTP(e.http.addr())
	e.log.Info("engine started", "project", e.project.Name, "pipelines", len(e.pipelines),
		"http", e.http.addr(), "data_dir", e.dataDir, "transport", e.transportDesc())
	return nil
}

func (e *Engine) listenAddr() string {
	return cmp.Or(e.opts.Listen, e.project.Server.Listen, "127.0.0.1:8080")
}

func (e *Engine) transportDesc() string {
	if url := e.transportURL(); url != "" {
		return "external"
	}
	return "embedded"
}

func (e *Engine) transportURL() string {
	return cmp.Or(e.opts.TransportURL, e.project.Transport.URL)
}

func (e *Engine) startComponent(ctx context.Context, c component.Component, id string) error {
	if err := c.Start(ctx); err != nil {
		return fmt.Errorf("starting %s: %w", id, err)
	}
	e.started = append(e.started, c)
	return nil
}

// Addr is the HTTP server's address once started.
func (e *Engine) Addr() string { return e.http.addr() }

// Registry exposes the engine's Prometheus registry (for tests).
func (e *Engine) Registry() *prometheus.Registry { return e.registry }

// Shutdown stops intake first (HTTP server, sources), lets the router finish
// in-flight messages (the rest are redelivered later), then stops sinks,
// connections and the transport. It is safe to call more than once.
func (e *Engine) Shutdown(ctx context.Context) error {
	var errs []error
	e.stopOnce.Do(func() {
		if e.http != nil {
			errs = append(errs, e.http.stop(ctx))
		}
		// Sources were started last: stop them first (reverse order).
		for i := len(e.started) - 1; i >= 0; i-- {
			if isSource(e, e.started[i]) {
				errs = append(errs, e.started[i].Shutdown(ctx))
			}
		}
		if e.router != nil {
			errs = append(errs, e.router.Close())
		}
		for _, p := range e.pipelines {
			p.stop()
		}
		for i := len(e.started) - 1; i >= 0; i-- {
			if !isSource(e, e.started[i]) {
				errs = append(errs, e.started[i].Shutdown(ctx))
			}
		}
		for _, c := range e.connections {
			c.circuit.stop()
		}
		e.admin.stop()
		if e.conn != nil {
			e.conn.Close()
		}
		e.lock.release()
		e.log.Info("engine stopped")
	})
	return e.secrets.err(errors.Join(errs...))
}

func isSource(e *Engine, c component.Component) bool {
	for _, p := range e.pipelines {
		if p.source == c {
			return true
		}
	}
	return false
}

// Run starts the engine and stops it when ctx is done.
func Run(ctx context.Context, opts Options) error {
	e, err := New(opts)
	if err != nil {
		return err
	}
	if err := e.Start(ctx); err != nil {
		return err
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-e.routerErr:
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return errors.Join(e.secrets.err(runErr), e.Shutdown(stopCtx))
}
