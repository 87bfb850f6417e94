package sage500

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// Sage's numbers for a customer return (README §1.1, §7.1).
const (
	tranTypeCustomerReturn  = 811
	batchTypeCustomerReturn = 802
	moduleSO                = 8
	// shipLogCommitted is tsoShipmentLog.TranStatus 6 (README §6).
	shipLogCommitted = 6
)

// returnSink writes customer returns (SO tran type 811) against the
// original sales order: the return's tsoShipment, tsoShipmentLog,
// tsoShipLine and tsoShipLineDist rows in an SO customer-returns batch
// (802), the returned quantities on the order's distributions
// (QtyRtrnCredit), restocked quantities back in the warehouse's default
// bin, and the return's custom fields.
type returnSink struct {
	component.StartFunc
	component.ShutdownFunc
	keyedWriter
	cfg         *CustomerReturnConfig
	sql         returnSQL
	orderKeyCol catalog.Column
	lineKeyCol  catalog.Column
}

type returnSQL struct{ findByKey, order, line, credit, restock string }

var _ component.ConcurrentSink = (*returnSink)(nil)

// NewCustomerReturnFactory returns the factory of sage500.customer_return
// sinks.
func NewCustomerReturnFactory() component.SinkFactory {
	return sinkFactory{
		factory{TypeCustomerReturn, component.KindSink, func() any { return NewCustomerReturnConfig() }},
		newReturnSink,
	}
}

func newReturnSink(set component.SinkSettings, conn *Connection, cfg any) (component.Sink, error) {
	c := cfg.(*CustomerReturnConfig)
	w, err := newKeyedWriter(set, conn, "return", "customer_return", "returns", "Customer return messages by outcome: created, duplicate (already written), rejected.")
	if err != nil {
		return nil, err
	}
	orderCol, _ := conn.fields["sales_order"].table.Column(c.OrderKeyField)
	lineCol, _ := conn.fields["order_line"].table.Column(c.LineKeyField)
	r := func(s string) string { return dialect.Render(conn.dialect, s) }
	return &returnSink{keyedWriter: w, cfg: c, orderKeyCol: orderCol, lineKeyCol: lineCol, sql: returnSQL{
		findByKey: r(`SELECT {ShipKey} FROM {` + conn.fields["shipment"].ExtTable() + `}{LOCK} WHERE {` + c.KeyField + `} = ?`),
		order: r(`SELECT o.{SOKey}, o.{CustKey}, COALESCE(o.{DfltShipToAddrKey}, o.{BillToCustAddrKey}), o.{DfltShipToCAddrKey}, o.{TranID}
FROM {` + conn.fields["sales_order"].ExtTable() + `} x JOIN {tsoSalesOrder} o ON o.{SOKey} = x.{SOKey}
WHERE o.{CompanyID} = ? AND x.{` + c.OrderKeyField + `} = ?`),
		line: r(`SELECT l.{SOLineKey}, l.{ItemKey}, l.{UnitMeasKey}, d.{SOLineDistKey}, d.{WhseKey}, d.{QtyShip}, d.{QtyRtrnCredit}
FROM {tsoSOLine} l JOIN {` + conn.fields["order_line"].ExtTable() + `} lx ON lx.{SOLineKey} = l.{SOLineKey}
JOIN {tsoSOLineDist} d ON d.{SOLineKey} = l.{SOLineKey}
WHERE l.{SOKey} = ? AND lx.{` + c.LineKeyField + `} = ? ORDER BY d.{SOLineDistKey}`),
		credit: r(`UPDATE {tsoSOLineDist} SET {QtyRtrnCredit} = {QtyRtrnCredit} + ?, {UpdateCounter} = {UpdateCounter} + 1 WHERE {SOLineDistKey} = ?`),
		restock: r(`UPDATE {timWhseBinInvt} SET {QtyOnHand} = {QtyOnHand} + ? WHERE {ItemKey} = ?
AND {WhseBinKey} IN (SELECT {WhseBinKey} FROM {timWhseBin} WHERE {WhseKey} = ? AND {DfltBin} = 1)`),
	}}, nil
}

// ConcurrentWrites marks the sink safe for concurrent Write calls.
func (*returnSink) ConcurrentWrites() {}

// Write writes each return of the batch in its own transaction.
func (s *returnSink) Write(ctx context.Context, batch []*component.Message) error {
	return writeBatch(ctx, s.metrics, batch, s.writeOne)
}

func (s *returnSink) writeOne(ctx context.Context, msg *component.Message) error {
	doc, err := s.parseReturnDoc(msg.Body)
	if err != nil {
		return s.reject(msg, s.cfg.KeyField, err)
	}
	return s.once(ctx, doc.key, s.sql.findByKey, func(ctx context.Context, t *txn) error { return s.create(ctx, t, doc) })
}

// returnOrder is the original order of a return.
type returnOrder struct {
	soKey, custKey, addrKey int64
	custAddrKey             sql.NullInt64
	tranID                  string
}

// returnedLine is the order line (its first distribution) a return line
// returns.
type returnedLine struct {
	lineKey, itemKey  int64
	uom               sql.NullInt64
	distKey           int64
	whseKey           sql.NullInt64
	shipped, returned decimal.Decimal
}

func (s *returnSink) create(ctx context.Context, t *txn, doc *returnDoc) error {
	d := t.c.dialect
	var o returnOrder
	err := t.QueryRowContext(ctx, s.sql.order, dialect.Args(d, t.c.cfg.CompanyID, doc.orderKey)...).Scan(&o.soKey, &o.custKey, &o.addrKey, &o.custAddrKey, &o.tranID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return component.Waiting(fmt.Errorf("the order with %s %s is not in Sage (yet)", s.cfg.OrderKeyField, doc.orderKey))
	case err != nil:
		return fmt.Errorf("looking the order up: %w", d.Classify(err))
	}
	lines := make([]returnedLine, len(doc.lines))
	for i := range doc.lines {
		if lines[i], err = s.lineOf(ctx, t, o, doc, i); err != nil {
			return err
		}
	}
	return s.insert(ctx, t, o, doc, lines)
}

// lineOf reads the order line that return line i returns and checks
// that what it returns was shipped: a line Sage has not shipped enough of
// yet waits for its shipment.
func (s *returnSink) lineOf(ctx context.Context, t *txn, o returnOrder, doc *returnDoc, i int) (returnedLine, error) {
	d, rl := t.c.dialect, doc.lines[i]
	var l returnedLine
	err := t.QueryRowContext(ctx, s.sql.line, dialect.Args(d, o.soKey, rl.lineKey)...).Scan(&l.lineKey, &l.itemKey, &l.uom, &l.distKey, &l.whseKey, &l.shipped, &l.returned)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return l, component.Permanentf("return.lines.%d.line: order %s (%s) has no line with %s %q", i, doc.orderKey, o.tranID, s.cfg.LineKeyField, rl.lineKey)
	case err != nil:
		return l, fmt.Errorf("looking the order line up: %w", d.Classify(err))
	}
	if rl.qty.IsZero() {
		return l, nil
	}
	open, err := l.shipped.Sub(l.returned)
	if err == nil && open.Cmp(rl.qty) < 0 {
		return l, component.Waiting(fmt.Errorf("return.lines.%d: order %s (%s) line %s has %s shipped and %s returned in Sage; returning %s waits for its shipment",
			i, doc.orderKey, o.tranID, rl.lineKey, l.shipped.Trim(0), l.returned.Trim(0), rl.qty.Trim(0)))
	}
	return l, err
}

// insert writes the return's rows and moves the quantities.
func (s *returnSink) insert(ctx context.Context, t *txn, o returnOrder, doc *returnDoc, lines []returnedLine) error {
	tranDate := doc.tranDate
	if tranDate.IsZero() {
		tranDate = today(t.now, t.c.loc)
	}
	rows := shipmentRows{tranType: tranTypeCustomerReturn, batchType: batchTypeCustomerReturn, tranDate: tranDate, comment: doc.tranCmnt,
		header: map[string]any{"CustKey": o.custKey, "WhseKey": nullable(lines[0].whseKey), "ShipToAddrKey": o.addrKey,
			"ShipToCustAddrKey": nullable(o.custAddrKey), "AmtShipped": doc.amt, "FreightAmt": doc.freight, "TranCmnt": doc.tranCmnt, "UpdateDate": t.now}}
	for i, l := range lines {
		rows.lines = append(rows.lines, shipmentLine{lineKey: l.lineKey, itemKey: l.itemKey, uom: l.uom, distKey: l.distKey, qty: doc.lines[i].qty})
	}
	shipKey, err := insertShipment(ctx, t, rows)
	if err != nil {
		return err
	}
	if err := s.moveQuantities(ctx, t, doc, lines); err != nil {
		return err
	}
	return t.insert(ctx, s.conn.fields["shipment"].table, withKey(doc.custom, "ShipKey", shipKey))
}

// moveQuantities adds the returned quantities to the order's
// distributions and puts restocked ones back in the default bin of the
// line's warehouse.
func (s *returnSink) moveQuantities(ctx context.Context, t *txn, doc *returnDoc, lines []returnedLine) error {
	d := t.c.dialect
	for i, rl := range doc.lines {
		if rl.qty.IsZero() {
			continue
		}
		l := lines[i]
		if _, err := t.ExecContext(ctx, s.sql.credit, dialect.Args(d, rl.qty, l.distKey)...); err != nil {
			return fmt.Errorf("crediting line %d: %w", i+1, d.Classify(err))
		}
		if !rl.restock {
			continue
		}
		res, err := t.ExecContext(ctx, s.sql.restock, dialect.Args(d, rl.qty, l.itemKey, nullable(l.whseKey))...)
		if err != nil {
			return fmt.Errorf("restocking line %d: %w", i+1, d.Classify(err))
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return component.Permanentf("return.lines.%d: cannot restock: the item has no stock row in the default bin of the line's warehouse", i)
		}
	}
	return nil
}
