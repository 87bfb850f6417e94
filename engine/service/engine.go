package service

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/activity"
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
	// Load loads the directory again for a reload, the way Project was
	// loaded (same registry, env and clock). Nil: the engine cannot reload.
	Load func(dir string) (*config.Project, error)
	// WatchEvery polls the directory for changes this often and reloads
	// once they settle; 0 turns watching off (reload on demand only).
	WatchEvery time.Duration
	// ReloadOn reloads the directory on every value received (the CLI
	// passes SIGHUP); used by Run.
	ReloadOn <-chan os.Signal
	// FreeSpace returns the bytes free on the file system of a directory;
	// default: asked of the operating system. Tests simulate a full disk.
	FreeSpace func(dir string) (uint64, error)
	// Addons live with the engine: the operator console, alerts.
	Addons []Addon
}

// Engine runs one pipeline directory and reloads it while running.
type Engine struct {
	opts     Options
	instance string // random: tells this engine from another on the same address
	log      *slog.Logger
	clock    component.Clock
	dataDir  string
	names    transport.Names
	secrets  *redactor

	conn    *transport.Conn
	js      jetstream.JetStream
	stateKV jetstream.KeyValue
	seenKV  jetstream.KeyValue // message ids sinks completed (component.SeenIDs)
	// packMemo tells keyless sinks the records of the packs in flight.
	packMemo *packMemo
	// inFlight holds the stream messages being handled, for ackSync.
	inFlight deliveries
	replays  jetstream.KeyValue
	shared   *transport.Shared
	// leases decide which instance polls each source loop; sharedKV is
	// the bucket they live in.
	leases   *transport.Leases
	sharedKV jetstream.KeyValue
	dlq      *dlq.Store
	admin    *Admin
	// activity is the record per business key (nil when off); flows the
	// pipelines' last success and error.
	activity *activity.Store
	flows    *activity.Flows
	// lock holds the data directory (embedded transport only); adminOnly
	// marks an engine opened for a stopped engine's dead letters.
	lock      *dataLock
	adminOnly bool

	registry *prometheus.Registry
	metrics  *metrics
	// findings are the guards' recent holds and flags, for alerts.
	findings findingLog
	// listings is the board of listing problems (listings.go).
	listings *listingBoard

	// cur is the generation messages are processed by.
	cur      atomic.Pointer[generation]
	router   *message.Router
	handlers map[string]*routed // by pipeline; changed by Start and reloads (reloads.run)
	http     *httpServer
	reloads  *reloads
	dataCk   *dataDirCheck
	dests    destinations

	addons    []Addon
	stopOnce  sync.Once
	stopWatch context.CancelFunc
	routerErr chan error
}

// New checks the options; Start does the work.
func New(opts Options) (*Engine, error) {
	if opts.Project == nil {
		return nil, errors.New("engine: no project")
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
		opts: opts, instance: newInstanceID(), log: secrets.logger(opts.Logger), clock: opts.Clock, dataDir: abs,
		names: transport.Names{Project: p.Name}, secrets: secrets,
		registry: reg, metrics: newMetrics(reg), handlers: map[string]*routed{}, packMemo: newPackMemo(),
		reloads: &reloads{}, routerErr: make(chan error, 1),
		stopWatch: func() {},
	}
	e.dataCk = newDataDirCheck(abs, opts.FreeSpace)
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
	if err := e.http.listen(e.listenAddr()); err != nil {
		return err
	}
	p := e.opts.Project
	version, err := Version(p)
	if err != nil {
		e.log.Warn("cannot compute the directory's version", "error", err)
	}
	have := newRunning()
	g, err := e.assemble(ctx, have, p, version)
	if err != nil {
		_ = e.stopAll(ctx, have)
		return err
	}
	g.watched, _ = watchState(p)
	e.cur.Store(g)
	e.registry.MustRegister(newOpsCollector(e))
	if err := e.startRouter(ctx, g); err != nil {
		return err
	}
	e.admin.startSweeper(sweepEvery)
	if err := e.startSources(ctx, g); err != nil {
		return err
	}
	if err := e.startAddons(ctx); err != nil {
		return err
	}
	e.http.serve()
	e.lock.noteHTTP(e.http.addr())
	e.checkNotificationDestinations(g)
	e.watch()
	e.log.Info("engine started", "project", p.Name, "instance", e.instance, "version", version, "pipelines", len(g.order),
		"http", e.http.addr(), "public_url", e.publicURL(), "data_dir", e.dataDir, "transport", e.transportDesc())
	return nil
}

func (e *Engine) listenAddr() string {
	return cmp.Or(e.opts.Listen, e.opts.Project.Server.Listen, "127.0.0.1:8080")
}

func (e *Engine) transportDesc() string {
	if url := e.transportURL(); url != "" {
		return "external"
	}
	return "embedded"
}

func (e *Engine) transportURL() string {
	return cmp.Or(e.opts.TransportURL, e.opts.Project.Transport.URL)
}

// Addr is the HTTP server's address once started.
func (e *Engine) Addr() string { return e.http.addr() }

// Registry exposes the engine's Prometheus registry (for tests).
func (e *Engine) Registry() *prometheus.Registry { return e.registry }

// Shutdown stops intake first (HTTP server, sources), lets the router finish
// in-flight messages (the rest are redelivered later), then stops sinks,
// connections and the transport. It waits for a reload in progress and
// refuses later ones. It is safe to call more than once.
func (e *Engine) Shutdown(ctx context.Context) error {
	var errs []error
	e.stopOnce.Do(func() {
		errs = append(errs, e.stopAddons(ctx)...)
		e.stopWatch()
		e.reloads.close()
		if e.http != nil {
			errs = append(errs, e.http.stop(ctx))
		}
		var r *running
		if g := e.gen(); g != nil {
			r = g.running()
			// Sources first: intake stops before processing does.
			stopKeys(r.sources, nil, func(s *sourceRunner) { errs = append(errs, e.stopSource(ctx, s)) })
		}
		if e.router != nil {
			errs = append(errs, e.router.Close())
		}
		if r != nil {
			errs = append(errs, e.stopAll(ctx, r))
		}
		if e.leases != nil {
			e.leases.Stop() // the sources released theirs
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

// Run starts the engine, reloads it on every value of opts.ReloadOn and
// stops it when ctx is done.
func Run(ctx context.Context, opts Options) error {
	e, err := New(opts)
	if err != nil {
		return err
	}
	if err := e.Start(ctx); err != nil {
		return err
	}
	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case runErr = <-e.routerErr:
			break loop
		case sig := <-opts.ReloadOn:
			e.Reload(ctx, "signal "+sig.String())
		}
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return errors.Join(e.secrets.err(runErr), e.Shutdown(stopCtx))
}

// randomHex is n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
