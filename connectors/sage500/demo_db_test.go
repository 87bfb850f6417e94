package sage500_test

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
)

func TestCreateDemoDB_seeds_the_demo_catalogue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	require.NoError(t, sage500.CreateDemoDB(context.Background(), path))
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	counts := map[string]int{}
	for _, table := range []string{"tarCustomer", "timItem", "tciShipMethod", "timWarehouse", "timWhseBinInvt", "tglAccount"} {
		var n int
		require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM "+table).Scan(&n))
		counts[table] = n
	}
	assert.Equal(t, map[string]int{"tarCustomer": 4, "timItem": 16, "tciShipMethod": 7, "timWarehouse": 2, "timWhseBinInvt": 32, "tglAccount": 15}, counts)
}

func TestCreateDemoDB_refuses_to_overwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	require.NoError(t, sage500.CreateDemoDB(context.Background(), path))
	err := sage500.CreateDemoDB(context.Background(), path)
	assert.ErrorIs(t, err, fs.ErrExist)
}
