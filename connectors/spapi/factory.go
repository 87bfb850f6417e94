package spapi

import (
	"fmt"

	"github.com/pipewright/pipewright/engine/component"
)

// ConnectionType is the type name of the SP-API connection.
const ConnectionType component.Type = "spapi"

// Factories returns the factories of every SP-API component type, for the
// binary to register.
func Factories() []component.Factory {
	return []component.Factory{
		NewConnectionFactory(),
		NewOrdersFactory(),
		NewNotificationsFactory(),
		NewSettlementsFactory(),
		NewRefundsFactory(),
		NewCallFactory(),
		NewFeedFactory(),
		NewListingIssuesFactory(),
	}
}

// factory holds what every SP-API factory has in common.
type factory struct {
	typ       component.Type
	kind      component.Kind
	newConfig func() any
}

// Type returns the type name.
func (f factory) Type() component.Type { return f.typ }

// Kind returns the component kind.
func (f factory) Kind() component.Kind { return f.kind }

// Schema returns the JSON Schema of the options.
func (f factory) Schema() []byte { return component.EmbeddedSchema(schemaFiles, f.kind, f.typ) }

// NewConfig returns a config holding the defaults.
func (f factory) NewConfig() any { return f.newConfig() }

// ConnectionType returns "spapi": every source and sink needs the connection.
func (f factory) ConnectionType() component.Type { return ConnectionType }

// configAs returns a factory's decoded config as *T.
func configAs[T any](typ component.Type, cfg any) (*T, error) {
	c, ok := cfg.(*T)
	if !ok {
		return nil, fmt.Errorf("%s: unexpected config %T", typ, cfg)
	}
	return c, nil
}

// connectionOf returns the started SP-API connection in settings.
func connectionOf(set component.Settings) (*Connection, error) {
	c, ok := set.Connection.(*Connection)
	if !ok || c == nil || c.api() == nil {
		return nil, errNoConnection
	}
	return c, nil
}
