package sage500

import (
	"context"
	"database/sql"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// PollOnce runs one poll of a sage500.query source, for tests that drive
// the source without its timer.
func PollOnce(ctx context.Context, src component.Source) (bool, error) {
	return src.(*querySource).poll(ctx)
}

// NewConnectionOn wraps an open pool with the named dialect, for tests with
// a recording driver.
func NewConnectionOn(set component.Settings, cfg *ConnectionConfig, db *sql.DB, dialectName string) (*Connection, error) {
	d, err := dialect.New(dialectName, mustLocation(cfg.TimeZone))
	if err != nil {
		return nil, err
	}
	return newConnection(set, cfg, db, d)
}

// CreateDemoOn creates the demo tables in an open database of the named
// dialect, runs beforeSeed (the SQL Server suite creates its procedure
// stand-ins there) and seeds them.
func CreateDemoOn(ctx context.Context, db *sql.DB, dialectName string, beforeSeed func() error) error {
	return createDemo(ctx, db, dialectName, beforeSeed)
}

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// ShipOpenOrdersOn runs the demo warehouse on a database of the named
// dialect.
func ShipOpenOrdersOn(ctx context.Context, db *sql.DB, dialectName string, opts ShipOptions) (int, error) {
	return shipOpenOrders(ctx, db, dialectName, opts)
}

// ShipOrderOn is ShipOrder on a database of the named dialect.
func ShipOrderOn(ctx context.Context, db *sql.DB, dialectName string, soKey int64, opts ShipOptions) (int, error) {
	return shipOneOrder(ctx, db, dialectName, soKey, opts)
}

// AddTrackingNumbersOn is AddTrackingNumbers on a database of the named
// dialect.
func AddTrackingNumbersOn(ctx context.Context, db *sql.DB, dialectName string, opts ShipOptions) (int, error) {
	return addTrackingNumbersOn(ctx, db, dialectName, opts)
}

// DocumentFields lists the fields the sales-order document takes besides
// the computed ones, for the documentation test.
func DocumentFields() []string {
	fields := []string{"CustID", "TranNo", "TranDate", "Status", "CurrID", "CurrExchRate", "ShipMethID", "WhseID", "FreightAmt", "STaxAmt",
		"ItemID", "QtyOrd", "UnitPrice", "ExtAmt", "TradeDiscAmt", "UnitMeasID", "GLAcctNo"}
	for _, l := range [][]string{headerCopied, shipToCopied, lineCopied, distCopied} {
		fields = append(fields, l...)
	}
	return fields
}

// Redact is redact, for its table test.
var Redact = redact
