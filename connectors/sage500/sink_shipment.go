package sage500

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// Sage's numbers for a customer shipment (README §1.1, §6, §7.1).
const (
	tranTypeCustomerShipment = 810
	batchTypeShipments       = 801 // SO process shipments
	soStatusCanceled         = 3
)

// shipmentSink writes customer shipments (SO tran type 810) of a sales
// order with their tracking number: the shipment rows (shipment_rows.go),
// the shipped quantities on the order's distributions, the lines and the
// order closed once nothing is open, the units taken out of stock (with
// take_stock) and the shipment's custom fields.
type shipmentSink struct {
	component.StartFunc
	component.ShutdownFunc
	keyedWriter
	cfg *ShipmentConfig
	sql shipSQL
}

type shipSQL struct{ findByKey, order, line, shipMethod, ship, closeLine, closeOrder, takeStock string }

var _ component.ConcurrentSink = (*shipmentSink)(nil)

// NewShipmentFactory returns the factory of sage500.shipment sinks.
func NewShipmentFactory() component.SinkFactory {
	return sinkFactory{factory{TypeShipment, component.KindSink, func() any { return NewShipmentConfig() }}, newShipmentSink}
}

func newShipmentSink(set component.SinkSettings, conn *Connection, cfg any) (component.Sink, error) {
	c := cfg.(*ShipmentConfig)
	w, err := newKeyedWriter(set, conn, "shipment", "shipment", "shipments", "Customer shipment messages by outcome: created, duplicate (already written), rejected.")
	if err != nil {
		return nil, err
	}
	r := func(s string) string { return dialect.Render(conn.dialect, s) }
	return &shipmentSink{keyedWriter: w, cfg: c, sql: shipSQL{
		findByKey: r(`SELECT {ShipKey} FROM {` + conn.fields["shipment"].ExtTable() + `}{LOCK} WHERE {` + c.KeyField + `} = ?`),
		order: r(`SELECT o.{SOKey}, o.{CustKey}, COALESCE(o.{DfltShipToAddrKey}, o.{BillToCustAddrKey}), o.{DfltShipToCAddrKey}, o.{Status}, o.{DfltShipMethKey}
FROM {tsoSalesOrder} o WHERE o.{CompanyID} = ? AND o.{TranType} = ` + fmt.Sprint(tranTypeSalesOrder) + ` AND o.{TranID} = ?`),
		line: r(`SELECT l.{SOLineKey}, l.{ItemKey}, l.{UnitMeasKey}, l.{UnitPrice}, d.{SOLineDistKey}, d.{WhseKey}, d.{QtyOpenToShip}
FROM {tsoSOLine} l JOIN {tsoSOLineDist} d ON d.{SOLineKey} = l.{SOLineKey}
WHERE l.{SOKey} = ? AND l.{SOLineNo} = ? ORDER BY d.{SOLineDistKey}`),
		shipMethod: r(`SELECT {ShipMethKey} FROM {tciShipMethod} WHERE {CompanyID} = ? AND {ShipMethID} = ?`),
		ship: r(`UPDATE {tsoSOLineDist} SET {QtyShip} = {QtyShip} + ?, {QtyOpenToShip} = {QtyOpenToShip} - ?,
{Status} = CASE WHEN {QtyOpenToShip} - ? <= 0 THEN 2 ELSE {Status} END, {UpdateCounter} = {UpdateCounter} + 1 WHERE {SOLineDistKey} = ?`),
		closeLine: r(`UPDATE {tsoSOLine} SET {Status} = 2, {CloseDate} = ?, {UpdateCounter} = {UpdateCounter} + 1
WHERE {SOLineKey} = ? AND {Status} = 1 AND NOT EXISTS (SELECT 1 FROM {tsoSOLineDist} WHERE {SOLineKey} = ? AND {QtyOpenToShip} > 0)`),
		closeOrder: r(`UPDATE {tsoSalesOrder} SET {Status} = 4, {CloseDate} = ?, {OpenAmt} = 0, {OpenAmtHC} = 0, {UpdateDate} = ?, {UpdateUserID} = ?,
{UpdateCounter} = {UpdateCounter} + 1 WHERE {SOKey} = ? AND {Status} = 1
AND NOT EXISTS (SELECT 1 FROM {tsoSOLine} l JOIN {tsoSOLineDist} d ON d.{SOLineKey} = l.{SOLineKey} WHERE l.{SOKey} = ? AND d.{QtyOpenToShip} > 0)`),
		takeStock: r(`UPDATE {timWhseBinInvt} SET {QtyOnHand} = {QtyOnHand} - ? WHERE {ItemKey} = ?
AND {WhseBinKey} IN (SELECT {WhseBinKey} FROM {timWhseBin} WHERE {WhseKey} = ? AND {DfltBin} = 1)`),
	}}, nil
}

// ConcurrentWrites marks the sink safe for concurrent Write calls.
func (*shipmentSink) ConcurrentWrites() {}

// Write writes each shipment of the batch in its own transaction.
func (s *shipmentSink) Write(ctx context.Context, batch []*component.Message) error {
	return writeBatch(ctx, s.metrics, batch, s.writeOne)
}

func (s *shipmentSink) writeOne(ctx context.Context, msg *component.Message) error {
	doc, err := s.parseShipDoc(msg.Body)
	if err != nil {
		return s.reject(msg, s.cfg.KeyField, err)
	}
	return s.once(ctx, doc.key, s.sql.findByKey, func(ctx context.Context, t *txn) error { return s.create(ctx, t, doc) })
}

// shippedOrder is the sales order a shipment ships.
type shippedOrder struct {
	soKey, custKey, addrKey int64
	custAddrKey             sql.NullInt64
	status                  int64
	shipMethKey             sql.NullInt64
}

// shippedLine is an order line (its first distribution) a shipment ships.
type shippedLine struct {
	shipmentLine
	price   decimal.Decimal
	whseKey sql.NullInt64
	open    decimal.Decimal
}

func (s *shipmentSink) create(ctx context.Context, t *txn, doc *shipDoc) error {
	d := t.c.dialect
	var o shippedOrder
	err := t.QueryRowContext(ctx, s.sql.order, dialect.Args(d, t.c.cfg.CompanyID, doc.order)...).Scan(&o.soKey, &o.custKey, &o.addrKey, &o.custAddrKey, &o.status, &o.shipMethKey)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return component.Permanentf("shipment.order: Sage has no sales order %s in company %s", doc.order, t.c.cfg.CompanyID)
	case err != nil:
		return fmt.Errorf("looking the order up: %w", d.Classify(err))
	case o.status == soStatusCanceled:
		return component.Permanentf("shipment.order: sales order %s is canceled in Sage, but the shipment %s was shipped: reopen the order or record the shipment by hand", doc.order, doc.key)
	}
	if doc.shipMethID != "" {
		k, err := t.keyByID(ctx, s.sql.shipMethod, "ship method", "shipment.header.ShipMethID", doc.shipMethID)
		if err != nil {
			return err
		}
		o.shipMethKey = sql.NullInt64{Int64: k, Valid: true}
	}
	lines := make([]shippedLine, len(doc.lines))
	amt := decimal.Zero
	for i, dl := range doc.lines {
		if lines[i], err = s.lineOf(ctx, t, o, doc, i); err != nil {
			return err
		}
		ext, err := dl.qty.Mul(lines[i].price)
		if err == nil {
			amt, err = amt.Add(ext)
		}
		if err != nil {
			return component.Permanentf("shipment.lines.%d: amount: %v", i, err)
		}
	}
	if amt, err = roundMoney(amt); err != nil {
		return component.Permanentf("shipment: amount: %v", err)
	}
	return s.insert(ctx, t, o, doc, lines, amt)
}

// lineOf reads the order line that shipment line i ships and checks that
// as much is open to ship.
func (s *shipmentSink) lineOf(ctx context.Context, t *txn, o shippedOrder, doc *shipDoc, i int) (shippedLine, error) {
	d, dl := t.c.dialect, doc.lines[i]
	var l shippedLine
	err := t.QueryRowContext(ctx, s.sql.line, dialect.Args(d, o.soKey, dl.lineNo)...).Scan(&l.lineKey, &l.itemKey, &l.uom, &l.price, &l.distKey, &l.whseKey, &l.open)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return l, component.Permanentf("shipment.lines.%d.line: sales order %s has no line %d", i, doc.order, dl.lineNo)
	case err != nil:
		return l, fmt.Errorf("looking the order line up: %w", d.Classify(err))
	case l.open.Cmp(dl.qty) < 0:
		return l, component.Permanentf("shipment.lines.%d: sales order %s line %d has %s open to ship in Sage; the shipment %s ships %s",
			i, doc.order, dl.lineNo, l.open.Trim(0), doc.key, dl.qty.Trim(0))
	}
	l.qty = dl.qty
	return l, nil
}

// insert writes the shipment's rows, moves the quantities and closes what
// is shipped in full.
func (s *shipmentSink) insert(ctx context.Context, t *txn, o shippedOrder, doc *shipDoc, lines []shippedLine, amt decimal.Decimal) error {
	d := t.c.dialect
	tranDate := doc.tranDate
	if tranDate.IsZero() {
		tranDate = today(t.now, t.c.loc)
	}
	rows := shipmentRows{tranType: tranTypeCustomerShipment, batchType: batchTypeShipments, tranDate: tranDate, comment: doc.tranCmnt,
		header: map[string]any{"CustKey": o.custKey, "WhseKey": nullable(lines[0].whseKey), "ShipMethKey": nullable(o.shipMethKey),
			"ShipToAddrKey": o.addrKey, "ShipToCustAddrKey": nullable(o.custAddrKey), "ShipTrackNo": doc.trackNo, "AmtShipped": amt,
			"TranCmnt": doc.tranCmnt, "UpdateDate": t.now}}
	for _, l := range lines {
		rows.lines = append(rows.lines, l.shipmentLine)
	}
	shipKey, err := insertShipment(ctx, t, rows)
	if err != nil {
		return err
	}
	for i, l := range lines {
		stmts := []boundStmt{
			{s.sql.ship, dialect.Args(d, l.qty, l.qty, l.qty, l.distKey)},
			{s.sql.closeLine, dialect.Args(d, tranDate, l.lineKey, l.lineKey)},
		}
		if err := t.execAll(ctx, fmt.Sprintf("shipping line %d", i+1), stmts...); err != nil {
			return err
		}
		if s.cfg.TakeStock {
			if err := s.takeStock(ctx, t, i, l); err != nil {
				return err
			}
		}
	}
	if err := t.execAll(ctx, "closing the order", boundStmt{s.sql.closeOrder, dialect.Args(d, tranDate, t.now, t.c.cfg.UserID, o.soKey, o.soKey)}); err != nil {
		return err
	}
	return t.insert(ctx, s.conn.fields["shipment"].table, withKey(doc.custom, "ShipKey", shipKey))
}

// takeStock takes line i's units out of the default bin of its warehouse.
func (s *shipmentSink) takeStock(ctx context.Context, t *txn, i int, l shippedLine) error {
	d := t.c.dialect
	res, err := t.ExecContext(ctx, s.sql.takeStock, dialect.Args(d, l.qty, l.itemKey, nullable(l.whseKey))...)
	if err != nil {
		return fmt.Errorf("taking stock for line %d: %w", i+1, d.Classify(err))
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return component.Permanentf("shipment.lines.%d: cannot take stock: the item has no stock row in the default bin of the line's warehouse", i)
	}
	return nil
}
