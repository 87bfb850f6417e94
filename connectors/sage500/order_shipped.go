package sage500

import (
	"database/sql"
	"time"

	"github.com/govalues/decimal"
)

// lineClosed is tsoSOLine.Status and tsoSOLineDist.Status 2 (README §1.1).
const lineClosed = 2

// markShipped turns a new order's rows into those of an order shipped in
// full (the shipped option): the header closed with nothing open, each
// line and distribution closed with its ordered quantity shipped.
func markShipped(o *rows) {
	h := o.header
	h["Status"], h["CloseDate"], h["OpenAmt"], h["OpenAmtHC"] = int64(statusClosed), h["TranDate"], decimal.Zero, decimal.Zero
	for _, l := range o.lines {
		l.line["Status"], l.line["CloseDate"] = int64(lineClosed), h["TranDate"]
		l.dist["Status"], l.dist["QtyShip"], l.dist["QtyOpenToShip"] = int64(lineClosed), l.dist["QtyOrd"], decimal.Zero
	}
}

// shipmentOf is the customer shipment of a shipped order's rows (keys
// allocated): every line in full, from the first line's warehouse, dated
// the order's date.
func shipmentOf(o *rows, now time.Time) shipmentRows {
	h := o.header
	key := func(v any) sql.NullInt64 {
		k, ok := v.(int64)
		return sql.NullInt64{Int64: k, Valid: ok}
	}
	sh := shipmentRows{
		tranType: tranTypeCustomerShipment, batchType: batchTypeShipments, tranDate: h["TranDate"].(time.Time),
		header: map[string]any{"CustKey": h["CustKey"].(int64), "ShipToAddrKey": h["DfltShipToAddrKey"].(int64),
			"ShipToCustAddrKey": nullable(key(h["DfltShipToCAddrKey"])), "WhseKey": nullable(key(o.lines[0].dist["WhseKey"])),
			"AmtShipped": h["SalesAmt"].(decimal.Decimal), "FreightAmt": h["FreightAmt"].(decimal.Decimal), "TranCmnt": "", "UpdateDate": now},
	}
	if k := key(h["DfltShipMethKey"]); k.Valid {
		sh.header["ShipMethKey"] = k.Int64
	}
	if c, ok := h["TranCmnt"].(string); ok {
		sh.comment, sh.header["TranCmnt"] = c, c
	}
	for _, l := range o.lines {
		sh.lines = append(sh.lines, shipmentLine{lineKey: l.line["SOLineKey"].(int64), itemKey: l.line["ItemKey"].(int64),
			distKey: l.dist["SOLineDistKey"].(int64), uom: key(l.line["UnitMeasKey"]), qty: l.dist["QtyOrd"].(decimal.Decimal)})
	}
	return sh
}
