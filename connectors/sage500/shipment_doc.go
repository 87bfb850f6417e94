package sage500

import (
	"fmt"
	"time"

	"github.com/govalues/decimal"
)

// shipDoc is a sage500.shipment input document (see docs/sage500.md).
type shipDoc struct {
	key        string
	order      string // tsoSalesOrder.TranID
	tranDate   time.Time
	trackNo    string
	shipMethID string
	tranCmnt   string
	lines      []shipDocLine
	custom     map[string]any
}

// shipDocLine is the quantity shipped of one order line.
type shipDocLine struct {
	lineNo int64 // tsoSOLine.SOLineNo
	qty    decimal.Decimal
}

func (s *shipmentSink) parseShipDoc(body any) (*shipDoc, error) {
	r := newFieldReader("shipment", body, s.conn.loc)
	doc := &shipDoc{order: r.str("order", column("tsoSalesOrder", "TranID"), true)}
	h := r.object("header")
	doc.tranDate, _ = h.value("TranDate", column("tsoShipment", "TranDate")).(time.Time)
	doc.trackNo = h.str("ShipTrackNo", column("tsoShipment", "ShipTrackNo"), true)
	doc.shipMethID = h.str("ShipMethID", column("tciShipMethod", "ShipMethID"), false)
	doc.tranCmnt = h.str("TranCmnt", column("tsoShipment", "TranCmnt"), false)
	if err := h.finish(); err != nil {
		return nil, err
	}
	lines, _ := r.m["lines"].([]any)
	r.used["lines"] = true
	if len(lines) == 0 {
		r.failf("lines: a shipment needs at least one line")
	}
	for i, l := range lines {
		lr := newFieldReader(fmt.Sprintf("shipment.lines.%d", i), l, s.conn.loc)
		line := shipDocLine{lineNo: lr.int("line", column("tsoSOLine", "SOLineNo"), 0), qty: lr.dec("QtyShipped", column("tsoShipLineDist", "QtyShipped"), zero)}
		if err := lr.finish(); err != nil {
			return nil, err
		}
		if line.lineNo <= 0 || !line.qty.IsPos() {
			return nil, fmt.Errorf("shipment.lines.%d: want a line (SOLineNo) and a positive QtyShipped", i)
		}
		doc.lines = append(doc.lines, line)
	}
	var err error
	if doc.custom, doc.key, err = r.keyedCustom(s.conn.fields["shipment"], s.cfg.KeyField, "shipment"); err != nil {
		return nil, err
	}
	return doc, nil
}
