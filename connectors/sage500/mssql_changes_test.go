package sage500_test

import (
	"context"
	"database/sql/driver"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/connectors/sage500/internal/sqlrec"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// fakeTracking answers the statements of a change-tracking poll the way
// SQL Server would: each poll takes the next versions (current, min valid;
// nil when change tracking is off) and the next changes.
type fakeTracking struct {
	versions [][2]any
	changes  [][][]driver.Value
}

var changeColumns = []string{"ChangeVersion", "ShipKey", "TranID", "ShipTrackNo", "ShipMethID", "AmazonOrderId", "AmazonOrderItemId", "ShipLineKey", "QtyShipped"}

func (f *fakeTracking) respond(q string, _ []driver.NamedValue) (sqlrec.Result, error) {
	switch {
	case strings.HasPrefix(q, "SELECT CHANGE_TRACKING_CURRENT_VERSION()"):
		v := f.versions[0]
		f.versions = f.versions[1:]
		return sqlrec.Result{Columns: []string{"current", "min_valid"}, Rows: [][]driver.Value{{v[0], v[1]}}}, nil
	case strings.Contains(q, "FROM CHANGETABLE(CHANGES tsoShipment, @watermark)"):
		rows := f.changes[0]
		f.changes = f.changes[1:]
		return sqlrec.Result{Columns: changeColumns,
			Types: []string{"BIGINT", "INT", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "INT", "DECIMAL"}, Rows: rows}, nil
	case strings.HasPrefix(q, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"):
		return sqlrec.Result{}, nil
	}
	return sqlrec.Result{}, driverErr(q)
}

// recordingConn is a SQL Server connection on the recording driver.
func recordingConn(t *testing.T, respond sqlrec.Responder) (*sage500.Connection, *sqlrec.Recorder) {
	t.Helper()
	rec := sqlrec.New(respond)
	cfg := componenttest.DecodeConfig(t, sage500.NewConnectionFactory(),
		connOptions(t, "sqlserver://sage:secret@sql01/SAGE?database=mas500_app")).(*sage500.ConnectionConfig)
	conn, err := sage500.NewConnectionOn(componenttest.NewSettings(t, "connection/sage"), cfg, rec.DB(), "sqlserver")
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Shutdown(context.Background()) })
	return conn, rec
}

// trackingRig is a change-tracking source on the recording driver.
func trackingRig(t *testing.T, f *fakeTracking) (*sourceRig, *sqlrec.Recorder) {
	t.Helper()
	conn, rec := recordingConn(t, f.respond)
	return newSource(t, conn, byVersion+"group: {header: [TranID, ShipTrackNo, ShipMethID, AmazonOrderId]}\n", componenttest.NewMemState()), rec
}

func TestSQLServer_change_tracking_poll_statements(t *testing.T) {
	line := func(version, ship, lineKey int64, item string) []driver.Value {
		return []driver.Value{version, ship, "SH-0000000031", "1Z999AA10123456784", "UPS GROUND", "112-0000001-0000001", item, lineKey, []byte("1.00000000")}
	}
	f := &fakeTracking{
		versions: [][2]any{{int64(105), int64(90)}, {int64(108), int64(90)}, {int64(108), int64(110)}},
		changes: [][][]driver.Value{
			nil,
			{line(107, 31, 1, "10000000000001"), line(107, 31, 2, "10000000000002"), line(108, 32, 3, "10000000000003")},
		},
	}
	rig, rec := trackingRig(t, f)

	assert.False(t, rig.poll(t), "the first poll starts at the current version")
	assert.Empty(t, rig.pub.Messages())
	cur, err := rig.state.Get(context.Background(), "cursor")
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"int","watermark":"105"}`, string(cur), "kept at once, so that the next poll reads the changes after it")

	rig.poll(t)
	msgs := rig.pub.Messages()
	require.Len(t, msgs, 2)
	assert.Equal(t, "sage500.query:shipment_versions:31@107", msgs[0].ID, "key and change version")
	assert.Len(t, msgs[0].Body.(map[string]any)["lines"], 2)
	assert.Equal(t, "sage500.query:shipment_versions:32@108", msgs[1].ID)

	// The retention period passed: the changes after 108 up to 110 are gone.
	_, err = rig.src.PollOnce(context.Background())
	require.Error(t, err)
	assert.True(t, component.IsPermanent(err))
	assert.ErrorContains(t, err, "change tracking of tsoShipment holds the changes after version 110 only, but this source has read up to version 108")
	assert.ErrorContains(t, err, "set start to 110 to resume from there")
	assert.Len(t, rig.pub.Messages(), 2)

	golden(t, "mssql/query_change_tracking.golden", rec.Transcript())
}

func TestSQLServer_change_tracking_off_is_a_clear_error(t *testing.T) {
	tests := []struct {
		name     string
		versions [2]any
		want     string
	}{
		{"database", [2]any{nil, nil}, "change tracking is off in this database: ALTER DATABASE <db> SET CHANGE_TRACKING = ON"},
		{"table", [2]any{int64(5), nil}, "change tracking is off for table tsoShipment (or it does not exist): ALTER TABLE tsoShipment ENABLE CHANGE_TRACKING"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rig, rec := trackingRig(t, &fakeTracking{versions: [][2]any{tt.versions}})
			_, err := rig.src.PollOnce(context.Background())
			assert.True(t, component.IsPermanent(err))
			assert.ErrorContains(t, err, tt.want)
			assert.True(t, strings.HasSuffix(rec.Transcript(), "ROLLBACK\n\nSET TRANSACTION ISOLATION LEVEL READ COMMITTED\n"), "the snapshot ends and the connection is reset")
		})
	}
}

func TestQuerySource_sends_the_time_watermark_less_the_lookback(t *testing.T) {
	conn, rec := recordingConn(t, (&fakeSage{keys: map[string]int64{}}).respond)
	rig := newSource(t, conn, shipmentsOptions+"lookback: 10m\n", componenttest.NewMemState())
	rig.poll(t)
	rig.poll(t)
	tr := rec.Transcript()
	assert.Contains(t, tr, "@2 = mssql.DateTime1(2026-01-01 00:00:00.000)", "the first poll reads from start, never before it")
	assert.Contains(t, tr, "@2 = mssql.DateTime1(2026-03-02 09:20:00.000)", "then from 10 minutes before the last CreateDate read (09:30)")
	assert.Len(t, rig.pub.Messages(), 1, "the shipment read twice is published once")
}
