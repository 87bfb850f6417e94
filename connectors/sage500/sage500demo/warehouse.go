package sage500demo

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
)

// ShipOptions configures the demo warehouse.
type ShipOptions struct {
	// Dialect is the database's dialect: sqlite (the default, the demo
	// database) or sqlserver (the SQL Server test suite ships on its
	// scratch database).
	Dialect string
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

// writer returns the writer the warehouse writes through, with opts'
// defaults filled in.
func (opts *ShipOptions) writer(db *sql.DB) (*writer, error) {
	if opts.Dialect == "" {
		opts.Dialect = "sqlite"
	}
	if opts.CompanyID == "" {
		opts.CompanyID = demo.CompanyID
	}
	if opts.UserID == "" {
		opts.UserID = "demo-warehouse"
	}
	return newWriter(db, opts.Dialect, opts.Location, catalog.Env{Now: opts.Now, User: opts.UserID, Company: opts.CompanyID})
}

// ShipOpenOrders is the demo warehouse: for every open sales order of the
// demo database created at least Delay before Now, except those Amazon
// fulfils (ship methods MCFShipMethods), it ships what is open,
// one order per transaction: a tsoShipment per warehouse with a tracking
// number of the ship method's carrier (deterministic, from the shipment
// key; later, with TrackingDelay), its log row, shipment lines and
// distributions. It then updates the order (shipped and open quantities,
// lines and order closed) and takes the stock out of the warehouse's
// default bin. With TrackingDelay it also adds the tracking numbers that
// are due (AddTrackingNumbers). It returns how many shipments it made. The
// shipments flow reads them back with a sage500.query source. It is demo
// code: real shipments come from Sage.
func ShipOpenOrders(ctx context.Context, db *sql.DB, opts ShipOptions) (int, error) {
	w, err := opts.writer(db)
	if err != nil {
		return 0, err
	}
	orders, err := w.queryKeys(ctx, warehouseSQL.openOrders, opts.CompanyID, opts.Now.Add(-opts.Delay), MCFShipMethods[0], MCFShipMethods[1], MCFShipMethods[2])
	if err != nil {
		return 0, fmt.Errorf("finding open orders: %w", err)
	}
	n, err := shipOrders(ctx, w, orders, opts.TrackingDelay > 0)
	if err == nil && opts.TrackingDelay > 0 {
		_, err = addTrackingNumbers(ctx, w, opts)
	}
	return n, err
}

// ShipOrder ships one open sales order (by SOKey) as ShipOpenOrders does,
// whatever its age; it returns how many shipments it made (none when
// nothing is open).
func ShipOrder(ctx context.Context, db *sql.DB, soKey int64, opts ShipOptions) (int, error) {
	w, err := opts.writer(db)
	if err != nil {
		return 0, err
	}
	return shipOrders(ctx, w, []int64{soKey}, opts.TrackingDelay > 0)
}

// shipOrders ships the orders, one transaction each, without tracking
// numbers when trackLater.
func shipOrders(ctx context.Context, w *writer, orders []int64, trackLater bool) (int, error) {
	shipments := 0
	for _, so := range orders {
		err := w.inTx(ctx, func(ctx context.Context, t *tx) error {
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
// every shipment that has no tracking number and was made at least
// opts.TrackingDelay before opts.Now its tracking number, stamping
// UpdateDate (opts.Now), UpdateUserID and UpdateCounter as an update in
// Sage does, one shipment per transaction. It returns how many it updated.
func AddTrackingNumbers(ctx context.Context, db *sql.DB, opts ShipOptions) (int, error) {
	w, err := opts.writer(db)
	if err != nil {
		return 0, err
	}
	return addTrackingNumbers(ctx, w, opts)
}

func addTrackingNumbers(ctx context.Context, w *writer, opts ShipOptions) (int, error) {
	keys, err := w.queryKeys(ctx, warehouseSQL.untracked, opts.CompanyID, opts.Now.Add(-opts.TrackingDelay))
	if err != nil {
		return 0, fmt.Errorf("finding shipments without a tracking number: %w", err)
	}
	n := 0
	for _, k := range keys {
		err := w.inTx(ctx, func(ctx context.Context, t *tx) error {
			var method sql.NullString
			if err := t.QueryRowContext(ctx, dialect.Render(w.d, warehouseSQL.shipMethod), k).Scan(&method); err != nil {
				return w.d.Classify(err)
			}
			return t.exec(ctx, warehouseSQL.track, trackingNumber(method.String, k), w.env.Now, w.env.User, k)
		})
		if err != nil {
			return n, fmt.Errorf("adding the tracking number of ShipKey %d: %w", k, err)
		}
		n++
	}
	return n, nil
}
