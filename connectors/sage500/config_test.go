package sage500_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

func TestConfigs_reject_bad_options_with_their_path(t *testing.T) {
	base := connOptions(t, "sqlite:x.db")
	tests := []struct {
		name    string
		f       component.Factory
		options string
		want    string
	}{
		{"unknown key", sage500.NewConnectionFactory(), base + "colour: red\n", "additionalProperties 'colour' not allowed"},
		{"bad dsn", sage500.NewConnectionFactory(), strings.Replace(base, "sqlite:x.db", "mysql://x", 1), "dsn: want sqlserver://... or sqlite:PATH"},
		{"bad time zone", sage500.NewConnectionFactory(), base + "time_zone: Mars/Olympus\n", `time_zone: unknown time zone "Mars/Olympus"`},
		{"bad field type", sage500.NewConnectionFactory(), strings.Replace(base, "varchar(20) }", "nvarchar(20) }", 1), `custom_fields.sales_order.1.type: unsupported SQL type "nvarchar(20)"`},
		{"field twice", sage500.NewConnectionFactory(), strings.Replace(base, "MarketplaceId", "AmazonOrderId", 1), "custom_fields.sales_order.1.name: AmazonOrderId is declared twice"},
		{"field named like the key", sage500.NewConnectionFactory(), strings.Replace(base, "MarketplaceId", "SOKey", 1), "declared twice (or is the key column)"},
		{"sales order mode", sage500.NewSalesOrderFactory(), "key_field: AmazonOrderId\nmode: bulk\n", "value must be one of"},
		{"transition status", sage500.NewSalesOrderFactory(), "key_field: K\nstatus_transitions: [{from: [1], to: 9}]\n", "maximum"},
		{"journal id", sage500.NewJournalFactory(), "key_field: K\njournal_id: ABC\n", "maxLength"},
		{"query without key", sage500.NewQueryFactory(), "query: q\nwatermark: W\n", "missing properties: 'key'"},
		{"query start", sage500.NewQueryFactory(), "query: q\nwatermark: W\nkey: [K]\nevery: 0s\n", "every: want a positive interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := componenttest.TryDecodeConfig(tt.f, tt.options)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestConnectionConfig_refuses_positional_parameters(t *testing.T) {
	cfg := componenttest.DecodeConfig(t, sage500.NewConnectionFactory(), connOptions(t, "sqlite:x.db")).(*sage500.ConnectionConfig)
	cfg.Queries["byq"] = sage500.QueryConfig{SQL: "SELECT 1 WHERE 1 = ?"}
	err := cfg.Validate()
	var fe *component.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "queries.byq.sql", fe.Path)
	assert.ErrorContains(t, err, "use named parameters (@name), not ?")
}

func TestSalesOrderConfig_ValidateConnection(t *testing.T) {
	sqliteConn := componenttest.DecodeConfig(t, sage500.NewConnectionFactory(), connOptions(t, "sqlite:x.db"))
	mssqlConn := componenttest.DecodeConfig(t, sage500.NewConnectionFactory(), connOptions(t, "sqlserver://sa:secret@db/SQLEXPRESS?database=mas500_app"))
	checkAgainstConnection(t, sage500.NewSalesOrderFactory(), []connCase{
		{"staging refused on SQLite", "key_field: AmazonOrderId\nmode: staging\n", sqliteConn, "mode: staging mode needs SQL Server: it loads StgSalesOrder/StgSOLine and runs Sage's spSOapiSalesOrdIns, which the SQLite demo database does not have; use mode: direct"},
		{"staging fine on SQL Server", "key_field: AmazonOrderId\nmode: staging\n", mssqlConn, ""},
		{"key not unique", "key_field: MarketplaceId\n", sqliteConn, "key_field: custom field MarketplaceId of sales_order must be declared unique: true"},
		{"key not declared", "key_field: OrderNumber\n", sqliteConn, `key_field: the connection declares no sales_order custom field "OrderNumber" (declared: AmazonOrderId, MarketplaceId)`},
	})
}

func TestConnection_unreachable_database_is_retryable(t *testing.T) {
	missing := "sqlite:" + t.TempDir() + "/missing.db"
	conn := startConn(t, connOptions(t, missing), componenttest.NewSettings(t, "connection/sage"))
	err := conn.Check(context.Background())
	assert.True(t, component.IsRetryable(err), "Check: %v", err)
	sink := newSink(t, sage500.NewSalesOrderFactory(), conn, salesOrderOptions)
	err = sink.Write(context.Background(), []*component.Message{orderMsg(t, "1"), orderMsg(t, "2")})
	require.Error(t, err)
	assert.True(t, component.IsRetryable(component.ErrFor(err, 0)), "the order waits: %v", err)
	assert.True(t, component.IsRetryable(component.ErrFor(err, 1)), "so does the rest of the batch")
}

func TestRedact_removes_every_form_of_the_password(t *testing.T) {
	tests := []struct{ name, dsn, msg, want string }{
		{"user part", "sqlserver://sa:Sup3rSecret@db/SAGE?database=x", "login as sa:Sup3rSecret failed", "login as sa:*** failed"},
		{"query parameter", "sqlserver://db/SAGE?database=x&user+id=sa&password=Qu3rySecret", "bad password Qu3rySecret", "bad password ***"},
		{"query parameter in capitals", "sqlserver://db?Password=Caps3cret", "Caps3cret!", "***!"},
		{"no password", "sqlserver://db?database=x", "database x unreachable", "database x unreachable"},
		{"not a URL", "sqlite:data/x.db", "no such table", "no such table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, sage500.Redact(tt.msg, tt.dsn))
		})
	}
}

func TestConnection_never_shows_the_password(t *testing.T) {
	options := connOptions(t, "sqlserver://sa:Sup3rSecret@127.0.0.1:1/SQLEXPRESS?database=x&dial+timeout=1")
	conn := startConn(t, options, componenttest.NewSettings(t, "connection/sage"))
	err := conn.Check(context.Background())
	require.Error(t, err)
	assert.True(t, component.IsRetryable(err))
	assert.NotContains(t, err.Error(), "Sup3rSecret")
}
