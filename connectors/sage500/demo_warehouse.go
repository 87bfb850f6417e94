package sage500

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// ShipOptions configures ShipOpenOrders.
type ShipOptions struct {
	// CompanyID defaults to demo.CompanyID.
	CompanyID string
	// Delay is how long after its creation an open order is shipped.
	Delay time.Duration
	// TrackingDelay, when positive, is how long after a shipment is made
	// its tracking number arrives (as when a carrier system writes it back
	// later): shipments are made without one, and ShipOpenOrders adds it to
	// those made at least TrackingDelay before Now. Zero: at once.
	TrackingDelay time.Duration
	// Now is the time of the shipments (the engine clock's time): their
	// CreateDate and UpdateDate, and the UpdateDate of what they change.
	Now time.Time
	// UserID defaults to "demo-warehouse".
	UserID string
	// Location is the zone of the database's datetime columns (the
	// connection's time_zone); default UTC.
	Location *time.Location
}

// ShipOpenOrders is the demo warehouse: for every open sales order of the
// SQLite demo database created at least Delay before Now, it ships what is
// open, one order per transaction: a tsoShipment per warehouse with a
// tracking number of the ship method's carrier (deterministic, from the
// shipment key; later, with TrackingDelay), its log row, shipment lines and
// distributions. It then updates the order (shipped and open quantities,
// lines and order closed) and takes the stock out of the warehouse's
// default bin. With TrackingDelay it also adds the tracking numbers that
// are due (AddTrackingNumbers). It returns how many shipments it made. The
// shipments flow reads them back with a sage500.query source. It is demo
// code: real shipments come from Sage.
func ShipOpenOrders(ctx context.Context, db *sql.DB, opts ShipOptions) (int, error) {
	return shipOpenOrders(ctx, db, "sqlite", opts)
}

// ShipOrder ships one open sales order of the SQLite demo database (by
// SOKey) as ShipOpenOrders does, whatever its age; it returns how many
// shipments it made (none when nothing is open).
func ShipOrder(ctx context.Context, db *sql.DB, soKey int64, opts ShipOptions) (int, error) {
	return shipOneOrder(ctx, db, "sqlite", soKey, opts)
}

// shipOneOrder is ShipOrder on a database of either dialect.
func shipOneOrder(ctx context.Context, db *sql.DB, dialectName string, soKey int64, opts ShipOptions) (int, error) {
	c, err := demoWarehouse(db, dialectName, &opts)
	if err != nil {
		return 0, err
	}
	return shipOrders(ctx, c, []int64{soKey}, opts.TrackingDelay > 0)
}

// demoWarehouse fills in opts' defaults and opens the tool connection the
// warehouse writes through, on the clock stopped at opts.Now.
func demoWarehouse(db *sql.DB, dialectName string, opts *ShipOptions) (*Connection, error) {
	if opts.CompanyID == "" {
		opts.CompanyID = demo.CompanyID
	}
	if opts.UserID == "" {
		opts.UserID = "demo-warehouse"
	}
	return toolConnection(db, dialectName, opts.CompanyID, opts.UserID, component.FixedClock(opts.Now), opts.Location)
}

// shipOpenOrders is ShipOpenOrders on a database of either dialect (the
// SQL Server test suite ships on its scratch database).
func shipOpenOrders(ctx context.Context, db *sql.DB, dialectName string, opts ShipOptions) (int, error) {
	c, err := demoWarehouse(db, dialectName, &opts)
	if err != nil {
		return 0, err
	}
	orders, err := queryKeys(ctx, c, demoSQL.openOrders, opts.CompanyID, opts.Now.Add(-opts.Delay))
	if err != nil {
		return 0, fmt.Errorf("finding open orders: %w", err)
	}
	n, err := shipOrders(ctx, c, orders, opts.TrackingDelay > 0)
	if err == nil && opts.TrackingDelay > 0 {
		_, err = addTrackingNumbers(ctx, c, opts)
	}
	return n, err
}

// shipOrders ships the orders, one transaction each, without tracking
// numbers when trackLater.
func shipOrders(ctx context.Context, c *Connection, orders []int64, trackLater bool) (int, error) {
	shipments := 0
	for _, so := range orders {
		err := c.inTx(ctx, func(ctx context.Context, t *txn) error {
			n, err := shipOrder(ctx, t, so, trackLater)
			shipments += n
			return err
		})
		if err != nil {
			return shipments, fmt.Errorf("shipping order SOKey %d: %w", so, err)
		}
	}
	return shipments, nil
}

// AddTrackingNumbers is the carrier system of the demo warehouse: it gives
// every shipment of the SQLite demo database that has no tracking number
// and was made at least opts.TrackingDelay before opts.Now its tracking
// number, stamping UpdateDate (opts.Now), UpdateUserID and UpdateCounter as
// an update in Sage does, one shipment per transaction. It returns how
// many it updated.
func AddTrackingNumbers(ctx context.Context, db *sql.DB, opts ShipOptions) (int, error) {
	return addTrackingNumbersOn(ctx, db, "sqlite", opts)
}

// addTrackingNumbersOn is AddTrackingNumbers on a database of either
// dialect.
func addTrackingNumbersOn(ctx context.Context, db *sql.DB, dialectName string, opts ShipOptions) (int, error) {
	c, err := demoWarehouse(db, dialectName, &opts)
	if err != nil {
		return 0, err
	}
	return addTrackingNumbers(ctx, c, opts)
}

func addTrackingNumbers(ctx context.Context, c *Connection, opts ShipOptions) (int, error) {
	keys, err := queryKeys(ctx, c, demoSQL.untracked, opts.CompanyID, opts.Now.Add(-opts.TrackingDelay))
	if err != nil {
		return 0, fmt.Errorf("finding shipments without a tracking number: %w", err)
	}
	n := 0
	for _, k := range keys {
		err := c.inTx(ctx, func(ctx context.Context, t *txn) error {
			var method sql.NullString
			d := c.dialect
			if err := t.QueryRowContext(ctx, dialect.Render(d, demoSQL.shipMethod), k).Scan(&method); err != nil {
				return d.Classify(err)
			}
			_, err := t.ExecContext(ctx, dialect.Render(d, demoSQL.track), dialect.Args(d, trackingNumber(method.String, k), t.now, c.cfg.UserID, k)...)
			return d.Classify(err)
		})
		if err != nil {
			return n, fmt.Errorf("adding the tracking number of ShipKey %d: %w", k, err)
		}
		n++
	}
	return n, nil
}

// queryKeys runs a demo query for a list of keys.
func queryKeys(ctx context.Context, c *Connection, query string, args ...any) ([]int64, error) {
	rows, err := c.db.QueryContext(ctx, dialect.Render(c.dialect, query), dialect.Args(c.dialect, args...)...)
	if err != nil {
		return nil, c.dialect.Classify(err)
	}
	defer rows.Close()
	var keys []int64
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// OpenDemoDB opens the SQLite demo database at path with the connector's
// SQLite settings (WAL, IMMEDIATE write transactions, a busy timeout).
func OpenDemoDB(path string) (*sql.DB, error) {
	_, driverDSN, err := parseDSN("sqlite:" + path)
	if err != nil {
		return nil, err
	}
	return sql.Open("sqlite", driverDSN)
}

// RunDemoWarehouse runs ShipOpenOrders every interval of clock until ctx is
// done, logging the shipments it makes; for the live demo.
func RunDemoWarehouse(ctx context.Context, db *sql.DB, every time.Duration, opts ShipOptions, clock component.Clock, log *slog.Logger) {
	for {
		opts.Now = clock.Now()
		n, err := ShipOpenOrders(ctx, db, opts)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("demo warehouse could not ship", "error", err)
		case n > 0:
			log.Info("demo warehouse shipped orders", "shipments", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-clock.After(every):
		}
	}
}
