package sage500demo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
)

// WarehouseConfig configures the demo.warehouse source.
//
// DEMO ONLY: ships open sales orders in the SQLite Sage 500 demo database
// after a delay (shipments, lines, tracking numbers), as the client's
// warehouse staff would in Sage, and publishes one message per round that
// shipped something. Refuses to run on anything but the SQLite demo
// database.
type WarehouseConfig struct {
	// Run the demo warehouse (default false).
	Enabled bool `yaml:"enabled"`
	// How often to look for orders to ship (default 30s of engine time).
	Every component.Duration `yaml:"every"`
	// How long after its creation an order is shipped (default 2m of engine
	// time).
	Delay component.Duration `yaml:"delay"`
}

// ValidateConnection refuses the demo warehouse on anything but a SQLite
// database when it is enabled: it ships orders, which in a real Sage would
// confirm shipments to Amazon that never happened.
func (c *WarehouseConfig) ValidateConnection(connCfg any) error {
	cc, ok := connCfg.(*sage500.ConnectionConfig)
	if !ok || !c.Enabled || strings.HasPrefix(cc.DSN, "sqlite:") {
		return nil
	}
	return component.FieldErrorf("enabled", "the demo warehouse only runs on the SQLite demo database, and the connection is not SQLite: turn it off (DEMO_WAREHOUSE=false)")
}

type warehouseFactory struct{}

var _ component.SourceFactory = warehouseFactory{}

// NewWarehouseFactory returns the factory of the demo.warehouse source: it
// ships open sales orders in the SQLite demo database on the engine's clock
// (ShipOpenOrders) and publishes one message per round that shipped
// something. It never runs against a real Sage database.
func NewWarehouseFactory() component.SourceFactory { return warehouseFactory{} }

// Factories returns the demo components for the binary's registry.
func Factories() []component.Factory { return []component.Factory{NewWarehouseFactory()} }

func (warehouseFactory) Type() component.Type { return "demo.warehouse" }
func (warehouseFactory) Kind() component.Kind { return component.KindSource }
func (warehouseFactory) Schema() []byte {
	return component.EmbeddedSchema(schemaFiles, component.KindSource, "demo.warehouse")
}
func (warehouseFactory) ConnectionType() component.Type { return "sage500" }
func (warehouseFactory) NewConfig() any {
	return &WarehouseConfig{Every: component.Duration(30 * time.Second), Delay: component.Duration(2 * time.Minute)}
}

func (warehouseFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	c := cfg.(*WarehouseConfig)
	conn, ok := set.Connection.(*sage500.Connection)
	if !ok {
		return nil, errors.New("demo.warehouse needs a sage500 connection")
	}
	if c.Enabled && conn.Dialect() != "sqlite" {
		return nil, component.Permanentf("the demo warehouse only runs on the SQLite demo database, not on %s: set its enabled option to false", conn.Dialect())
	}
	return &warehouse{cfg: c, conn: conn, set: set}, nil
}

// warehouse ships orders each round of the engine's polling.
type warehouse struct {
	component.Lifecycle
	cfg  *WarehouseConfig
	conn *sage500.Connection
	set  component.SourceSettings
}

var _ component.Poller = (*warehouse)(nil)

// Polls is one loop every interval, none when the warehouse is off.
func (w *warehouse) Polls() []component.Poll {
	if !w.cfg.Enabled {
		w.set.Logger.Info("demo warehouse is off")
		return nil
	}
	return []component.Poll{{Every: w.cfg.Every.D(), Read: w.ship}}
}

// ship ships the orders that are due and reports them in one message.
func (w *warehouse) ship(ctx context.Context, _ []byte) (component.Batch, error) {
	now := w.set.Clock.Now()
	n, err := ShipOpenOrders(ctx, w.conn.DB(), ShipOptions{Delay: w.cfg.Delay.D(), Now: now, Location: w.conn.Location()})
	if err != nil || n == 0 {
		return component.Batch{}, err
	}
	msg := component.NewMessage(fmt.Sprintf("demo-warehouse@%s", now.UTC().Format(time.RFC3339Nano)),
		map[string]any{"event": "demo warehouse shipped orders", "shipments": int64(n), "at": now.UTC()})
	return component.Batch{Messages: []*component.Message{msg}}, nil
}
