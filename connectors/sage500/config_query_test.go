package sage500_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/connectors/sage500"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const (
	byTime    = "query: shipment_changes\nkey: [ShipKey]\nwatermark: ChangeDate\n"
	byNumber  = "query: shipment_changes\nkey: [ShipKey]\nwatermark: ShipKey\nstart: \"0\"\n"
	byVersion = "query: shipment_versions\nkey: [ShipKey]\nwatermark: ChangeVersion\nchange_tracking: tsoShipment\n"
)

func TestQuerySourceConfig_checks_lookback_and_change_tracking_options(t *testing.T) {
	tests := []struct{ name, options, want string }{
		{"a duration for a time watermark", byTime + "lookback: 2h\n", ""},
		{"a number for a time watermark", byTime + "lookback: 10\n", `lookback: want a duration such as 15m for a datetime watermark, got "10"`},
		{"a negative duration", byTime + "lookback: -5m\n", "lookback: want a duration"},
		{"a number for a numeric watermark", byNumber + "lookback: 500\n", ""},
		{"a duration for a numeric watermark", byNumber + "lookback: 15m\n", `lookback: want a number of at least 0 for a numeric watermark, got "15m"`},
		{"a string watermark", "query: q\nkey: [K]\nwatermark: W\nstart: A-100\nlookback: \"5\"\n", "lookback: a string watermark cannot look back"},
		{"change tracking from the current version", byVersion, ""},
		{"change tracking from a version", byVersion + "start: \"4711\"\n", ""},
		{"change tracking from a date", byVersion + "start: \"2026-01-01\"\n", `start: with change_tracking, want a change version (an integer) or nothing for the current version, got "2026-01-01"`},
		{"change tracking with a lookback", byVersion + "lookback: 5m\n", "lookback: change tracking versions are assigned at commit: leave lookback out"},
		{"change tracking of no table", "query: shipment_versions\nkey: [ShipKey]\nwatermark: ChangeVersion\nchange_tracking: \"dbo.x y\"\n", "does not match pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := componenttest.TryDecodeConfig(sage500.NewQueryFactory(), tt.options)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestQuerySourceConfig_ValidateConnection_of_change_tracking(t *testing.T) {
	sqliteConn := componenttest.DecodeConfig(t, sage500.NewConnectionFactory(), connOptions(t, "sqlite:x.db"))
	mssqlConn := componenttest.DecodeConfig(t, sage500.NewConnectionFactory(), connOptions(t, "sqlserver://sa:secret@db/SQLEXPRESS?database=mas500_app"))
	checkAgainstConnection(t, sage500.NewQueryFactory(), []connCase{
		{"SQL Server", byVersion, mssqlConn, ""},
		{"refused on SQLite", byVersion, sqliteConn, "change_tracking: change tracking needs SQL Server; on the SQLite demo database follow a datetime watermark such as UpdateDate with a lookback"},
		{"a query of another table", "query: shipment_versions\nkey: [ShipKey]\nwatermark: ChangeVersion\nchange_tracking: tsoPendShipment\n", mssqlConn, "query: query shipment_versions must read CHANGETABLE(CHANGES tsoPendShipment, @watermark)"},
		{"a query comparing a watermark", "query: shipment_changes\nkey: [ShipKey]\nwatermark: ChangeDate\nchange_tracking: tsoShipment\n", mssqlConn, "must read CHANGETABLE(CHANGES tsoShipment, @watermark)"},
		{"a changes query without change tracking", "query: shipment_versions\nkey: [ShipKey]\nwatermark: ChangeVersion\n", mssqlConn, "must select the rows whose watermark is >= @watermark"},
	})
}

// connCase is a component's options checked against a connection's
// config: want is a text the error contains, or "" for no error.
type connCase struct {
	name    string
	options string
	conn    any
	want    string
}

// checkAgainstConnection runs ValidateConnection of f's configs.
func checkAgainstConnection(t *testing.T, f component.Factory, tests []connCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := componenttest.DecodeConfig(t, f, tt.options).(component.ConnectionValidator)
			err := cfg.ValidateConnection(tt.conn)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
