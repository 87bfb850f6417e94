package sage500_test

import (
	"context"
	"database/sql/driver"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/internal/sqlrec"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// golden compares got with testdata/<name>; UPDATE_GOLDEN=1 rewrites it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if os.Getenv("UPDATE_GOLDEN") != "" {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with UPDATE_GOLDEN=1 to create %s", path)
	assert.Equal(t, string(want), got, "differs from %s (UPDATE_GOLDEN=1 rewrites it)", path)
}

// fakeSage answers the connector's statements the way a Sage 500 database
// on SQL Server would for one order, journal or shipment. existing makes the
// order's key known (SOKey 77, open); raced makes the order's key insert
// fail as a concurrent writer's committed row would, and the key known.
type fakeSage struct {
	keys     map[string]int64
	existing bool
	imported bool
	raced    bool
}

func (f *fakeSage) respond(q string, args []driver.NamedValue) (sqlrec.Result, error) {
	one := func(cols []string, vals ...driver.Value) sqlrec.Result {
		return sqlrec.Result{Columns: cols, Rows: [][]driver.Value{vals}}
	}
	switch {
	case strings.HasPrefix(q, "EXEC spGetNextSurrogateKey"):
		table := string(args[0].Value.(mssql.VarChar))
		f.keys[table]++
		return sqlrec.Result{Out: map[int]any{2: 1000 + f.keys[table]}}, nil
	case strings.HasPrefix(q, "EXEC spGetNextBatch"):
		return sqlrec.Result{Out: map[int]any{7: 501, 8: 12, 9: 1}}, nil
	case strings.HasPrefix(q, "EXEC spglGiveNextJrnlNo"):
		return sqlrec.Result{Out: map[int]any{3: 9, 4: 1}}, nil
	case strings.Contains(q, "EXEC spSOapiSalesOrdIns"):
		failed := 0
		if !f.imported {
			failed = 1
		}
		return sqlrec.Result{Out: map[int]any{3: 1, 4: 1, 5: failed, 6: 1}}, nil
	case strings.Contains(q, "OUTPUT inserted.[NextTranNo]"):
		switch args[2].Value {
		case int64(811):
			return one([]string{"NextTranNo", "TranTypeID"}, int64(8), "CR"), nil
		case int64(810):
			return one([]string{"NextTranNo", "TranTypeID"}, int64(12), "SH"), nil
		}
		if args[2].Value == int64(810) {
			return one([]string{"NextTranNo", "TranTypeID"}, int64(7), "SH"), nil
		}
		return one([]string{"NextTranNo", "TranTypeID"}, int64(43), "SO"), nil
	case strings.Contains(q, "FROM [tsoShipment_ext] WITH"):
		if f.existing {
			return one([]string{"ShipKey"}, int64(88)), nil
		}
		return sqlrec.Result{}, nil
	case strings.HasPrefix(q, "SELECT o.[SOKey], o.[CustKey]") && strings.Contains(q, "o.[Status]"):
		return one([]string{"SOKey", "CustKey", "ShipToAddrKey", "DfltShipToCAddrKey", "Status", "DfltShipMethKey"}, int64(77), int64(5), int64(41), int64(41), int64(1), int64(2)), nil
	case strings.Contains(q, "l.[UnitPrice], d.[SOLineDistKey]"):
		return one([]string{"SOLineKey", "ItemKey", "UnitMeasKey", "UnitPrice", "SOLineDistKey", "WhseKey", "QtyOpenToShip"},
			int64(9000)+args[1].Value.(int64), int64(20), int64(1), []byte("24.99000"), int64(9100)+args[1].Value.(int64), int64(1), []byte("3.00000000")), nil
	case strings.HasPrefix(q, "SELECT o.[SOKey], o.[CustKey]"):
		return one([]string{"SOKey", "CustKey", "ShipToAddrKey", "DfltShipToCAddrKey", "TranID"}, int64(77), int64(5), int64(41), int64(41), "SO-0000000042"), nil
	case strings.Contains(q, "JOIN [tsoSOLine_ext] lx"):
		return one([]string{"SOLineKey", "ItemKey", "UnitMeasKey", "SOLineDistKey", "WhseKey", "QtyShip", "QtyRtrnCredit"},
			int64(9001), int64(20), int64(1), int64(9101), int64(1), []byte("3.00000000"), []byte("0.00000000")), nil
	case strings.Contains(q, "x WITH (UPDLOCK, HOLDLOCK)"), strings.Contains(q, "[tglJournalHdr_ext] WITH"):
		if f.existing {
			return one([]string{"SOKey", "Status", "TranNo"}, int64(77), int64(1), "0000000042"), nil
		}
		return sqlrec.Result{}, nil
	case strings.HasPrefix(q, "SELECT [ItemKey] FROM [timItem]"):
		return one([]string{"ItemKey"}, int64(100)), nil
	case strings.Contains(q, "FROM [tarCustomer]"):
		return one([]string{"CustKey", "CustClassKey", "DfltBillToAddrKey", "DfltShipToAddrKey", "CurrID", "ShipMethKey", "WhseKey"},
			int64(5), int64(1), int64(7), int64(7), "USD", int64(2), int64(1)), nil
	case strings.Contains(q, "FROM [timItem]"):
		return one([]string{"ItemKey", "SalesUnitMeasKey", "SalesAcctKey", "DfltWhseKey", "ShortDesc"},
			int64(len(string(args[1].Value.(mssql.VarChar)))*10), int64(1), int64(6), int64(1), "Demo item"), nil
	case strings.Contains(q, "SELECT (SELECT COALESCE(SUM"):
		return one([]string{"shipped", "lines"}, []byte("0.00000000"), int64(0)), nil
	case strings.HasPrefix(q, "SELECT [SOKey] FROM [tsoSalesOrder]"):
		if f.imported {
			return one([]string{"SOKey"}, int64(901)), nil
		}
		return sqlrec.Result{}, nil
	case strings.HasPrefix(q, "SELECT [SOLineKey] FROM [tsoSOLine]"):
		return one([]string{"SOLineKey"}, 9000+args[1].Value.(int64)), nil
	case strings.Contains(q, "FROM [tdmMigrationLogWrk]"):
		return sqlrec.Result{Columns: []string{"EntityID", "ColumnID", "ColumnValue", "Status", "Comment"}, Rows: [][]driver.Value{
			{"0000000042|Line 2", "ItemID", "NO-SUCH-ITEM", "1", "Item is invalid."},
			{"0000000042", "", "", "1", "Sales order was not created."}}}, nil
	case strings.HasPrefix(q, "SELECT [") && strings.Contains(q, "Key] FROM ["):
		return one([]string{"Key"}, int64(3)), nil
	case strings.Contains(q, "INFORMATION_SCHEMA.COLUMNS"), strings.Contains(q, "sys.indexes"):
		return sqlrec.Result{}, nil
	case strings.HasPrefix(q, "SELECT w.[WhseKey], b.[WhseBinKey]"):
		return one([]string{"WhseKey", "WhseBinKey"}, int64(4), int64(41)), nil
	case strings.HasPrefix(q, "SELECT [QtyOnHand] FROM [timWhseBinInvt]"):
		return one([]string{"QtyOnHand"}, []byte("12.00000000")), nil
	case strings.HasPrefix(q, "SELECT c.CustID"):
		return one([]string{"CustID", "CustName", "CurrID", "WhseID"}, "AMZUS", "Amazon.com channel", "USD", "MAIN"), nil
	case strings.HasPrefix(q, "SELECT s.ShipKey"):
		created := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
		return sqlrec.Result{
			Columns: []string{"ShipKey", "TranID", "ShipTrackNo", "ShipMethID", "CreateDate", "AmazonOrderId", "AmazonOrderItemId", "ShipLineKey", "QtyShipped"},
			Types:   []string{"INT", "VARCHAR", "VARCHAR", "VARCHAR", "DATETIME", "VARCHAR", "VARCHAR", "INT", "DECIMAL"},
			Rows: [][]driver.Value{
				{int64(31), "SH-0000000007", "1Z999AA10123456784", "UPS GROUND", created, "112-0000001-0000001", "10000000000001", int64(1), []byte("2.00000000")},
				{int64(31), "SH-0000000007", "1Z999AA10123456784", "UPS GROUND", created, "112-0000001-0000001", "10000000000002", int64(2), []byte("1.00000000")},
			}}, nil
	case f.raced && strings.HasPrefix(q, "INSERT INTO [tsoSalesOrder_ext]"):
		f.raced, f.existing = false, true
		return sqlrec.Result{}, mssql.Error{Number: 2627, Message: "Violation of UNIQUE KEY constraint 'ux_tsoSalesOrder_ext_AmazonOrderId'."}
	case strings.HasPrefix(q, "INSERT"), strings.HasPrefix(q, "UPDATE"), strings.HasPrefix(q, "DELETE"),
		strings.HasPrefix(q, "CREATE"), strings.HasPrefix(q, "ALTER"):
		return sqlrec.Result{Affected: 1}, nil
	}
	return sqlrec.Result{}, driverErr(q)
}

type driverErr string

func (e driverErr) Error() string { return "fakeSage: unexpected statement: " + string(e) }

// mssqlRig is a SQL Server connection on the recording driver with the
// clock stopped.
func mssqlRig(t *testing.T, f *fakeSage) (*sage500.Connection, *sqlrec.Recorder) {
	t.Helper()
	f.keys = map[string]int64{}
	rec := sqlrec.New(f.respond)
	cfg := componenttest.DecodeConfig(t, sage500.NewConnectionFactory(),
		connOptions(t, "sqlserver://sage:secret@sql01/SAGE?database=mas500_app")).(*sage500.ConnectionConfig)
	set := componenttest.NewSettings(t, "connection/sage")
	set.Clock = componenttest.NewManualClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	conn, err := sage500.NewConnectionOn(set, cfg, rec.DB(), "sqlserver")
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Shutdown(context.Background()) })
	return conn, rec
}

// TestSQLServer_sink_statements keeps what the sinks send to SQL Server.
func TestSQLServer_sink_statements(t *testing.T) {
	cancel := func(m map[string]any) { header(m)["Status"] = int64(3) }
	noPhone := func(m map[string]any) { delete(m["ship_to"].(map[string]any), "Phone") }
	tests := []struct {
		golden  string
		fake    *fakeSage
		factory component.SinkFactory
		options string
		msg     func(t *testing.T) *component.Message
	}{
		{"sales_order_direct", &fakeSage{}, sage500.NewSalesOrderFactory(), salesOrderOptions,
			func(t *testing.T) *component.Message { return orderMsg(t, "112-0000001-0000001") }},
		{"sales_order_cancel", &fakeSage{existing: true}, sage500.NewSalesOrderFactory(), salesOrderOptions,
			func(t *testing.T) *component.Message { return orderMsg(t, "112-0000001-0000001", cancel) }},
		{"sales_order_shipped", &fakeSage{}, sage500.NewSalesOrderFactory(), salesOrderOptions + "shipped: true\n",
			func(t *testing.T) *component.Message { return orderMsg(t, "112-0000001-0000001") }},
		{"sales_order_staging", &fakeSage{imported: true}, sage500.NewSalesOrderFactory(), salesOrderOptions + "mode: staging\n",
			func(t *testing.T) *component.Message { return orderMsg(t, "112-0000001-0000001", noPhone) }},
		{"inventory_adjustment", &fakeSage{}, sage500.NewInventoryAdjustmentFactory(), "",
			func(t *testing.T) *component.Message {
				return adjustmentMsg(t, "fba", `{"WhseID": "FBAUS", "ItemID": "WB-0001-BK", "QtyOnHand": 9}`)
			}},
		{"journal", &fakeSage{}, sage500.NewJournalFactory(), journalOptions,
			func(t *testing.T) *component.Message { return journalMsg(t, "23456789012") }},
		{"customer_return", &fakeSage{}, sage500.NewCustomerReturnFactory(), returnOptions,
			func(t *testing.T) *component.Message {
				return returnMsg(t, "112-0000001-0000001/R1", "112-0000001-0000001")
			}},
		{"shipment", &fakeSage{}, sage500.NewShipmentFactory(), shipmentOptions,
			func(t *testing.T) *component.Message { return shipmentMsg(t, "T50000000123/1", "SO-0000000042") }},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			conn, rec := mssqlRig(t, tt.fake)
			sink := newSink(t, tt.factory, conn, tt.options)
			require.NoError(t, writeOne(t, sink, tt.msg(t)))
			golden(t, "mssql/"+tt.golden+".golden", rec.Transcript())
		})
	}
}

func TestSQLServer_staging_failure_quotes_sages_messages(t *testing.T) {
	conn, rec := mssqlRig(t, &fakeSage{})
	sink := newSink(t, sage500.NewSalesOrderFactory(), conn, salesOrderOptions+"mode: staging\n")
	err := writeOne(t, sink, orderMsg(t, "112-0000001-0000001", func(m map[string]any) { delete(m, "ship_to") }))
	require.Error(t, err)
	assert.True(t, component.IsPermanent(err))
	assert.ErrorContains(t, err, "Sage's spSOapiSalesOrdIns did not create order 0000000042 (return value 1, 1 failed): "+
		"0000000042|Line 2 ItemID=NO-SUCH-ITEM: Item is invalid.; 0000000042 =: Sales order was not created.")
	assert.True(t, strings.HasSuffix(rec.Transcript(), "ROLLBACK\n"), "nothing stays behind")
}

func TestSQLServer_staging_refuses_fields_the_staging_tables_lack(t *testing.T) {
	conn, _ := mssqlRig(t, &fakeSage{imported: true})
	sink := newSink(t, sage500.NewSalesOrderFactory(), conn, salesOrderOptions+"mode: staging\n")
	err := writeOne(t, sink, orderMsg(t, "112-0000001-0000001"))
	assert.True(t, component.IsPermanent(err))
	assert.ErrorContains(t, err, "order.ship_to.Phone is not supported in staging mode")
}

func TestSQLServer_exec_lookup_query_and_fields_statements(t *testing.T) {
	conn, rec := mssqlRig(t, &fakeSage{})
	ctx := context.Background()

	f := sage500.NewExecFactory()
	cfg := componenttest.DecodeConfig(t, f, "statement: confirm_shipment\nparams: {status: s, at: a, ship_key: k}\n").(*sage500.ExecConfig)
	bindExprs(t, cfg, map[string]string{"status": "s", "at": "a", "ship_key": "k"})
	set := component.SinkSettings{Settings: componenttest.NewSettings(t, "confirm/sink")}
	set.Connection = conn
	sink, err := f.CreateSink(ctx, set, cfg)
	require.NoError(t, err)
	require.NoError(t, writeOne(t, sink, component.NewMessage("c", map[string]any{"s": "CONFIRMED", "a": time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), "k": int64(31)})))

	row, err := conn.Lookup(ctx, "customer_for_marketplace", map[string]any{"marketplace": "ATVPDKIKX0DER"})
	require.NoError(t, err)
	assert.Equal(t, "AMZUS", row.(map[string]any)["CustID"])

	rig := newSource(t, conn, shipmentsOptions, componenttest.NewMemState())
	rig.poll(t)
	require.Len(t, rig.pub.Messages(), 1)
	body := rig.pub.Messages()[0].Body.(map[string]any)
	assert.Len(t, body["lines"], 2)
	assert.Equal(t, "sage500.query:shipments:31@2026-03-02T09:30:00Z", rig.pub.Messages()[0].ID)

	_, err = conn.ApplyFields(ctx)
	require.NoError(t, err)
	golden(t, "mssql/exec_lookup_query_fields.golden", rec.Transcript())
}

func TestSQLServer_order_a_concurrent_writer_committed_first_is_a_duplicate(t *testing.T) {
	conn, rec := mssqlRig(t, &fakeSage{raced: true})
	sink := newSink(t, sage500.NewSalesOrderFactory(), conn, salesOrderOptions)
	require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000001-0000001")))
	tr := rec.Transcript()
	assert.Equal(t, 1, strings.Count(tr, "ROLLBACK\n"), "the raced transaction is rolled back")
	assert.Equal(t, 2, strings.Count(tr, "x WITH (UPDLOCK, HOLDLOCK)"), "and the key looked up again")
	assert.Equal(t, 1, strings.Count(tr, "INSERT INTO [tsoSalesOrder]"), "the order is written once")
	assert.True(t, strings.HasSuffix(tr, "COMMIT\n"), "the second transaction finds the order and ends")
}
