package sage500

import (
	"fmt"
	"time"

	"github.com/govalues/decimal"
)

// returnDoc is a sage500.customer_return input document (see
// docs/sage500.md).
type returnDoc struct {
	key      string
	orderKey string
	tranDate time.Time
	tranCmnt string
	amt      decimal.Decimal // tsoShipment.AmtShipped: the credited amount
	freight  decimal.Decimal
	lines    []returnLine
	custom   map[string]any
}

// returnLine is one returned (or only credited) order line.
type returnLine struct {
	lineKey string
	qty     decimal.Decimal
	restock bool
}

func (s *returnSink) parseReturnDoc(body any) (*returnDoc, error) {
	r := newFieldReader("return", body, s.conn.loc)
	doc := &returnDoc{orderKey: r.str("order", s.orderKeyCol, true)}
	h := r.object("header")
	doc.tranDate, _ = h.value("TranDate", column("tsoShipment", "TranDate")).(time.Time)
	doc.tranCmnt = h.str("TranCmnt", column("tsoShipment", "TranCmnt"), false)
	doc.amt = h.dec("AmtShipped", column("tsoShipment", "AmtShipped"), zero).Pad(moneyScale)
	doc.freight = h.dec("FreightAmt", column("tsoShipment", "FreightAmt"), zero).Pad(moneyScale)
	if err := h.finish(); err != nil {
		return nil, err
	}
	if doc.amt.IsNeg() || doc.freight.IsNeg() {
		return nil, fmt.Errorf("return.header: AmtShipped and FreightAmt are the credited amounts and must not be negative")
	}
	lines, _ := r.m["lines"].([]any)
	r.used["lines"] = true
	if len(lines) == 0 {
		r.failf("lines: a return needs at least one line")
	}
	for i, l := range lines {
		line, err := s.parseReturnLine(fmt.Sprintf("return.lines.%d", i), l)
		if err != nil {
			return nil, err
		}
		doc.lines = append(doc.lines, line)
	}
	var err error
	if doc.custom, doc.key, err = r.keyedCustom(s.conn.fields["shipment"], s.cfg.KeyField, "return"); err != nil {
		return nil, err
	}
	return doc, nil
}

func (s *returnSink) parseReturnLine(path string, v any) (returnLine, error) {
	r := newFieldReader(path, v, s.conn.loc)
	l := returnLine{
		lineKey: r.str("line", s.lineKeyCol, true),
		qty:     r.dec("QtyReturned", column("tsoShipLineDist", "QtyShipped"), zero),
	}
	r.used["Restock"] = true
	switch v := r.m["Restock"].(type) {
	case nil:
	case bool:
		l.restock = v
	default:
		r.failf("Restock: want true or false, got %T", v)
	}
	if err := r.finish(); err != nil {
		return l, err
	}
	switch {
	case l.qty.IsNeg():
		return l, fmt.Errorf("%s.QtyReturned must not be negative", path)
	case l.restock && l.qty.IsZero():
		return l, fmt.Errorf("%s: Restock needs a QtyReturned greater than zero", path)
	}
	return l, nil
}
