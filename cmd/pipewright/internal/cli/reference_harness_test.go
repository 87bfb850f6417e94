package cli_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/service"
)

// referenceDir is the reference client directory, run by the end-to-end test.
const referenceDir = "../../../../pipelines/sage500-amazon"

// world is the reference directory running against a simulator the test
// owns, on one accelerated clock, with its data in a temporary directory.
type world struct {
	t *testing.T
	// dir is the directory run (default: the reference directory).
	dir   string
	clock component.Clock
	// origin is the real time at which clock read the real time: engine
	// processes run -time-origin origin to share it.
	origin time.Time
	scale  float64
	sim    *simulator.Server
	env    map[string]string
	dbPath string
	data   string
	engine *service.Engine
	hook   string
	sage   *sql.DB // the checks' handle on the demo database, opened once
	// addons run with the engine (the console, alerts).
	addons []service.Addon
	// watch, when set, has the engine poll its directory this often and
	// reload it when a file changes, as `run -watch` does; 0: the engine
	// reloads only when asked (Engine.Reload, as on SIGHUP).
	watch time.Duration
	// initialStock is the demo database's stock before the engine ran.
	initialStock map[binKey]int64
}

const hookToken = "e2e-hook-token"

// newWorld prepares the reference directory against a simulator with
// faults; opts change the simulator's config further.
func newWorld(t *testing.T, scale float64, faults simulator.Faults, opts ...func(*simulator.Config)) *world {
	t.Helper()
	tmp := t.TempDir()
	origin := time.Now()
	w := &world{t: t, dir: referenceDir, clock: component.NewScaledClock(origin, scale), origin: origin, scale: scale,
		data: filepath.Join(tmp, "data"), dbPath: filepath.Join(tmp, "sage500.db")}
	listen := freeAddr(t)
	w.hook = "http://" + listen + "/hooks/amazon/orders"
	cfg := simulator.DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.Clock = w.clock
	cfg.OrdersPerHour = 60
	cfg.History = 90 * time.Minute
	cfg.SettlementPeriod = 30 * time.Minute
	cfg.Notify.URL = w.hook
	cfg.Notify.FBAInventoryURL = "http://" + listen + "/hooks/amazon/fba-inventory"
	cfg.Notify.Header, cfg.Notify.Token = "X-Hook-Token", hookToken
	cfg.Notify.TypeURLs = mcfNotifyURLs(listen)
	maps.Copy(cfg.Notify.TypeURLs, eventNotifyURLs(listen))
	cfg.Faults = faults
	for _, o := range opts {
		o(&cfg)
	}
	sim, err := simulator.New(cfg)
	require.NoError(t, err)
	require.NoError(t, sim.Start(context.Background()))
	t.Cleanup(func() { _ = sim.Close() })
	w.sim = sim
	w.env = map[string]string{
		"PIPEWRIGHT_DATA":    w.data,
		"PIPEWRIGHT_LISTEN":  listen,
		"SAGE_DSN":           "sqlite:" + w.dbPath,
		"SPAPI_SIMULATOR":    "false",
		"SPAPI_ENDPOINT":     sim.URL(),
		"SPAPI_LWA_ENDPOINT": sim.URL() + "/auth/o2/token",
		"HOOK_TOKEN":         hookToken,
	}
	require.NoError(t, sage500demo.CreateDB(context.Background(), w.dbPath))
	w.seedMCFOrders()
	p := w.load()
	_, err = sage500.ApplyFields(context.Background(), p.Connections["sage"].Config.(*sage500.ConnectionConfig))
	require.NoError(t, err)
	w.initialStock = w.stock()
	return w
}

func (w *world) load() *config.Project {
	w.t.Helper()
	p, err := w.loadDir(w.dir)
	require.NoError(w.t, err)
	return p
}

// loadDir loads a directory in the world's environment; the engine loads
// its directory again with it when it reloads.
func (w *world) loadDir(dir string) (*config.Project, error) {
	return config.Load(dir, config.Options{Registry: cli.NewRegistry(componenttest.LogWriter(w.t)), Clock: w.clock, LookupEnv: func(k string) (string, bool) {
		v, ok := w.env[k]
		return v, ok
	}})
}

// start runs the directory (again, after a restart) on the same data.
func (w *world) start() {
	w.t.Helper()
	e, err := service.New(service.Options{Project: w.load(), Clock: w.clock, Workers: 8, Addons: w.addons, Load: w.loadDir, WatchEvery: w.watch,
		Logger: slog.New(slog.NewTextHandler(componenttest.LogWriter(w.t), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	require.NoError(w.t, err)
	require.NoError(w.t, e.Start(context.Background()))
	w.engine = e
	w.t.Cleanup(w.stop)
}

func (w *world) stop() {
	if w.engine == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), componenttest.WaitLimit)
	defer cancel()
	require.NoError(w.t, w.engine.Shutdown(ctx))
	w.engine = nil
}

// runFor lets simulated time pass.
func (w *world) runFor(d time.Duration) {
	deadline := w.clock.Now().Add(d)
	for w.clock.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
}

// db returns the checks' handle on the demo database.
func (w *world) db() *sql.DB {
	if w.sage == nil {
		db, err := sql.Open("sqlite", w.dbPath+"?_pragma=busy_timeout(60000)")
		require.NoError(w.t, err)
		w.t.Cleanup(func() { db.Close() })
		w.sage = db
	}
	return w.sage
}

// problems collects what a check found wrong.
type problems []string

func (p *problems) addf(format string, args ...any) {
	*p = append(*p, fmt.Sprintf(format, args...))
}

// settle repeats check until it finds no problem and returns how many items
// it checked. The engine works on while simulated time passes, and on a busy
// machine it may need longer to catch up with a check's cutoff; after
// componenttest.WaitLimit the problems of the last round fail the test.
func (w *world) settle(what string, check func(p *problems) int) int {
	w.t.Helper()
	deadline := time.Now().Add(componenttest.WaitLimit)
	for round := 1; ; round++ {
		var p problems
		n := check(&p)
		if len(p) == 0 {
			if round > 1 {
				w.t.Logf("%s: passed in round %d", what, round)
			}
			return n
		}
		if time.Now().After(deadline) {
			for i, msg := range p {
				if i == 20 {
					w.t.Errorf("%s: ... and %d more", what, len(p)-i)
					break
				}
				w.t.Errorf("%s: %s", what, msg)
			}
			return n
		}
		time.Sleep(200 * time.Millisecond)
	}
}
