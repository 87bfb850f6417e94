package sage500demo_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
)

func TestSeedMCFOrders_adds_open_web_store_orders_for_amazon_to_fulfil_that_the_warehouse_leaves_alone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	require.NoError(t, sage500demo.CreateDB(context.Background(), path))
	db, err := sage500demo.OpenDB(path)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, sage500demo.SeedMCFOrders(context.Background(), db))
	count := func(query string) int {
		var n int
		require.NoError(t, db.QueryRow(query).Scan(&n))
		return n
	}
	mcf := `SELECT COUNT(*) FROM tsoSalesOrder o JOIN tciShipMethod m ON m.ShipMethKey = o.DfltShipMethKey
JOIN tarCustomer c ON c.CustKey = o.CustKey JOIN tciAddress a ON a.AddrKey = o.DfltShipToAddrKey
WHERE o.Status = 1 AND m.ShipMethID LIKE 'MCF %' AND c.CustID = 'WEBSTORE' AND a.CountryID = 'USA'`
	assert.Equal(t, sage500demo.MCFOrders, count(mcf))
	assert.Equal(t, 0, count(`SELECT COUNT(*) FROM tsoSalesOrder o WHERE NOT EXISTS (SELECT 1 FROM tsoSOLine l WHERE l.SOKey = o.SOKey)`), "every order has lines")
	assert.Equal(t, sage500demo.MCFOrders, count(`SELECT COUNT(DISTINCT TranID) FROM tsoSalesOrder`), "distinct tran numbers")

	n, err := sage500demo.ShipOpenOrders(context.Background(), db, sage500demo.ShipOptions{Now: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	assert.Zero(t, n, "the demo warehouse ships none of them")
	assert.Equal(t, sage500demo.MCFOrders, count(mcf))
}
