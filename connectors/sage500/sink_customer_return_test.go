package sage500_test

import (
	"database/sql"
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
)

const returnOptions = "key_field: AmazonRefundId\norder_key_field: AmazonOrderId\nline_key_field: AmazonOrderItemId\n"

// returnMsg is testdata/return.json for a refund of an order, changed by
// edit.
func returnMsg(t testing.TB, key, order string, edit ...func(map[string]any)) *component.Message {
	t.Helper()
	b, err := os.ReadFile("testdata/return.json")
	require.NoError(t, err)
	text := strings.NewReplacer("{{KEY}}", key, "{{ORDER}}", order).Replace(string(b))
	body := jsonBody(t, text).(map[string]any)
	for _, e := range edit {
		e(body)
	}
	return component.NewMessage("refund-"+key, body)
}

// shippedOrder writes an order (testdata/order.json) and ships it in the
// demo warehouse; it returns the connection and a return sink on it.
func shippedOrder(t *testing.T, tg target, order string, ship bool) (*sage500.Connection, component.Sink) {
	t.Helper()
	conn, orders := orderSink(t, tg, "")
	require.NoError(t, writeOne(t, orders, orderMsg(t, order)))
	if ship {
		require.Equal(t, 1, shipAll(t, conn, sage500demo.ShipOptions{Now: time.Now().Add(time.Hour)}))
	}
	return conn, newSink(t, sage500.NewCustomerReturnFactory(), conn, returnOptions)
}

// onHand is the demo MAIN warehouse's default-bin quantity of an item.
func onHand(t testing.TB, db *sql.DB, item string) decimal.Decimal {
	t.Helper()
	var q decimal.Decimal
	require.NoError(t, db.QueryRow(`SELECT b.QtyOnHand FROM timWhseBinInvt b JOIN timWhseBin wb ON wb.WhseBinKey = b.WhseBinKey
JOIN timWarehouse w ON w.WhseKey = wb.WhseKey JOIN timItem i ON i.ItemKey = b.ItemKey
WHERE w.WhseID = 'MAIN' AND wb.DfltBin = 1 AND i.ItemID = ?`, item).Scan(&q))
	return q
}

func TestCustomerReturnSink_writes_a_return_once_and_restocks_only_restocked_lines(t *testing.T) {
	forEachTarget(t, testCustomerReturnSink_writes_a_return_once_and_restocks_only_restocked_lines)
}

func testCustomerReturnSink_writes_a_return_once_and_restocks_only_restocked_lines(t *testing.T, tg target) {
	conn, sink := shippedOrder(t, tg, "112-0000001-0000001", true)
	db := conn.DB()
	bottles, cases := onHand(t, db, "WB-0001-BK"), onHand(t, db, "PC-0007-CL")
	for range 2 {
		require.NoError(t, writeOne(t, sink, returnMsg(t, "112-0000001-0000001/R1", "112-0000001-0000001")))
	}
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoShipment WHERE TranType = 811`))
	var amt, freight decimal.Decimal
	var tranID string
	require.NoError(t, db.QueryRow(`SELECT s.AmtShipped, s.FreightAmt, s.TranID FROM tsoShipment s
JOIN tsoShipment_ext x ON x.ShipKey = s.ShipKey WHERE x.AmazonRefundId = '112-0000001-0000001/R1'`).Scan(&amt, &freight, &tranID))
	assert.Equal(t, "47.48", amt.Trim(2).String())
	assert.Equal(t, "5.99", freight.Trim(2).String())
	assert.Equal(t, "CR-0000000001", tranID)
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoShipmentLog WHERE TranType = 811 AND TranStatus = 6`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tciBatchLog WHERE BatchType = 802`))
	assert.Equal(t, int64(3), queryInt(t, db, `SELECT CAST(SUM(d.QtyShipped) AS int) FROM tsoShipLineDist d
JOIN tsoShipLine l ON l.ShipLineKey = d.ShipLineKey JOIN tsoShipment s ON s.ShipKey = l.ShipKey WHERE s.TranType = 811`))
	assert.Equal(t, int64(3), queryInt(t, db, `SELECT CAST(SUM(QtyRtrnCredit) AS int) FROM tsoSOLineDist`))
	plusOne, _ := bottles.Add(decimal.One)
	assert.Equal(t, plusOne.String(), onHand(t, db, "WB-0001-BK").String(), "the restocked line is back in the bin")
	assert.Equal(t, cases.String(), onHand(t, db, "PC-0007-CL").String(), "the line not restocked stays out")
}

func TestCustomerReturnSink_credit_only_refund_moves_no_quantity(t *testing.T) {
	conn, sink := shippedOrder(t, sqliteTarget(t), "112-0000001-0000002", false)
	noGoods := func(m map[string]any) {
		m["lines"] = []any{map[string]any{"line": "10000000000002"}}
		m["header"].(map[string]any)["FreightAmt"] = nil
	}
	require.NoError(t, writeOne(t, sink, returnMsg(t, "R2", "112-0000001-0000002", noGoods)))
	db := conn.DB()
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoShipment WHERE TranType = 811 AND AmtShipped = 47.48`))
	assert.Equal(t, int64(0), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLineDist WHERE QtyRtrnCredit <> 0`))
}

func TestCustomerReturnSink_waits_for_an_order_or_a_shipment_Sage_does_not_have_yet(t *testing.T) {
	conn, sink := shippedOrder(t, sqliteTarget(t), "112-0000001-0000003", false)
	err := writeOne(t, sink, returnMsg(t, "R3", "112-9999999-9999999"))
	require.Error(t, err)
	assert.True(t, component.IsWaiting(err), "%v", err)
	assert.ErrorContains(t, err, "the order with AmazonOrderId 112-9999999-9999999 is not in Sage (yet)")

	err = writeOne(t, sink, returnMsg(t, "R3", "112-0000001-0000003"))
	assert.True(t, component.IsWaiting(err), "%v", err)
	assert.ErrorContains(t, err, "line 10000000000001 has 0 shipped and 0 returned in Sage; returning 1 waits for its shipment")
	assert.Equal(t, int64(0), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoShipment WHERE TranType = 811`), "nothing is written")
}

func TestCustomerReturnSink_a_waiting_return_holds_up_no_other_in_its_batch(t *testing.T) {
	conn, sink := shippedOrder(t, sqliteTarget(t), "112-0000001-0000004", true)
	err := sink.Write(t.Context(), []*component.Message{
		returnMsg(t, "R4", "112-9999999-9999999"),
		returnMsg(t, "R5", "112-0000001-0000004"),
	})
	assert.True(t, component.IsWaiting(component.ErrFor(err, 0)))
	assert.NoError(t, component.ErrFor(err, 1))
	assert.Equal(t, int64(1), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoShipment_ext WHERE AmazonRefundId = 'R5'`))
}

func TestCustomerReturnSink_rejects_bad_returns_naming_the_problem(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"unknown line", func(m map[string]any) { m["lines"].([]any)[0].(map[string]any)["line"] = "99" },
			`return.lines.0.line: order 112-0000001-0000005 (SO-0000000001) has no line with AmazonOrderItemId "99"`},
		{"negative quantity", func(m map[string]any) { m["lines"].([]any)[0].(map[string]any)["QtyReturned"] = -1 },
			"return.lines.0.QtyReturned must not be negative"},
		{"restock without quantity", func(m map[string]any) { delete(m["lines"].([]any)[0].(map[string]any), "QtyReturned") },
			"return.lines.0: Restock needs a QtyReturned greater than zero"},
		{"negative amount", func(m map[string]any) { m["header"].(map[string]any)["AmtShipped"] = -4 },
			"AmtShipped and FreightAmt are the credited amounts and must not be negative"},
		{"no lines", func(m map[string]any) { m["lines"] = []any{} }, "return.lines: a return needs at least one line"},
		{"no key", func(m map[string]any) { delete(m, "custom") }, "return.custom.AmazonRefundId: the return's key is required"},
		{"unknown field", func(m map[string]any) { m["header"].(map[string]any)["Colour"] = "red" }, "return.header: unknown field(s) Colour"},
	}
	conn, sink := shippedOrder(t, sqliteTarget(t), "112-0000001-0000005", true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := writeOne(t, sink, returnMsg(t, "R6", "112-0000001-0000005", tt.edit))
			require.Error(t, err)
			assert.True(t, component.IsPermanent(err), "%v", err)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	assert.Equal(t, int64(0), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoShipment WHERE TranType = 811`))
}
