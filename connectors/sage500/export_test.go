package sage500

import (
	"database/sql"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// NewConnectionOn wraps an open pool with the named dialect, for tests with
// a recording driver.
func NewConnectionOn(set component.Settings, cfg *ConnectionConfig, db *sql.DB, dialectName string) (*Connection, error) {
	d, err := dialect.New(dialectName, mustLocation(cfg.TimeZone))
	if err != nil {
		return nil, err
	}
	return newConnection(set, cfg, db, d)
}

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
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
