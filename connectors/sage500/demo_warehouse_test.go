package sage500_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

func TestShipOpenOrders_ships_orders_older_than_the_delay(t *testing.T) {
	conn, sink := orderSink(t, sqliteTarget(t), "")
	require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000005-0000001")))
	db := conn.DB()
	n, err := sage500demo.ShipOpenOrders(context.Background(), db, sage500demo.ShipOptions{Delay: time.Hour, Now: time.Now()})
	require.NoError(t, err)
	assert.Equal(t, 0, n, "too recent")

	n, err = sage500demo.ShipOpenOrders(context.Background(), db, sage500demo.ShipOptions{Delay: time.Hour, Now: time.Now().Add(2 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	var track, method string
	require.NoError(t, db.QueryRow(`SELECT s.ShipTrackNo, m.ShipMethID FROM tsoShipment s JOIN tciShipMethod m ON m.ShipMethKey = s.ShipMethKey`).Scan(&track, &method))
	assert.Equal(t, "UPS GROUND", method, "the order's ship method")
	assert.Equal(t, "1ZDEMO010000000001", track)
	assert.Equal(t, int64(4), queryInt(t, db, `SELECT Status FROM tsoSalesOrder`), "closed")
	assert.Equal(t, int64(0), queryInt(t, db, `SELECT COUNT(*) FROM tsoSOLineDist WHERE QtyOpenToShip <> 0 OR QtyShip <> QtyOrd`))
	assert.Equal(t, int64(118), queryInt(t, db, `SELECT CAST(b.QtyOnHand AS INTEGER) FROM timWhseBinInvt b JOIN timItem i ON i.ItemKey = b.ItemKey
JOIN timWhseBin w ON w.WhseBinKey = b.WhseBinKey JOIN timWarehouse h ON h.WhseKey = w.WhseKey WHERE i.ItemID = 'WB-0001-BK' AND h.WhseID = 'MAIN'`), "120 less the 2 shipped")

	n, err = sage500demo.ShipOpenOrders(context.Background(), db, sage500demo.ShipOptions{Delay: time.Hour, Now: time.Now().Add(3 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, 0, n, "nothing left to ship")
}

// The demo.warehouse source ships on the engine's clock and publishes one
// message per round that shipped something.
func TestWarehouseSource_ships_on_the_clock_and_reports_what_it_shipped(t *testing.T) {
	conn, sink := orderSink(t, sqliteTarget(t), "")
	require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000005-0000002")))
	clock := componenttest.NewManualClock(time.Now())
	f := sage500demo.NewWarehouseFactory()
	pub := &componenttest.Publisher{}
	set := component.SourceSettings{Settings: componenttest.NewSettings(t, "demo-warehouse/source"), Publisher: pub}
	set.Clock, set.Connection = clock, conn
	src, err := componenttest.CreateSource(context.Background(), f, set, componenttest.DecodeConfig(t, f, "{enabled: true, every: 1m, delay: 5m}"))
	require.NoError(t, err)
	require.NoError(t, src.Start(context.Background()))
	t.Cleanup(func() { _ = src.Shutdown(context.Background()) })
	for range 6 {
		require.Eventually(t, func() bool { return clock.Waiters() == 1 }, componenttest.WaitLimit, time.Millisecond)
		clock.Advance(time.Minute)
	}
	require.Eventually(t, func() bool { return len(pub.Messages()) == 1 }, componenttest.WaitLimit, time.Millisecond)
	body := pub.Messages()[0].Body.(map[string]any)
	assert.Equal(t, int64(1), body["shipments"])
	assert.Equal(t, int64(1), queryInt(t, conn.DB(), `SELECT COUNT(*) FROM tsoShipment`))
}

func TestShipOpenOrders_writes_times_in_the_connections_zone(t *testing.T) {
	conn, sink := orderSink(t, sqliteTarget(t), "")
	require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000005-0000002")))
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	now := time.Now().Add(12 * time.Hour).UTC().Truncate(time.Second) // well past the order, in either zone
	n, err := sage500demo.ShipOpenOrders(context.Background(), conn.DB(), sage500demo.ShipOptions{Delay: time.Hour, Now: now, Location: ny})
	require.NoError(t, err)
	require.Equal(t, 1, n)
	var created string
	require.NoError(t, conn.DB().QueryRow(`SELECT CreateDate FROM tsoShipment`).Scan(&created))
	assert.Contains(t, created, now.In(ny).Format("2006-01-02T15:04:05"), "New York wall-clock time, as the connection reads it (the driver prints it RFC 3339 style)")
}
