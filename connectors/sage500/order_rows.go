package sage500

import (
	"context"
	"database/sql"
	"fmt"
	"maps"

	"github.com/pipewright/pipewright/engine/component"
)

// resolve turns a document into rows: IDs resolved to keys, defaults taken
// from the customer and items, amounts computed at Sage's scales.
func (s *salesOrderSink) resolve(ctx context.Context, t *txn, doc *orderDoc) (*rows, error) {
	r := &resolver{ctx: ctx, t: t, sql: s.sql, keys: map[string]int64{}}
	cust, err := r.customer("order.header.CustID", doc.custID)
	if err != nil {
		return nil, err
	}
	currID := doc.currID
	if currID == "" {
		currID = cust.CurrID.String
	}
	if currID == "" {
		return nil, component.Permanentf("order.header.CurrID: not given, and customer %q has no default currency", doc.custID)
	}
	status := doc.status
	if status < 0 {
		status = statusOpen
	}
	if status != statusOpen && status != statusUnacknowledged && !(s.cfg.Shipped && status == statusClosed) {
		return nil, component.Permanentf("order.header.Status: a new order is created unacknowledged (0) or open (1), not %d (%s)", status, statusName(status))
	}
	shipMeth, err := r.optKey("ship method", "order.header.ShipMethID", doc.shipMethID, cust.ShipMethKey)
	if err != nil {
		return nil, err
	}
	whse, err := r.optKey("warehouse", "order.header.WhseID", doc.whseID, cust.WhseKey)
	if err != nil {
		return nil, err
	}
	tranDate := doc.tranDate
	if tranDate.IsZero() {
		tranDate = today(t.now, s.conn.loc)
	}
	h := maps.Clone(doc.header)
	for k, v := range map[string]any{
		"CustKey": cust.CustKey, "CustClassKey": cust.CustClassKey, "BillToCustAddrKey": cust.BillToAddrKey, "BillToAddrKey": cust.BillToAddrKey,
		"DfltShipToCAddrKey": cust.ShipToAddrKey, "DfltShipToAddrKey": cust.ShipToAddrKey, "DfltShipMethKey": nullable(shipMeth), "DfltWhseKey": nullable(whse),
		"CurrID": currID, "CurrExchRate": doc.rate, "TranDate": tranDate, "Status": status,
	} {
		h[k] = v
	}
	o := &rows{header: h}
	if doc.shipTo != nil {
		o.addr = maps.Clone(doc.shipTo)
	}
	amounts := make([]lineAmounts, len(doc.lines))
	for i := range doc.lines {
		lr, err := s.resolveLine(r, fmt.Sprintf("order.lines.%d", i), &doc.lines[i], h, cust, shipMeth, whse)
		if err != nil {
			return nil, err
		}
		l := doc.lines[i]
		amounts[i] = lineAmounts{Qty: l.qty, UnitPrice: l.price, ExtAmt: l.ext, HasExt: l.hasExt, TradeDiscAmt: l.disc, FreightAmt: l.freight, HasFreight: l.hasFreight}
		o.lines = append(o.lines, lr)
	}
	tot, err := orderTotals(amounts, doc.freight, doc.hasFreight, doc.stax, doc.rate)
	if err != nil {
		return nil, component.Permanent(fmt.Errorf("order amounts: %w", err))
	}
	for i, a := range amounts {
		o.lines[i].dist["ExtAmt"], o.lines[i].dist["FreightAmt"] = a.ExtAmt, a.FreightAmt
	}
	for k, v := range map[string]any{
		"SalesAmt": tot.SalesAmt, "SalesAmtHC": tot.SalesAmtHC, "TradeDiscAmt": tot.TradeDiscAmt, "FreightAmt": tot.FreightAmt,
		"STaxAmt": tot.STaxAmt, "TranAmt": tot.TranAmt, "TranAmtHC": tot.TranAmtHC, "OpenAmt": tot.TranAmt, "OpenAmtHC": tot.TranAmtHC,
	} {
		h[k] = v
	}
	return o, nil
}

// resolveLine makes a line's tsoSOLine and tsoSOLineDist rows.
func (s *salesOrderSink) resolveLine(r *resolver, path string, l *orderLine, h map[string]any, cust customer, shipMeth, whse sql.NullInt64) (lineRows, error) {
	it, err := r.item(path+".ItemID", l.itemID)
	if err != nil {
		return lineRows{}, err
	}
	uom, err := r.optKey("unit of measure", path+".UnitMeasID", l.uomID, it.UnitMeasKey)
	if err == nil {
		shipMeth, err = r.optKey("ship method", path+".ShipMethID", l.shipMethID, shipMeth)
	}
	if err == nil && !whse.Valid {
		whse = it.DfltWhseKey
	}
	if err == nil {
		whse, err = r.optKey("warehouse", path+".WhseID", l.whseID, whse)
	}
	gl := it.SalesAcctKey
	if err == nil {
		gl, err = r.optKey("GL account", path+".GLAcctNo", l.glAcctNo, gl)
	}
	switch {
	case err != nil:
		return lineRows{}, err
	case !whse.Valid:
		return lineRows{}, component.Permanentf("%s: no warehouse: give WhseID on the line or the header, or a default for customer or item", path)
	case !gl.Valid:
		return lineRows{}, component.Permanentf("%s: item %q has no sales account: give GLAcctNo", path, l.itemID)
	}
	line := maps.Clone(l.line)
	line["ItemKey"], line["UnitMeasKey"], line["UnitPrice"] = it.ItemKey, nullable(uom), l.price
	if _, ok := line["Description"]; !ok && it.ShortDesc.Valid {
		line["Description"] = it.ShortDesc.String
	}
	dist := maps.Clone(l.dist)
	for k, v := range map[string]any{
		"WhseKey": whse.Int64, "OrigWhseKey": whse.Int64, "ShipMethKey": nullable(shipMeth), "GLAcctKey": gl.Int64,
		"QtyOrd": l.qty, "OrigOrdered": l.qty, "QtyOpenToShip": l.qty, "TradeDiscAmt": l.disc,
		"ShipToCustAddrKey": cust.ShipToAddrKey, "ShipToAddrKey": h["DfltShipToAddrKey"],
	} {
		dist[k] = v
	}
	for col, dflt := range map[string]string{"RequestDate": "DfltRequestDate", "ShipDate": "DfltShipDate", "PromiseDate": "DfltPromDate"} {
		if _, ok := dist[col]; !ok {
			dist[col] = h[dflt]
			if dist[col] == nil {
				dist[col] = h["TranDate"]
			}
		}
	}
	return lineRows{line: line, dist: dist, custom: l.custom}, nil
}

// nullable is a key column's value: the key or nil.
func nullable(k sql.NullInt64) any {
	if k.Valid {
		return k.Int64
	}
	return nil
}

var statusNames = []string{"unacknowledged", "open", "inactive", "canceled", "closed", "incomplete", "pending approval"}

func statusName(s int64) string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}
