package sage500_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const salesOrderOptions = "key_field: AmazonOrderId\n"

// orderBody is testdata/order.json for an Amazon order id, changed by edit.
func orderBody(t testing.TB, key string, edit ...func(map[string]any)) any {
	t.Helper()
	b, err := os.ReadFile("testdata/order.json")
	require.NoError(t, err)
	body := jsonBody(t, strings.ReplaceAll(string(b), "{{KEY}}", key))
	for _, e := range edit {
		e(body.(map[string]any))
	}
	return body
}

// orderSink is a connection to the target and a sales-order sink on it
// with salesOrderOptions plus more.
func orderSink(t *testing.T, tg target, more string) (*sage500.Connection, component.Sink) {
	t.Helper()
	conn := newConn(t, tg)
	return conn, newSink(t, sage500.NewSalesOrderFactory(), conn, salesOrderOptions+more)
}

func orderMsg(t testing.TB, key string, edit ...func(map[string]any)) *component.Message {
	return component.NewMessage("order-"+key, orderBody(t, key, edit...))
}

func header(m map[string]any) map[string]any { return m["header"].(map[string]any) }
func line(m map[string]any, i int) map[string]any {
	return m["lines"].([]any)[i].(map[string]any)
}

func TestSalesOrderSink_creates_the_order_in_one_transaction(t *testing.T) {
	forEachTarget(t, testSalesOrderSink_creates_the_order_in_one_transaction)
}

func testSalesOrderSink_creates_the_order_in_one_transaction(t *testing.T, tg target) {
	conn, sink := orderSink(t, tg, "")
	require.NoError(t, sink.Write(context.Background(), []*component.Message{orderMsg(t, "112-0000001-0000001")}))

	db := conn.DB()
	var tranNo, tranID, currID string
	var status int64
	var sales, disc, freight, stax, tran decimal.Decimal
	require.NoError(t, db.QueryRow(`SELECT o.TranNo, o.TranID, o.CurrID, o.Status, o.SalesAmt, o.TradeDiscAmt, o.FreightAmt, o.STaxAmt, o.TranAmt
FROM tsoSalesOrder o JOIN tsoSalesOrder_ext x ON x.SOKey = o.SOKey WHERE x.AmazonOrderId = '112-0000001-0000001'`).
		Scan(&tranNo, &tranID, &currID, &status, &sales, &disc, &freight, &stax, &tran))
	assert.Equal(t, "0000000001", tranNo)
	assert.Equal(t, "SO-0000000001", tranID)
	assert.Equal(t, "USD", currID, "currency from the customer")
	assert.Equal(t, int64(1), status)
	assert.Equal(t, "138.9", sales.String())
	assert.Equal(t, "2.5", disc.String())
	assert.Equal(t, "5.99", freight.String())
	assert.Equal(t, "4.13", stax.String())
	assert.Equal(t, "146.52", tran.String(), "138.90 - 2.50 + 5.99 + 4.13")
	assert.Equal(t, int64(3), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLineDist`))
	assert.Equal(t, int64(3), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLine_ext`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoSalesOrdLog`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tciAddress WHERE AddrName = 'Jane Doe' AND TransactionOverride = 1`))
	var desc string
	require.NoError(t, db.QueryRow(`SELECT Description FROM tsoSOLine WHERE SOLineNo = 1`).Scan(&desc))
	assert.Equal(t, "Stainless Steel Water Bottle, Black, 32 ", desc, "the item's short description")
}

func writeOne(t testing.TB, sink component.Sink, msg *component.Message) error {
	t.Helper()
	return sink.Write(context.Background(), []*component.Message{msg})
}

func TestSalesOrderSink_acknowledges_a_second_delivery_without_writing(t *testing.T) {
	forEachTarget(t, testSalesOrderSink_acknowledges_a_second_delivery_without_writing)
}

func testSalesOrderSink_acknowledges_a_second_delivery_without_writing(t *testing.T, tg target) {
	conn, sink := orderSink(t, tg, "")
	for range 3 {
		require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000001-0000002")))
	}
	assert.Equal(t, int64(1), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoSalesOrder`))
	assert.Equal(t, int64(3), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoSOLine`))
}

func TestSalesOrderSink_rejects_bad_orders_naming_the_offending_value(t *testing.T) {
	forEachTarget(t, testSalesOrderSink_rejects_bad_orders_naming_the_offending_value)
}

func testSalesOrderSink_rejects_bad_orders_naming_the_offending_value(t *testing.T, tg target) {
	tests := []struct {
		name string
		edit func(map[string]any)
		want []string
	}{
		{"unknown item", func(m map[string]any) { line(m, 1)["ItemID"] = "NO-SUCH-ITEM" },
			[]string{"112-0000009-0000001", "order.lines.1.ItemID", `unknown item "NO-SUCH-ITEM"`}},
		{"unknown customer", func(m map[string]any) { header(m)["CustID"] = "AMZXX" },
			[]string{"112-0000009-0000001", "order.header.CustID", `unknown customer "AMZXX"`}},
		{"overlong address line", func(m map[string]any) {
			m["ship_to"].(map[string]any)["AddrLine1"] = "1234 Extraordinarily Long Boulevard Name, Building C"
		}, []string{"112-0000009-0000001", "order.ship_to.AddrLine1", "tciAddress.AddrLine1: value is 52 characters long, the column holds 40"}},
		{"unknown ship method", func(m map[string]any) { header(m)["ShipMethID"] = "PIGEON" },
			[]string{"order.header.ShipMethID", `unknown ship method "PIGEON"`}},
		{"unknown warehouse on a line", func(m map[string]any) { line(m, 2)["WhseID"] = "WEST" },
			[]string{"order.lines.2.WhseID", `unknown warehouse "WEST"`}},
		{"unit price with too many decimals", func(m map[string]any) { line(m, 0)["UnitPrice"] = decimal.MustParse("24.999999") },
			[]string{"order.lines.0.UnitPrice", "24.999999 has 6 decimal places, the column holds 5"}},
		{"unknown field", func(m map[string]any) { header(m)["Colour"] = "red" },
			[]string{"order.header: unknown field(s) Colour"}},
		{"unknown custom field", func(m map[string]any) { m["custom"].(map[string]any)["Gift"] = "yes" },
			[]string{"order.custom.Gift: no such custom field"}},
		{"missing key", func(m map[string]any) { delete(m["custom"].(map[string]any), "AmazonOrderId") },
			[]string{"order.custom.AmazonOrderId: the order's key is required"}},
		{"new order as closed", func(m map[string]any) { header(m)["Status"] = int64(4) },
			[]string{"order.header.Status", "not 4 (closed)"}},
	}
	conn, sink := orderSink(t, tg, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := writeOne(t, sink, orderMsg(t, "112-0000009-0000001", tt.edit))
			require.Error(t, err)
			assert.True(t, component.IsPermanent(err), "permanent: %v", err)
			for _, w := range tt.want {
				assert.ErrorContains(t, err, w)
			}
		})
	}
	assert.Equal(t, int64(0), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoSalesOrder`), "nothing half-written")
	assert.Equal(t, int64(0), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tciAddress WHERE TransactionOverride = 1`))
}

func TestSalesOrderSink_cancels_an_order_nothing_was_shipped_of(t *testing.T) {
	forEachTarget(t, testSalesOrderSink_cancels_an_order_nothing_was_shipped_of)
}

func testSalesOrderSink_cancels_an_order_nothing_was_shipped_of(t *testing.T, tg target) {
	conn, sink := orderSink(t, tg, "")
	require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000001-0000003")))
	cancel := func(m map[string]any) { header(m)["Status"] = int64(3) }
	require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000001-0000003", cancel)))
	require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000001-0000003", cancel)), "a second cancellation is a duplicate")
	db := conn.DB()
	assert.Equal(t, int64(3), queryInt(t, db, `SELECT Status FROM tsoSalesOrder`))
	assert.Equal(t, int64(0), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLineDist WHERE QtyOpenToShip > 0 OR Status <> 2`))
	assert.Equal(t, int64(0), queryInt(t, db, `SELECT COUNT(*) FROM tsoSalesOrder WHERE OpenAmt <> 0`))
}

func TestSalesOrderSink_refuses_to_cancel_a_shipped_order(t *testing.T) {
	forEachTarget(t, testSalesOrderSink_refuses_to_cancel_a_shipped_order)
}

func testSalesOrderSink_refuses_to_cancel_a_shipped_order(t *testing.T, tg target) {
	conn, sink := orderSink(t, tg, "status_transitions: [{from: [0, 1, 4], to: 3}]\n")
	require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000001-0000004")))
	require.Equal(t, 1, shipAll(t, conn, sage500demo.ShipOptions{Now: time.Now().Add(time.Hour)}))
	err := writeOne(t, sink, orderMsg(t, "112-0000001-0000004", func(m map[string]any) { header(m)["Status"] = int64(3) }))
	require.Error(t, err)
	assert.True(t, component.IsPermanent(err))
	assert.ErrorContains(t, err, "cannot cancel sales order 0000000001")
	assert.ErrorContains(t, err, "6 unit(s) already shipped on 3 shipment line(s)")
	assert.Equal(t, int64(4), queryInt(t, conn.DB(), `SELECT Status FROM tsoSalesOrder`), "still closed")
}

func TestSalesOrderSink_status_changes_follow_the_configured_transitions(t *testing.T) {
	forEachTarget(t, testSalesOrderSink_status_changes_follow_the_configured_transitions)
}

func testSalesOrderSink_status_changes_follow_the_configured_transitions(t *testing.T, tg target) {
	tests := []struct {
		name, options string
		wantErr       string
		wantStatus    int64
	}{
		{"unlisted is an error by default", "", "from 1 (open) to 4 (closed) is not allowed by status_transitions", 1},
		{"unlisted can be ignored", "on_unlisted_transition: ignore\n", "", 1},
		{"listed is applied", "status_transitions: [{from: [1], to: 4}]\n", "", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, sink := orderSink(t, tg, tt.options)
			require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000001-0000005")))
			err := writeOne(t, sink, orderMsg(t, "112-0000001-0000005", func(m map[string]any) { header(m)["Status"] = int64(4) }))
			if tt.wantErr != "" {
				assert.True(t, component.IsPermanent(err))
				assert.ErrorContains(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantStatus, queryInt(t, conn.DB(), `SELECT Status FROM tsoSalesOrder`))
		})
	}
}

func TestSalesOrderSink_does_not_create_an_order_canceled_before_it_arrived(t *testing.T) {
	forEachTarget(t, testSalesOrderSink_does_not_create_an_order_canceled_before_it_arrived)
}

func testSalesOrderSink_does_not_create_an_order_canceled_before_it_arrived(t *testing.T, tg target) {
	conn, sink := orderSink(t, tg, "")
	require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000001-0000006", func(m map[string]any) { header(m)["Status"] = int64(3) })))
	assert.Equal(t, int64(0), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoSalesOrder`))
}

func TestSalesOrderSink_never_acknowledges_an_order_another_unique_key_refused(t *testing.T) {
	forEachTarget(t, testSalesOrderSink_never_acknowledges_an_order_another_unique_key_refused)
}

// A unique violation other than the order's key (a second unique custom
// field, a key Sage's allocator handed out twice) must not pass for a
// concurrent delivery of the same order: the order would be acknowledged
// and never written.
func testSalesOrderSink_never_acknowledges_an_order_another_unique_key_refused(t *testing.T, tg target) {
	tests := []struct {
		name    string
		options func(string) string
		before  func(t *testing.T, conn *sage500.Connection)
	}{
		{"a second unique custom field", func(o string) string {
			return strings.Replace(o, "{ name: MarketplaceId, type: varchar(20) }", "{ name: MarketplaceId, type: varchar(20), unique: true }", 1)
		}, func(*testing.T, *sage500.Connection) {}},
		{"a surrogate key handed out twice", func(o string) string { return o }, func(t *testing.T, conn *sage500.Connection) {
			_, err := conn.DB().Exec(`UPDATE tciSurrogateKey SET NextKey = 1 WHERE TableName = 'tsoSalesOrdLog'`)
			require.NoError(t, err)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := newConnWith(t, tt.options(connOptions(t, tg.dsn)), componenttest.NewSettings(t, "connection/sage"))
			sink := newSink(t, sage500.NewSalesOrderFactory(), conn, salesOrderOptions)
			require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000001-0000007")))
			tt.before(t, conn)
			err := writeOne(t, sink, orderMsg(t, "112-0000001-0000008"))
			require.Error(t, err, "a different order is not a duplicate")
			assert.True(t, component.IsPermanent(err), "permanent: %v", err)
			assert.ErrorContains(t, err, "order 112-0000001-0000008")
			assert.Equal(t, int64(1), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoSalesOrder`))
		})
	}
}
