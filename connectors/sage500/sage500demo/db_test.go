package sage500demo_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500/sage500demo"
)

func TestCreateDB_seeds_the_demo_catalogue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	require.NoError(t, sage500demo.CreateDB(context.Background(), path))
	db, err := sage500demo.OpenDB(path)
	require.NoError(t, err)
	defer db.Close()
	counts := map[string]int{}
	for _, table := range []string{"tarCustomer", "timItem", "tciShipMethod", "timWarehouse", "timWhseBinInvt", "tglAccount"} {
		var n int
		require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM "+table).Scan(&n))
		counts[table] = n
	}
	assert.Equal(t, map[string]int{"tarCustomer": 5, "timItem": 16, "tciShipMethod": 10, "timWarehouse": 6, "timWhseBinInvt": 32, "tglAccount": 18}, counts)
}

func TestCreateDB_refuses_to_overwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	require.NoError(t, sage500demo.CreateDB(context.Background(), path))
	err := sage500demo.CreateDB(context.Background(), path)
	assert.ErrorIs(t, err, fs.ErrExist)
}

func TestOpenDB_refuses_a_missing_database(t *testing.T) {
	db, err := sage500demo.OpenDB(filepath.Join(t.TempDir(), "missing.db"))
	require.NoError(t, err)
	defer db.Close()
	var n int
	assert.Error(t, db.QueryRow("SELECT COUNT(*) FROM timItem").Scan(&n), "mode=rw: a missing file is not an empty database")
}
