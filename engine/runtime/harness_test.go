package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/pipewright/pipewright/connectors/file"
	httpconn "github.com/pipewright/pipewright/connectors/http"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/registry"
	"github.com/pipewright/pipewright/engine/runtime"
)

// target is a fake external system: a sink and a health check that fail
// while it is down, plus scripted failures.
type target struct {
	mu       sync.Mutex
	down     bool
	failures []error // returned by the next writes, in order
	got      map[string]int
	order    []string
	// items answer the "item" lookup by sku; answers are cached forever
	// unless a lookup asks for fresh data (a replay).
	items map[string]string
	cache map[string]any
}

func newTarget() *target {
	return &target{got: map[string]int{}, items: map[string]string{}, cache: map[string]any{}}
}

func (t *target) setItem(sku, item string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.items[sku] = item
}

func (t *target) setDown(down bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.down = down
}

func (t *target) write(batch []*component.Message) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.down {
		return component.Retryable(errors.New("target unreachable: connection refused"))
	}
	if len(t.failures) > 0 {
		err := t.failures[0]
		t.failures = t.failures[1:]
		return err
	}
	for _, m := range batch {
		id, _ := m.Body.(map[string]any)["id"].(string)
		t.got[id]++
		t.order = append(t.order, id)
	}
	return nil
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
	return []byte(`{"type":"object","additionalProperties":false,"properties":{"password":{"type":"string","x-secret":true}}}`)
}
func (targetConnFactory) NewConfig() any { return &targetConfig{} }

type targetConfig struct {
	Password string `yaml:"password"`
}

// ValidateLookup accepts the one query a target serves.
func (*targetConfig) ValidateLookup(query string, _ []string) error {
	if query != "item" {
		return fmt.Errorf("no query %q (queries: item)", query)
	}
	return nil
}
func (f targetConnFactory) CreateConnection(context.Context, component.Settings, any) (component.Connection, error) {
	return &targetConn{t: f.t}, nil
}

type targetConn struct {
	component.StartFunc
	component.ShutdownFunc
	t *target
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
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	sku, _ := params["sku"].(string)
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
	fs := append(file.Factories(), httpconn.Factories()...)
	fs = append(fs, targetConnFactory{t: tg}, targetSinkFactory{})
	reg, err := registry.New(fs...)
	require.NoError(t, err)
	return reg
}

// startEngine loads dir and runs it with its data in dataDir.
func startEngine(t *testing.T, dir, dataDir string, tg *target, env map[string]string) *runtime.Engine {
	t.Helper()
	var w io.Writer = io.Discard
	if testing.Verbose() {
		w = os.Stderr
	}
	return startEngineLogging(t, dir, dataDir, tg, env, w)
}

// startEngineLogging is startEngine with the engine's JSON log written to w.
func startEngineLogging(t *testing.T, dir, dataDir string, tg *target, env map[string]string, w io.Writer) *runtime.Engine {
	t.Helper()
	p := loadProjectWith(t, dir, tg, env)
	e, err := runtime.New(runtime.Options{Project: p, DataDir: dataDir, Listen: "127.0.0.1:0", Workers: 8,
		Logger: slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))})
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
	p, err := config.Load(dir, config.Options{Registry: testRegistry(t, tg), LookupEnv: func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}})
	require.NoError(t, err)
	return p
}

func stopEngine(t *testing.T, e *runtime.Engine) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, e.Shutdown(ctx))
}

// eventually polls cond until it holds or the time is up.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
