package sage500_test

import (
	"os"
	"strings"
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
)

const shipmentOptions = "key_field: AmazonPackageId\n"

// shipmentMsg is testdata/shipment.json for a package of an order (by
// TranID), changed by edit.
func shipmentMsg(t testing.TB, key, order string, edit ...func(map[string]any)) *component.Message {
	t.Helper()
	b, err := os.ReadFile("testdata/shipment.json")
	require.NoError(t, err)
	body := jsonBody(t, strings.NewReplacer("{{KEY}}", key, "{{ORDER}}", order).Replace(string(b))).(map[string]any)
	for _, e := range edit {
		e(body)
	}
	return component.NewMessage("package-"+key, body)
}

func TestShipmentSink_ships_order_lines_once_with_the_tracking_number(t *testing.T) {
	forEachTarget(t, testShipmentSink_ships_order_lines_once_with_the_tracking_number)
}

func testShipmentSink_ships_order_lines_once_with_the_tracking_number(t *testing.T, tg target) {
	conn, orders := orderSink(t, tg, "")
	require.NoError(t, writeOne(t, orders, orderMsg(t, "112-0000001-0000001")))
	db := conn.DB()
	var tranID string
	require.NoError(t, db.QueryRow(`SELECT TranID FROM tsoSalesOrder`).Scan(&tranID))
	sink := newSink(t, sage500.NewShipmentFactory(), conn, shipmentOptions)
	bottles, cases := onHand(t, db, "WB-0001-BK"), onHand(t, db, "PC-0007-CL")

	for range 2 {
		require.NoError(t, writeOne(t, sink, shipmentMsg(t, "T1/1", tranID)))
	}
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoShipment WHERE TranType = 810 AND ShipTrackNo = '1ZMCF0000000000042'`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoShipment_ext WHERE AmazonPackageId = 'T1/1'`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoShipmentLog WHERE TranType = 810 AND TranStatus = 6`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tciBatchLog WHERE BatchType = 801`))
	var amt decimal.Decimal
	require.NoError(t, db.QueryRow(`SELECT AmtShipped FROM tsoShipment WHERE TranType = 810`).Scan(&amt))
	assert.Equal(t, "62.97", amt.Trim(2).String(), "2 x 24.99 + 1 x 12.99")
	assert.Equal(t, int64(2), queryInt(t, db, `SELECT COUNT(*) FROM tsoShipLine`))
	assert.Equal(t, int64(3), queryInt(t, db, `SELECT CAST(SUM(QtyShip) AS int) FROM tsoSOLineDist`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLine WHERE Status = 2`), "only line 1 is shipped in full")
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT Status FROM tsoSalesOrder`), "the order stays open")
	assert.Equal(t, bottles.String(), mustAdd(t, onHand(t, db, "WB-0001-BK"), "2").String(), "units taken from the bin")
	assert.Equal(t, cases.String(), mustAdd(t, onHand(t, db, "PC-0007-CL"), "1").String())

	rest := func(m map[string]any) {
		m["lines"] = []any{map[string]any{"line": int64(2), "QtyShipped": int64(1)}, map[string]any{"line": int64(3), "QtyShipped": int64(2)}}
	}
	require.NoError(t, writeOne(t, sink, shipmentMsg(t, "T1/2", tranID, rest)))
	assert.Equal(t, int64(4), queryInt(t, db, `SELECT Status FROM tsoSalesOrder`), "shipped in full: closed")
	assert.Equal(t, int64(0), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLine WHERE Status <> 2`))
}

func TestShipmentSink_refuses_what_it_cannot_ship_naming_it(t *testing.T) {
	forEachTarget(t, testShipmentSink_refuses_what_it_cannot_ship_naming_it)
}

func testShipmentSink_refuses_what_it_cannot_ship_naming_it(t *testing.T, tg target) {
	conn, orders := orderSink(t, tg, "")
	require.NoError(t, writeOne(t, orders, orderMsg(t, "112-0000001-0000001")))
	var tranID string
	require.NoError(t, conn.DB().QueryRow(`SELECT TranID FROM tsoSalesOrder`).Scan(&tranID))
	sink := newSink(t, sage500.NewShipmentFactory(), conn, shipmentOptions)
	tests := []struct {
		name, order string
		edit        func(map[string]any)
		want        string
	}{
		{"unknown order", "SO-9999999999", nil, "Sage has no sales order SO-9999999999"},
		{"unknown line", tranID, func(m map[string]any) { m["lines"] = []any{map[string]any{"line": int64(9), "QtyShipped": int64(1)}} }, "has no line 9"},
		{"too much", tranID, func(m map[string]any) { m["lines"] = []any{map[string]any{"line": int64(2), "QtyShipped": int64(5)}} }, "line 2 has 1 open to ship in Sage"},
		{"unknown ship method", tranID, func(m map[string]any) { m["header"].(map[string]any)["ShipMethID"] = "PIGEON" }, `unknown ship method "PIGEON"`},
		{"no tracking", tranID, func(m map[string]any) { delete(m["header"].(map[string]any), "ShipTrackNo") }, "ShipTrackNo"},
		{"no key", tranID, func(m map[string]any) { m["custom"] = map[string]any{} }, "the shipment's key is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var edits []func(map[string]any)
			if tt.edit != nil {
				edits = append(edits, tt.edit)
			}
			err := writeOne(t, sink, shipmentMsg(t, "K-"+tt.name, tt.order, edits...))
			require.Error(t, err)
			assert.True(t, component.IsPermanent(err), "%v", err)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	assert.Equal(t, int64(0), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoShipment`), "nothing written")
}

func TestShipmentSink_refuses_a_shipment_of_a_canceled_order(t *testing.T) {
	conn, orders := orderSink(t, sqliteTarget(t), "")
	require.NoError(t, writeOne(t, orders, orderMsg(t, "112-0000001-0000001")))
	_, err := conn.DB().Exec(`UPDATE tsoSalesOrder SET Status = 3`)
	require.NoError(t, err)
	var tranID string
	require.NoError(t, conn.DB().QueryRow(`SELECT TranID FROM tsoSalesOrder`).Scan(&tranID))
	err = writeOne(t, newSink(t, sage500.NewShipmentFactory(), conn, shipmentOptions), shipmentMsg(t, "T9/1", tranID))
	assert.True(t, component.IsPermanent(err))
	assert.ErrorContains(t, err, "is canceled in Sage")
}

func mustAdd(t testing.TB, d decimal.Decimal, n string) decimal.Decimal {
	t.Helper()
	sum, err := d.Add(decimal.MustParse(n))
	require.NoError(t, err)
	return sum
}
