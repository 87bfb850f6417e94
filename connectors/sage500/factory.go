package sage500

import (
	"context"
	"embed"
	"fmt"

	"github.com/pipewright/pipewright/engine/component"
)

// Component type names.
const (
	TypeConnection     component.Type = "sage500"
	TypeSalesOrder     component.Type = "sage500.sales_order"
	TypeJournal        component.Type = "sage500.journal"
	TypeCustomerReturn component.Type = "sage500.customer_return"
	TypeShipment       component.Type = "sage500.shipment"
	TypeExec           component.Type = "sage500.exec"
	// TypeInventoryAdjustment sets on-hand quantities (sink).
	TypeInventoryAdjustment component.Type = "sage500.inventory_adjustment"
	TypeQuery               component.Type = "sage500.query"
)

// The configs' capabilities the loader relies on.
var (
	_ component.Validator           = (*ConnectionConfig)(nil)
	_ component.LookupValidator     = (*ConnectionConfig)(nil)
	_ component.Validator           = (*SalesOrderConfig)(nil)
	_ component.ConnectionValidator = (*SalesOrderConfig)(nil)
	_ component.Validator           = (*JournalConfig)(nil)
	_ component.ConnectionValidator = (*JournalConfig)(nil)
	_ component.Validator           = (*CustomerReturnConfig)(nil)
	_ component.ConnectionValidator = (*CustomerReturnConfig)(nil)
	_ component.Validator           = (*InventoryAdjustmentConfig)(nil)
	_ component.ConnectionValidator = (*InventoryAdjustmentConfig)(nil)
	_ component.Validator           = (*ShipmentConfig)(nil)
	_ component.ConnectionValidator = (*ShipmentConfig)(nil)
	_ component.Validator           = (*ExecConfig)(nil)
	_ component.ConnectionValidator = (*ExecConfig)(nil)
	_ component.Validator           = (*QuerySourceConfig)(nil)
	_ component.ConnectionValidator = (*QuerySourceConfig)(nil)
)

// schemaFiles holds the options schemas generated from the config structs
// (make schemas, see engine/component/schemagen); the factories return them.
//
//go:embed schema
var schemaFiles embed.FS

// Factories returns the factories of every sage500 component type.
func Factories() []component.Factory {
	return []component.Factory{NewConnectionFactory(), NewSalesOrderFactory(), NewJournalFactory(), NewCustomerReturnFactory(), NewInventoryAdjustmentFactory(), NewShipmentFactory(), NewExecFactory(), NewQueryFactory()}
}

// factory is what every factory shares.
type factory struct {
	typ       component.Type
	kind      component.Kind
	newConfig func() any
}

func (f factory) Type() component.Type { return f.typ }
func (f factory) Kind() component.Kind { return f.kind }
func (f factory) Schema() []byte       { return component.EmbeddedSchema(schemaFiles, f.kind, f.typ) }
func (f factory) NewConfig() any       { return f.newConfig() }

// ConnectionType is the connection every sage500 source and sink uses.
func (f factory) ConnectionType() component.Type { return TypeConnection }

type connectionFactory struct{ factory }

var _ component.ConnectionFactory = connectionFactory{}

// NewConnectionFactory returns the factory of sage500 connections.
func NewConnectionFactory() component.ConnectionFactory {
	return connectionFactory{factory{TypeConnection, component.KindConnection, func() any { return NewConnectionConfig() }}}
}

func (connectionFactory) CreateConnection(_ context.Context, set component.Settings, cfg any) (component.Connection, error) {
	return openConnection(set, cfg.(*ConnectionConfig))
}

type sinkFactory struct {
	factory
	create func(set component.SinkSettings, conn *Connection, cfg any) (component.Sink, error)
}

var _ component.SinkFactory = sinkFactory{}

func (f sinkFactory) CreateSink(_ context.Context, set component.SinkSettings, cfg any) (component.Sink, error) {
	conn, err := connectionFor(set.Settings, cfg.(component.ConnectionValidator))
	if err != nil {
		return nil, err
	}
	return f.create(set, conn, cfg)
}

type sourceFactory struct{ factory }

var _ component.SourceFactory = sourceFactory{}

func (f sourceFactory) CreateSource(_ context.Context, set component.SourceSettings, cfg any) (component.Source, error) {
	qc := cfg.(*QuerySourceConfig)
	conn, err := connectionFor(set.Settings, qc)
	if err != nil {
		return nil, err
	}
	return newQuerySource(set, conn, qc)
}

// connectionFor returns the sage500 connection a source or sink was given,
// after checking its config against the connection's options.
func connectionFor(set component.Settings, cfg component.ConnectionValidator) (*Connection, error) {
	conn, ok := set.Connection.(*Connection)
	if !ok {
		return nil, fmt.Errorf("%s: needs a %s connection, got %T", set.ID, TypeConnection, set.Connection)
	}
	if err := cfg.ValidateConnection(conn.cfg); err != nil {
		return nil, err
	}
	return conn, nil
}
