package sage500

import (
	"errors"
	"fmt"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
)

// orderDoc is a sage500.sales_order input document, read and checked
// against the Sage columns its fields go to (see docs/sage500.md).
type orderDoc struct {
	key                string
	tranNo             string
	tranDate           time.Time // zero: today
	custID, currID     string
	rate               decimal.Decimal
	status             int64 // -1 when not given
	shipMethID, whseID string
	freight            decimal.Decimal
	hasFreight         bool
	stax               decimal.Decimal
	header             map[string]any // further tsoSalesOrder columns
	shipTo             map[string]any // tciAddress columns; nil when absent
	lines              []orderLine
	custom             map[string]any // sales_order custom fields
}

// orderLine is one line of the document with its distribution.
type orderLine struct {
	itemID, uomID, whseID, shipMethID, glAcctNo string
	qty, price, disc                            decimal.Decimal
	ext, freight                                decimal.Decimal
	hasExt, hasFreight                          bool
	line, dist                                  map[string]any // further tsoSOLine, tsoSOLineDist columns
	custom                                      map[string]any // order_line custom fields
}

// Fields copied unchanged to the Sage table of the same name.
var (
	headerCopied = []string{"CustPONo", "TranCmnt", "Hold", "HoldReason", "UserFld1", "UserFld2", "UserFld3", "UserFld4",
		"CRMOpportunityID", "ConfirmNo", "DfltShipPriority", "DfltRequestDate", "DfltShipDate", "DfltPromDate"}
	shipToCopied = []string{"AddrName", "AddrLine1", "AddrLine2", "AddrLine3", "AddrLine4", "AddrLine5", "City", "StateID",
		"PostalCode", "CountryID", "Phone", "PhoneExt", "Fax", "FaxExt", "MobilePhone", "Residential"}
	lineCopied = []string{"Description", "ExtCmnt", "UserFld1", "UserFld2"}
	distCopied = []string{"Hold", "HoldReason", "ShipPriority", "RequestDate", "ShipDate", "PromiseDate"}
)

var zero = decimal.Zero

// rateColumn checks exchange rates (Sage keeps them in a float column).
var rateColumn = catalog.Column{Table: "tsoSalesOrder", Name: "CurrExchRate", Type: catalog.Type{Kind: catalog.KindDecimal, Precision: 19, Scale: 12}}

// parseOrderDoc reads a message body. The key is the custom field keyField.
// Fields only needed to create an order are checked by creatable.
func (s *salesOrderSink) parseOrderDoc(body any) (*orderDoc, error) {
	loc := s.conn.loc
	r := newFieldReader("order", body, loc)
	h := r.object("header")
	doc := &orderDoc{
		tranNo:     h.str("TranNo", column("tsoSalesOrder", "TranNo"), false),
		custID:     h.str("CustID", column("tarCustomer", "CustID"), false),
		currID:     h.str("CurrID", column("tsoSalesOrder", "CurrID"), false),
		rate:       h.dec("CurrExchRate", rateColumn, decimal.One),
		status:     h.int("Status", column("tsoSalesOrder", "Status"), -1),
		shipMethID: h.str("ShipMethID", column("tciShipMethod", "ShipMethID"), false),
		whseID:     h.str("WhseID", column("timWarehouse", "WhseID"), false),
		stax:       h.dec("STaxAmt", column("tsoSalesOrder", "STaxAmt"), zero),
		header:     map[string]any{},
	}
	if t, ok := h.value("TranDate", column("tsoSalesOrder", "TranDate")).(time.Time); ok {
		doc.tranDate = t
	}
	doc.hasFreight = h.has("FreightAmt")
	doc.freight = h.dec("FreightAmt", column("tsoSalesOrder", "FreightAmt"), zero)
	h.copyTo(doc.header, "tsoSalesOrder", headerCopied...)
	if r.has("ship_to") {
		st := r.object("ship_to")
		doc.shipTo = map[string]any{}
		st.copyTo(doc.shipTo, "tciAddress", shipToCopied...)
		if err := st.finish(); err != nil {
			return nil, err
		}
	}
	lines, _ := r.m["lines"].([]any)
	if r.has("lines") && lines == nil {
		return nil, errors.New("order.lines: want a list")
	}
	r.used["lines"] = true
	for i, l := range lines {
		line, err := s.parseLine(fmt.Sprintf("order.lines.%d", i), l)
		if err != nil {
			return nil, err
		}
		doc.lines = append(doc.lines, line)
	}
	var err error
	if doc.custom, err = r.custom(s.conn.fields["sales_order"]); err != nil {
		return nil, err
	}
	if err := errors.Join(h.finish(), r.finish()); err != nil {
		return nil, err
	}
	key, _ := doc.custom[s.cfg.KeyField].(string)
	if key == "" {
		return nil, fmt.Errorf("order.custom.%s: the order's key is required", s.cfg.KeyField)
	}
	doc.key = key
	if s.cfg.Shipped && doc.status != statusCanceled {
		doc.status = statusClosed
	}
	return doc, nil
}

func (s *salesOrderSink) parseLine(path string, v any) (orderLine, error) {
	r := newFieldReader(path, v, s.conn.loc)
	l := orderLine{
		itemID:     r.str("ItemID", column("timItem", "ItemID"), false),
		uomID:      r.str("UnitMeasID", column("tciUnitMeasure", "UnitMeasID"), false),
		whseID:     r.str("WhseID", column("timWarehouse", "WhseID"), false),
		shipMethID: r.str("ShipMethID", column("tciShipMethod", "ShipMethID"), false),
		glAcctNo:   r.str("GLAcctNo", column("tglAccount", "GLAcctNo"), false),
		qty:        r.dec("QtyOrd", column("tsoSOLineDist", "QtyOrd"), zero),
		price:      r.dec("UnitPrice", column("tsoSOLine", "UnitPrice"), zero),
		disc:       r.dec("TradeDiscAmt", column("tsoSOLineDist", "TradeDiscAmt"), zero),
		hasExt:     r.has("ExtAmt"),
		hasFreight: r.has("FreightAmt"),
		line:       map[string]any{},
		dist:       map[string]any{},
	}
	l.ext = r.dec("ExtAmt", column("tsoSOLineDist", "ExtAmt"), zero)
	l.freight = r.dec("FreightAmt", column("tsoSOLineDist", "FreightAmt"), zero)
	for _, req := range []string{"ItemID", "QtyOrd", "UnitPrice"} {
		if !r.has(req) {
			r.failf("%s is required", req)
		}
	}
	if r.err == nil && !l.qty.IsPos() {
		r.failf("QtyOrd: want a positive quantity, got %s", l.qty)
	}
	r.copyTo(l.line, "tsoSOLine", lineCopied...)
	r.copyTo(l.dist, "tsoSOLineDist", distCopied...)
	var err error
	if l.custom, err = r.custom(s.conn.fields["order_line"]); err != nil {
		return l, err
	}
	return l, r.finish()
}

// creatable checks what creating an order needs beyond what parsing checked.
func (d *orderDoc) creatable() error {
	switch {
	case d.custID == "":
		return errors.New("order.header.CustID is required to create an order")
	case len(d.lines) == 0:
		return errors.New("order.lines: an order needs at least one line")
	}
	return nil
}
