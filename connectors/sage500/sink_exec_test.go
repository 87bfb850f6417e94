package sage500_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// bindExprs binds the exec sink's parameter expressions by hand, as the
// loader would after compiling them: each reads one field of the body.
func bindExprs(t testing.TB, cfg *sage500.ExecConfig, fields map[string]string) {
	t.Helper()
	for name, field := range fields {
		e := cfg.Params[name]
		e.Bind(component.ProgramFunc(func(_ context.Context, m *component.Message) (any, error) {
			return m.Body.(map[string]any)[field], nil
		}))
		cfg.Params[name] = e
	}
}

func TestExecSink_runs_the_named_statement_with_message_values(t *testing.T) {
	forEachTarget(t, testExecSink_runs_the_named_statement_with_message_values)
}

func testExecSink_runs_the_named_statement_with_message_values(t *testing.T, tg target) {
	conn, orders := orderSink(t, tg, "")
	require.NoError(t, writeOne(t, orders, orderMsg(t, "112-0000004-0000001")))
	shipAll(t, conn, sage500demo.ShipOptions{Now: time.Now().Add(time.Hour)})
	shipKey := queryInt(t, conn.DB(), `SELECT ShipKey FROM tsoShipment`)

	f := sage500.NewExecFactory()
	cfg := componenttest.DecodeConfig(t, f, `
statement: confirm_shipment
params: { status: msg.status, at: msg.at, ship_key: msg.ship_key }
min_rows_affected: 1
`).(*sage500.ExecConfig)
	bindExprs(t, cfg, map[string]string{"status": "status", "at": "at", "ship_key": "ship_key"})
	set := component.SinkSettings{Settings: componenttest.NewSettings(t, "confirm/sink")}
	set.Connection = conn
	sink, err := f.CreateSink(context.Background(), set, cfg)
	require.NoError(t, err)

	at := time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)
	require.NoError(t, writeOne(t, sink, component.NewMessage("c1", map[string]any{"status": "CONFIRMED", "at": at, "ship_key": shipKey})))
	var status string
	var updated time.Time
	require.NoError(t, conn.DB().QueryRow(portable(conn, `SELECT UserFld1, UpdateDate FROM tsoShipment WHERE ShipKey = ?`), shipKey).Scan(&status, &updated))
	assert.Equal(t, "CONFIRMED", status)
	assert.Equal(t, "2026-03-02 10:30:00", updated.Format(time.DateTime), "the datetime as a wall-clock time")

	err = writeOne(t, sink, component.NewMessage("c2", map[string]any{"status": "CONFIRMED", "at": at, "ship_key": int64(999999)}))
	assert.True(t, component.IsPermanent(err))
	assert.ErrorContains(t, err, "affected 0 row(s), want at least 1")

	err = writeOne(t, sink, component.NewMessage("c3", map[string]any{"status": "A VALUE LONGER THAN FIFTEEN", "at": at, "ship_key": shipKey}))
	assert.True(t, component.IsPermanent(err), "the demo database refuses overlong values like SQL Server: %v", err)
}

func TestExecConfig_ValidateConnection_checks_statement_and_params(t *testing.T) {
	connCfg := componenttest.DecodeConfig(t, sage500.NewConnectionFactory(), connOptions(t, "sqlite:x.db"))
	f := sage500.NewExecFactory()
	tests := map[string]string{
		"statement: nope\n": `no statement "nope" (statements: confirm_shipment)`,
		"statement: confirm_shipment\nparams: {status: x, at: y}\n":                    "needs parameter(s) ship_key",
		"statement: confirm_shipment\nparams: {status: x, at: y, ship_key: z, q: w}\n": "takes no parameter(s) q",
	}
	for options, want := range tests {
		cfg := componenttest.DecodeConfig(t, f, options).(component.ConnectionValidator)
		assert.ErrorContains(t, cfg.ValidateConnection(connCfg), want)
	}
}
