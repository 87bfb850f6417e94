package sage500_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
)

func TestShipOpenOrders_adds_tracking_numbers_later_and_stamps_the_update(t *testing.T) {
	conn, sink := orderSink(t, sqliteTarget(t), "")
	require.NoError(t, writeOne(t, sink, orderMsg(t, "112-0000005-0000003")))
	db := conn.DB()
	at := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	opts := func(now time.Time) sage500demo.ShipOptions {
		return sage500demo.ShipOptions{Now: now, TrackingDelay: 10 * time.Minute}
	}
	type shipment struct {
		track            sql.NullString
		created, updated string
		updateUser       sql.NullString
		updateCounter    int64
	}
	read := func() shipment {
		var s shipment
		require.NoError(t, db.QueryRow(`SELECT ShipTrackNo, CreateDate, UpdateDate, UpdateUserID, UpdateCounter FROM tsoShipment`).
			Scan(&s.track, &s.created, &s.updated, &s.updateUser, &s.updateCounter))
		return s
	}

	n, err := sage500demo.ShipOpenOrders(context.Background(), db, opts(at))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	made := read()
	assert.False(t, made.track.Valid, "no tracking number yet")
	assert.Equal(t, made.created, made.updated, "a new shipment's UpdateDate is its CreateDate")
	assert.Contains(t, made.created, at.Format("2006-01-02T15:04:05"))

	_, err = sage500demo.ShipOpenOrders(context.Background(), db, opts(at.Add(5*time.Minute)))
	require.NoError(t, err)
	assert.False(t, read().track.Valid, "not due yet")

	_, err = sage500demo.ShipOpenOrders(context.Background(), db, opts(at.Add(10*time.Minute)))
	require.NoError(t, err)
	tracked := read()
	assert.Equal(t, "1ZDEMO010000000001", tracked.track.String)
	assert.Equal(t, made.created, tracked.created)
	assert.Contains(t, tracked.updated, at.Add(10*time.Minute).Format("2006-01-02T15:04:05"), "the update is stamped as Sage stamps one")
	assert.Equal(t, "demo-warehouse", tracked.updateUser.String)
	assert.Equal(t, int64(1), tracked.updateCounter)

	n, err = sage500demo.AddTrackingNumbers(context.Background(), db, opts(at.Add(time.Hour)))
	require.NoError(t, err)
	assert.Equal(t, 0, n, "a shipment gets its number once")
}

func TestShipOrder_ships_the_one_order_whatever_its_age(t *testing.T) {
	conn, sink := orderSink(t, sqliteTarget(t), "")
	for _, id := range []string{"112-0000005-0000004", "112-0000005-0000005"} {
		require.NoError(t, writeOne(t, sink, orderMsg(t, id)))
	}
	db := conn.DB()
	so := queryInt(t, db, `SELECT SOKey FROM tsoSalesOrder_ext WHERE AmazonOrderId = '112-0000005-0000005'`)
	n, err := sage500demo.ShipOrder(context.Background(), db, so, sage500demo.ShipOptions{Now: time.Now().Add(-time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, int64(1), queryInt(t, db, `SELECT COUNT(*) FROM tsoSalesOrder WHERE Status = 4`), "that order closed, the other still open")
	assert.Equal(t, int64(4), queryInt(t, db, `SELECT Status FROM tsoSalesOrder WHERE SOKey = ?`, so))
	n, err = sage500demo.ShipOrder(context.Background(), db, so, sage500demo.ShipOptions{Now: time.Now()})
	require.NoError(t, err)
	assert.Equal(t, 0, n, "nothing left to ship")
}
