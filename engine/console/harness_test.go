package console_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/console"
	"github.com/pipewright/pipewright/engine/registry"
	"github.com/pipewright/pipewright/engine/service"
)

// shopDir is a small shop: orders whose SKU a table maps to an item go to
// the ERP; an unknown SKU is a dead letter (fixed by a table row). The
// orders carry the buyer's name, which the flow declares personal data.
const shopDir = `
-- pipewright.yaml --
project: shop
server:
  admin_token: ${env:TOKEN:-}
  trust_loopback: ${env:TRUST_LOOPBACK:-true}
  health: { degraded_after: 300ms }
connections:
  erp: { type: erp }
defaults:
  errors:
    retry: { initial: 20ms, max: 200ms }
    circuit: { failures: 1000, probe_every: 200ms }
-- tables/skus.csv --
sku,item
A,ITEM-A
-- orders.yaml --
pipeline: orders
description: Shop orders to the ERP.
source: { test.lines: { path: "in/*.jsonl", watch: 100ms } }
steps:
  # Orders that give a quantity are held above 100 units.
  - name: quantity-guard
    guard:
      when: has(msg.qty)
      key: msg.sku
      value: msg.qty
      rules:
        - name: big-order
          hold: value > 100
          message: '"order " + msg.order + ": " + string(value) + " units of " + key'
  - name: canonical
    map:
      output:
        id: msg.id
        order: msg.order
        sku: msg.sku
        buyer: msg.buyer
        item: 'msg.sku in tables.skus ? tables.skus[msg.sku] : ""'
  - name: rules
    assert:
      - that: msg.item != ""
        message: '"unknown SKU " + msg.sku + " in order " + msg.order + ": add it to tables/skus.csv"'
sink: { erp: { connection: erp } }
dead_letters:
  key: msg.order
  personal_data: [/buyer]
activity:
  keys: { order: msg.order, sku: msg.sku }
`

// erp is a fake ERP: a sink whose writes fail (retryably) while it is
// down, with a health check that says so.
type erp struct {
	mu       sync.Mutex
	down     bool
	got      map[string]int // order id -> writes
	warnings []string       // what the connection asks the operator to act on
}

func (x *erp) setDown(down bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.down = down
}

func (x *erp) writes(order string) int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.got[order]
}

type erpConnFactory struct{ x *erp }

func (erpConnFactory) Type() component.Type { return "erp" }
func (erpConnFactory) Kind() component.Kind { return component.KindConnection }
func (erpConnFactory) Schema() []byte {
	return []byte(`{"type":"object","additionalProperties":false}`)
}
func (erpConnFactory) NewConfig() any { return &struct{}{} }
func (f erpConnFactory) CreateConnection(context.Context, component.Settings, any) (component.Connection, error) {
	return &erpConn{x: f.x}, nil
}

type erpConn struct {
	component.StartFunc
	component.ShutdownFunc
	x *erp
}

// Warnings makes the fake a component.Warner, like an spapi connection
// whose client secret is due for rotation.
func (c *erpConn) Warnings() []string {
	c.x.mu.Lock()
	defer c.x.mu.Unlock()
	return c.x.warnings
}

func (c *erpConn) Check(context.Context) error {
	c.x.mu.Lock()
	defer c.x.mu.Unlock()
	if c.x.down {
		return errors.New("erp: database is locked")
	}
	return nil
}

type erpSinkFactory struct{}

func (erpSinkFactory) Type() component.Type { return "erp" }
func (erpSinkFactory) Kind() component.Kind { return component.KindSink }
func (erpSinkFactory) Schema() []byte {
	return []byte(`{"type":"object","additionalProperties":false}`)
}
func (erpSinkFactory) NewConfig() any                 { return &struct{}{} }
func (erpSinkFactory) ConnectionType() component.Type { return "erp" }
func (erpSinkFactory) CreateSink(_ context.Context, set component.SinkSettings, _ any) (component.Sink, error) {
	return &erpSink{x: set.Connection.(*erpConn).x}, nil
}

type erpSink struct {
	component.StartFunc
	component.ShutdownFunc
	x *erp
}

func (s *erpSink) Write(_ context.Context, batch []*component.Message) error {
	s.x.mu.Lock()
	defer s.x.mu.Unlock()
	if s.x.down {
		return component.Retryable(errors.New("erp: database is locked (SQLITE_BUSY)"))
	}
	for _, m := range batch {
		order, _ := m.Body.(map[string]any)["order"].(string)
		s.x.got[order]++
	}
	return nil
}

// shop is a running shop directory with its console.
type shop struct {
	t      *testing.T
	dir    string
	data   string
	listen string
	env    map[string]string
	erp    *erp
	engine *service.Engine
}

// newShop writes the shop directory with the given orders (JSON lines).
func newShop(t *testing.T, env map[string]string, orders ...string) *shop {
	t.Helper()
	s := &shop{t: t, dir: t.TempDir(), data: t.TempDir(), listen: freeAddr(t, "127.0.0.1"), env: env, erp: &erp{got: map[string]int{}}}
	for _, f := range txtar.Parse([]byte(shopDir)).Files {
		path := filepath.Join(s.dir, f.Name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, f.Data, 0o644))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(s.dir, "in"), 0o755))
	s.addOrders("1.jsonl", orders...)
	return s
}

func (s *shop) addOrders(name string, orders ...string) {
	s.t.Helper()
	if len(orders) == 0 {
		return
	}
	require.NoError(s.t, os.WriteFile(filepath.Join(s.dir, "in", name), []byte(strings.Join(orders, "\n")+"\n"), 0o644))
}

func order(id, sku, buyer string) string {
	return fmt.Sprintf(`{"id":%q,"order":%q,"sku":%q,"buyer":{"name":%q}}`, id, id, sku, buyer)
}

// start runs the directory (again, after a restart) on the same data and
// address.
func (s *shop) start() {
	s.t.Helper()
	p, err := s.load(s.dir)
	require.NoError(s.t, err)
	var out io.Writer = io.Discard
	if testing.Verbose() {
		out = os.Stderr
	}
	e, err := service.New(service.Options{Project: p, DataDir: s.data, Listen: s.listen, Workers: 4, Load: s.load,
		Logger: slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelWarn})), Addons: []service.Addon{console.New()}})
	require.NoError(s.t, err)
	require.NoError(s.t, e.Start(context.Background()))
	s.engine = e
	s.t.Cleanup(s.stop)
}

// load loads the directory as start and reloads do.
func (s *shop) load(dir string) (*config.Project, error) {
	reg, err := registry.New(append(componenttest.Factories(), erpConnFactory{x: s.erp}, erpSinkFactory{})...)
	if err != nil {
		return nil, err
	}
	return config.Load(dir, config.Options{Registry: reg, LookupEnv: func(k string) (string, bool) {
		v, ok := s.env[k]
		return v, ok
	}})
}

func (s *shop) stop() {
	if s.engine == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), componenttest.WaitLimit)
	defer cancel()
	require.NoError(s.t, s.engine.Shutdown(ctx))
	s.engine = nil
}

// url is a console address on the engine.
func (s *shop) url(path string) string { return "http://" + s.engine.Addr() + path }

// openRecords waits for n open dead letters.
func (s *shop) openRecords(n int) []*service.DeadLetter {
	s.t.Helper()
	var recs []*service.DeadLetter
	eventually(s.t, "open dead letters", func() bool {
		recs, _ = s.engine.Admin().List(context.Background(), service.DeadLetterFilter{Status: service.StatusOpen})
		return len(recs) == n
	})
	return recs
}

// freeAddr returns host:port with a port free now.
func freeAddr(t *testing.T, host string) string {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// eventually polls cond for up to 90s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// client is an HTTP client that does not follow redirects.
var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// mustOpen returns the open dead letters now.
func mustOpen(t *testing.T, s *shop) []*service.DeadLetter {
	t.Helper()
	recs, err := s.engine.Admin().List(context.Background(), service.DeadLetterFilter{Status: service.StatusOpen})
	require.NoError(t, err)
	return recs
}
