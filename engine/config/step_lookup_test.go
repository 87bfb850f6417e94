package config_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
)

// kvConn is a connection type serving one lookup query, customer.
type kvConn struct{}

func (kvConn) Type() component.Type { return "kv" }
func (kvConn) Kind() component.Kind { return component.KindConnection }
func (kvConn) Schema() []byte       { return []byte(`{"type":"object","additionalProperties":false}`) }
func (kvConn) NewConfig() any       { return &kvConfig{} }
func (kvConn) CreateConnection(context.Context, component.Settings, any) (component.Connection, error) {
	return nil, errors.New("not for running")
}

type kvConfig struct{}

func (*kvConfig) ValidateLookup(query string, _ []string) error {
	if query != "customer" {
		return errors.New("no query " + query)
	}
	return nil
}

func TestLoad_a_lookup_binds_only_a_name_that_can_be_a_variable(t *testing.T) {
	for steps, want := range map[string]string{
		`[{lookup: {connection: db, query: customer, as: msg}}, {filter: msg.x > 1}]`:                                                 `client/p.yaml:3:56: "msg" is a built-in variable: choose another name`,
		`[{lookup: {connection: db, query: customer, as: in}}, {filter: msg.x > 1}]`:                                                  `client/p.yaml:3:56: variable name "in" is reserved: choose another name`,
		`[{lookup: {connection: db, query: customer, as: c}}, {lookup: {connection: db, query: customer, as: c}}, {filter: c.x > 1}]`: `client/p.yaml:3:108: variable "c" is already bound by an earlier lookup`,
		`[{lookup: {connection: db, query: customer, as: c, required: false, wait: true}}]`:                                           `client/p.yaml:3:82: wait needs required: a lookup that may find nothing has nothing to wait for`,
		`[{lookup: {connection: db, query: customer, as: 1c}}, {filter: c.x > 1}]`:                                                    "client/p.yaml:3:56: \"1c\" does not match pattern '^[a-z_][a-zA-Z0-9_]*$'\nclient/p.yaml:3:71: undeclared reference to 'c' (in container '')",
	} {
		t.Run(steps, func(t *testing.T) {
			_, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: t
connections: { db: { type: kv } }
-- client/p.yaml --
pipeline: p
source: { test.lines: { path: in.jsonl } }
steps: `+steps+`
sink: { test.nop: {} }
`, nil, kvConn{})
			require.Error(t, err)
			assert.Equal(t, want, err.Error())
		})
	}
}
