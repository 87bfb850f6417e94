package sage500_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// The change-tracking example of docs/sage500.md validates against a SQL
// Server connection holding the documented query, and is refused on the
// SQLite demo database.
func TestDocs_change_tracking_example_validates(t *testing.T) {
	blocks := docBlocks(t)
	connOpts := optionsOf(t, blocks["sage500-connection"], "connections", "sage")
	dsn := regexp.MustCompile(`(?m)^dsn: .*$`)
	cfg := func(to string) *sage500.ConnectionConfig {
		c := componenttest.DecodeConfig(t, sage500.NewConnectionFactory(), dsn.ReplaceAllString(connOpts, "dsn: "+to)).(*sage500.ConnectionConfig)
		c.Queries["shipment_changes"] = sage500.QueryConfig{SQL: blocks["shipment-changes-query"]}
		return c
	}
	src := componenttest.DecodeConfig(t, sage500.NewQueryFactory(), optionsOf(t, blocks["query-source-change-tracking"], "source", "sage500.query")).(component.ConnectionValidator)
	assert.NoError(t, src.ValidateConnection(cfg("sqlserver://pipewright:secret@sql01/SAGE?database=mas500_app")))
	assert.ErrorContains(t, src.ValidateConnection(cfg("sqlite:demo.db")), "change tracking needs SQL Server")
}
