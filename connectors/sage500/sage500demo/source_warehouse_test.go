package sage500demo_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// The demo warehouse ships orders; in a real Sage that would confirm
// shipments to Amazon that never happened, so validation refuses it on
// anything but SQLite while it is enabled.
func TestWarehouseConfig_refuses_a_connection_that_is_not_SQLite(t *testing.T) {
	tests := []struct {
		name, options, dsn string
		refused            bool
	}{
		{"enabled on SQL Server", "{enabled: true}", "sqlserver://u:p@sage.example.internal/SAGE?database=app", true},
		{"off on SQL Server", "{enabled: false}", "sqlserver://u:p@sage.example.internal/SAGE?database=app", false},
		{"enabled on the demo database", "{enabled: true}", "sqlite:data/sage500-demo.db", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := componenttest.DecodeConfig(t, sage500demo.NewWarehouseFactory(), tc.options).(component.ConnectionValidator)
			conn := sage500.NewConnectionConfig()
			conn.DSN = tc.dsn
			err := cfg.ValidateConnection(conn)
			if !tc.refused {
				assert.NoError(t, err)
				return
			}
			var fe *component.FieldError
			require.True(t, errors.As(err, &fe), "a field error: %v", err)
			assert.Equal(t, "enabled", fe.Path)
			assert.Contains(t, err.Error(), "only runs on the SQLite demo database")
		})
	}
}
