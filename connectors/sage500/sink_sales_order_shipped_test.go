package sage500_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSalesOrderSink_writes_shipped_orders_closed_with_their_shipment_once(t *testing.T) {
	forEachTarget(t, testSalesOrderSink_writes_shipped_orders_closed_with_their_shipment_once)
}

func testSalesOrderSink_writes_shipped_orders_closed_with_their_shipment_once(t *testing.T, tg target) {
	conn, sink := orderSink(t, tg, "shipped: true\n")
	db := conn.DB()
	onHand := func() int64 { return queryInt(t, db, `SELECT CAST(SUM(QtyOnHand) AS INT) FROM timWhseBinInvt`) }
	before := onHand()
	for range 2 {
		require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000001-0000009")))
	}
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoSalesOrder WHERE Status = 4 AND OpenAmt = 0`), "closed, nothing open")
	assert.Equal(t, int64(3), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLine WHERE Status = 2`))
	assert.Equal(t, int64(3), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLineDist WHERE Status = 2 AND QtyShip = QtyOrd AND QtyOpenToShip = 0`))
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoShipment s JOIN tsoShipmentLog g ON g.ShipKey = s.ShipKey
WHERE s.TranType = 810 AND g.TranStatus = 6 AND s.AmtShipped = 138.9 AND (s.ShipTrackNo IS NULL OR s.ShipTrackNo = '')`), "one committed shipment, once")
	assert.Equal(t, int64(6), queryInt(t, db, `SELECT CAST(SUM(d.QtyShipped) AS INT) FROM tsoShipLineDist d
JOIN tsoShipLine l ON l.ShipLineKey = d.ShipLineKey JOIN tsoSOLineDist od ON od.SOLineDistKey = d.SOLineDistKey AND od.SOLineKey = l.SOLineKey`))
	assert.Equal(t, before, onHand(), "the shipment moves no stock")
}

func TestSalesOrderSink_does_not_write_a_shipped_order_canceled_before_it_arrived(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		conn, sink := orderSink(t, tg, "shipped: true\n")
		require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000001-0000010", func(m map[string]any) { header(m)["Status"] = int64(3) })))
		assert.Equal(t, int64(0), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoSalesOrder`))
	})
}
