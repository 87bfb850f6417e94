package sage500_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// On a real SQL Server only (PIPEWRIGHT_MSSQL_DSN): with change tracking on
// the scratch database, a change whose transaction was open while a later
// shipment was read is published once it commits, which no datetime
// watermark guarantees.
func TestQuerySource_change_tracking_reads_a_late_commit_on_SQL_Server(t *testing.T) {
	tg := mssqlTarget(t)
	r := newShipRig(t, tg, byVersion+"group: {header: [TranID, ShipTrackNo, ShipMethID, AmazonOrderId]}\n")
	ctx := context.Background()
	db := r.conn.DB()
	var name string
	require.NoError(t, db.QueryRowContext(ctx, "SELECT DB_NAME()").Scan(&name))
	for _, stmt := range []string{
		"ALTER DATABASE [" + name + "] SET ALLOW_SNAPSHOT_ISOLATION ON",
		"ALTER DATABASE [" + name + "] SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 1 DAYS, AUTO_CLEANUP = ON)",
		"ALTER TABLE tsoShipment ENABLE CHANGE_TRACKING",
	} {
		_, err := db.ExecContext(ctx, stmt)
		require.NoError(t, err, stmt)
	}
	first, second := r.order(1), r.order(2)
	r.src.poll(t) // starts at the current version
	s1 := r.ship(first, r.base, false)
	r.src.poll(t)
	require.Equal(t, []int64{s1}, r.published())

	// A long transaction changes the first shipment, and commits only after
	// the second shipment was made and read.
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()
	_, err = tx.ExecContext(ctx, "UPDATE tsoShipment SET UserFld2 = 'LATE', UpdateCounter = UpdateCounter + 1 WHERE ShipKey = @p1", s1)
	require.NoError(t, err)
	s2 := r.ship(second, r.base.Add(time.Minute), false)
	r.src.poll(t)
	require.Equal(t, []int64{s1, s2}, r.published(), "the open change is not read yet")
	require.NoError(t, tx.Commit())
	r.src.poll(t)
	r.src.poll(t)
	assert.Equal(t, []int64{s1, s2, s1}, r.published(), "the late commit is read once, as a new version")
}
