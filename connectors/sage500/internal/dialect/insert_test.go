package dialect_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

func TestInsertArgs_coerce_given_values_and_default_the_others(t *testing.T) {
	d, err := dialect.New("sqlite", time.UTC)
	require.NoError(t, err)
	table := catalog.MustLookup("tciShipMethod")
	row := map[string]any{"ShipMethKey": int64(7), "ShipMethID": "UPS GROUND", "ShipMethDesc": "UPS Ground"}
	cols := dialect.InsertColumns(table, []map[string]any{row})
	args, err := dialect.InsertArgs(d, table, cols, []map[string]any{row}, catalog.Env{Company: "SOA", User: "u", Now: time.Now()}, time.UTC)
	require.NoError(t, err)
	require.Len(t, args, len(cols))
	company := -1
	for i, ci := range cols {
		if table.Columns[ci].Name == "CompanyID" {
			company = i
		}
	}
	require.GreaterOrEqual(t, company, 0, "CompanyID has a default, so it is written")
	assert.Equal(t, "SOA", args[company], "defaulted from the env")

	_, err = dialect.InsertArgs(d, table, cols, []map[string]any{{"ShipMethKey": "seven", "ShipMethID": "X", "ShipMethDesc": "Y"}}, catalog.Env{Company: "SOA"}, time.UTC)
	assert.True(t, component.IsPermanent(err), "a bad value is the data's fault: %v", err)
	assert.ErrorContains(t, err, "ShipMethKey")

	_, err = dialect.InsertArgs(d, table, cols, []map[string]any{{"ShipMethKey": int64(7), "ShipMethID": "X", "ShipMethDesc": "Y", "Nope": 1}}, catalog.Env{Company: "SOA"}, time.UTC)
	assert.ErrorContains(t, err, "1 of the values name no column")
	assert.False(t, component.IsPermanent(err), "a programming error, not bad data")
}

func TestSQLiteDSN_adds_the_connector_options_the_DSN_does_not_set(t *testing.T) {
	dsn, err := dialect.SQLiteDSN("data/sage.db?_synchronous=NORMAL")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(dsn, "file:data/sage.db?"), dsn)
	q, err := url.ParseQuery(dsn[strings.Index(dsn, "?")+1:])
	require.NoError(t, err)
	assert.Equal(t, "NORMAL", q.Get("_synchronous"), "the DSN's own option stays")
	assert.Equal(t, "rw", q.Get("mode"), "a missing file is not created")
	assert.Equal(t, "immediate", q.Get("_txlock"))
	assert.Equal(t, "WAL", q.Get("_journal_mode"))

	_, err = dialect.SQLiteDSN("?mode=rw")
	assert.ErrorContains(t, err, "needs a file path")
}
