package service_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/registry"
	"github.com/pipewright/pipewright/engine/service"
)

// target is a fake external system: a sink and a health check that fail
// while it is down, plus scripted failures.
type target struct {
	mu       sync.Mutex
	down     bool
	locked   bool    // writes fail, the health check passes (a locked database)
	failures []error // returned by the next writes, in order
	// downAfter takes the target down once the last failure is returned.
	downAfter bool
	got       map[string]int
	order     []string
	bodies    map[string]map[string]any // the last body delivered per id
	// items answer the "item" lookup by sku; answers are cached forever
	// unless a lookup asks for fresh data (a replay).
	items  map[string]string
	cache  map[string]any
	writes int // every Write, failed or not
	// failID fails the writes of the message with a body id, with its
	// errors in order (one per write); the rest of its batch is written.
	failID map[string][]error
	// hang holds the next hang[sku] "item" lookups of sku until their
	// context ends; hung keeps the context errors they ended with.
	hang map[string]int
	hung []error
}

func newTarget() *target {
	return &target{got: map[string]int{}, bodies: map[string]map[string]any{}, items: map[string]string{}, cache: map[string]any{}}
}

func (t *target) setItem(sku, item string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.items[sku] = item
}

// hangs reports whether a lookup of sku is to hang, counting it.
func (t *target) hangs(sku string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.hang[sku] == 0 {
		return false
	}
	t.hang[sku]--
	return true
}

// body returns the last body delivered for id (nil if none).
func (t *target) body(id string) map[string]any {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.bodies[id]
}

func (t *target) setDown(down bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.down = down
}

func (t *target) setLocked(locked bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.locked = locked
}

func (t *target) write(batch []*component.Message) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.writes++
	if t.down {
		return component.Retryable(errors.New("target unreachable: connection refused"))
	}
	if t.locked {
		return component.Retryable(errors.New("database is locked (SQLITE_BUSY)"))
	}
	failed := map[int]error{}
	for i, m := range batch {
		body, _ := m.Body.(map[string]any)
		id, _ := body["id"].(string)
		if errs := t.failID[id]; len(errs) > 0 {
			t.failID[id] = errs[1:]
			failed[i] = errs[0]
		}
	}
	if len(failed) > 0 {
		for i, m := range batch {
			if failed[i] == nil {
				t.take(m)
			}
		}
		return &component.BatchError{Errors: failed}
	}
	if len(t.failures) > 0 {
		err := t.failures[0]
		t.failures = t.failures[1:]
		t.down = t.downAfter && len(t.failures) == 0
		return err
	}
	for _, m := range batch {
		t.take(m)
	}
	return nil
}

// take writes m.
func (t *target) take(m *component.Message) {
	body, _ := m.Body.(map[string]any)
	id, _ := body["id"].(string)
	t.got[id]++
	t.order = append(t.order, id)
	t.bodies[id] = body
}

// attempts returns how many writes reached the target.
func (t *target) attempts() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.writes
}

// written returns a copy of how many times each message id was written.
func (t *target) written() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.got)
}

func (t *target) count() (distinct, total int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, n := range t.got {
		total += n
	}
	return len(t.got), total
}

// targetConnFactory is a connection type "target"; its sink type is
// "target" too.
type targetConnFactory struct{ t *target }

func (targetConnFactory) Type() component.Type { return "target" }
func (targetConnFactory) Kind() component.Kind { return component.KindConnection }
func (targetConnFactory) Schema() []byte {
	return []byte(`{"type":"object","additionalProperties":false,"properties":{"password":{"type":"string","x-secret":true},"notify":{"type":"string"},"fail_start":{"type":"boolean"}}}`)
}
func (targetConnFactory) NewConfig() any { return &targetConfig{} }

// targetConfig is the target connection's options: notify is a
// notification destination it configures (relative: below the engine's
// public URL); fail_start makes Start fail.
type targetConfig struct {
	Password  string `yaml:"password"`
	Notify    string `yaml:"notify"`
	FailStart bool   `yaml:"fail_start"`
}

// ValidateLookup accepts the one query a target serves.
func (*targetConfig) ValidateLookup(query string, _ []string) error {
	if query != "item" {
		return fmt.Errorf("no query %q (queries: item)", query)
	}
	return nil
}

func (f targetConnFactory) CreateConnection(_ context.Context, set component.Settings, cfg any) (component.Connection, error) {
	c := &targetConn{t: f.t}
	if cfg.(*targetConfig).FailStart {
		c.StartFunc = func(context.Context) error { return errors.New("cannot reach the target's license server") }
	}
	if n := cfg.(*targetConfig).Notify; strings.HasPrefix(n, "/") {
		c.notify = set.PublicURL + n
	} else {
		c.notify = n
	}
	return c, nil
}

type targetConn struct {
	component.StartFunc
	component.ShutdownFunc
	t      *target
	notify string
}

func (c *targetConn) NotificationURLs() []string {
	if c.notify == "" {
		return nil
	}
	return []string{c.notify}
}

func (c *targetConn) Check(context.Context) error {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	if c.t.down {
		return errors.New("target unreachable")
	}
	return nil
}

// Lookup serves the "item" query: {"item": ITEM} for params.sku, or nil.
func (c *targetConn) Lookup(ctx context.Context, query string, params map[string]any) (any, error) {
	sku, _ := params["sku"].(string)
	if c.t.hangs(sku) {
		<-ctx.Done()
		c.t.mu.Lock()
		defer c.t.mu.Unlock()
		c.t.hung = append(c.t.hung, ctx.Err())
		return nil, ctx.Err()
	}
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	if v, ok := c.t.cache[sku]; ok && !component.FreshLookups(ctx) {
		return v, nil
	}
	var v any
	if item, ok := c.t.items[sku]; ok {
		v = map[string]any{"item": item}
	}
	c.t.cache[sku] = v
	return v, nil
}

type targetSinkFactory struct{}

func (targetSinkFactory) Type() component.Type { return "target" }
func (targetSinkFactory) Kind() component.Kind { return component.KindSink }
func (targetSinkFactory) Schema() []byte {
	return []byte(`{"type":"object","additionalProperties":false}`)
}
func (targetSinkFactory) NewConfig() any                 { return &struct{}{} }
func (targetSinkFactory) ConnectionType() component.Type { return "target" }
func (targetSinkFactory) CreateSink(_ context.Context, set component.SinkSettings, _ any) (component.Sink, error) {
	return &targetSink{t: set.Connection.(*targetConn).t}, nil
}

type targetSink struct {
	component.StartFunc
	component.ShutdownFunc
	t *target
}

func (s *targetSink) Write(_ context.Context, batch []*component.Message) error {
	return s.t.write(batch)
}

// writeDir writes a txtar archive into a new directory and returns its path.
func writeDir(t *testing.T, archive string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		path := filepath.Join(dir, f.Name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, f.Data, 0o644))
	}
	return dir
}

func testRegistry(t testing.TB, tg *target) *registry.Registry {
	fs := append(componenttest.Factories(), targetConnFactory{t: tg}, targetSinkFactory{}, onceSinkFactory{})
	reg, err := registry.New(fs...)
	require.NoError(t, err)
	return reg
}

// startEngine loads dir and runs it with its data in dataDir; its log goes
// to the test log when verbose.
func startEngine(t *testing.T, dir, dataDir string, tg *target, env map[string]string) *service.Engine {
	t.Helper()
	return startEngineLogging(t, dir, dataDir, tg, env, componenttest.LogWriter(t))
}

// startEngineLogging is startEngine with the engine's JSON log written to w.
func startEngineLogging(t *testing.T, dir, dataDir string, tg *target, env map[string]string, w io.Writer) *service.Engine {
	t.Helper()
	return startEngineWith(t, dir, dataDir, tg, env, w, nil)
}

// startEngineWith is startEngineLogging with options changed by with (nil:
// none). The engine can reload: its loader loads like the first load.
func startEngineWith(t *testing.T, dir, dataDir string, tg *target, env map[string]string, w io.Writer, with func(*service.Options)) *service.Engine {
	t.Helper()
	load := loader(t, tg, env)
	p, err := load(dir)
	require.NoError(t, err)
	opts := service.Options{Project: p, DataDir: dataDir, Listen: "127.0.0.1:0", Workers: 8, Load: load,
		Logger: slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if with != nil {
		with(&opts)
	}
	e, err := service.New(opts)
	require.NoError(t, err)
	require.NoError(t, e.Start(context.Background()))
	t.Cleanup(func() { stopEngine(t, e) })
	return e
}

// loadProject loads dir for tools that need no target (OpenAdmin).
func loadProject(t *testing.T, dir string) *config.Project {
	return loadProjectWith(t, dir, newTarget(), nil)
}

func loadProjectWith(t *testing.T, dir string, tg *target, env map[string]string) *config.Project {
	t.Helper()
	p, err := loader(t, tg, env)(dir)
	require.NoError(t, err)
	return p
}

// loader loads directories with the test registry and env.
func loader(t testing.TB, tg *target, env map[string]string) func(string) (*config.Project, error) {
	reg := testRegistry(t, tg)
	return func(dir string) (*config.Project, error) {
		return config.Load(dir, config.Options{Registry: reg, LookupEnv: func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		}})
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

func stopEngine(t *testing.T, e *service.Engine) {
	ctx, cancel := context.WithTimeout(context.Background(), componenttest.WaitLimit)
	defer cancel()
	require.NoError(t, e.Shutdown(ctx))
}
