package sage500

import (
	"github.com/pipewright/pipewright/engine/component"
)

var _ component.DocumentDescriber = (*SalesOrderConfig)(nil)

// Fields of the sales order document read by name, beside the ones copied
// unchanged (headerCopied, lineCopied, ...). A test parses a document with
// every described field, so that this list and order_doc.go agree.
var (
	headerRead = []string{"TranNo", "CustID", "CurrID", "CurrExchRate", "Status", "ShipMethID", "WhseID", "STaxAmt", "TranDate", "FreightAmt"}
	lineRead   = []string{"ItemID", "UnitMeasID", "WhseID", "ShipMethID", "GLAcctNo", "QtyOrd", "UnitPrice", "TradeDiscAmt", "ExtAmt", "FreightAmt"}
)

// Document implements component.DocumentDescriber: the sales order
// document's header, ship-to address and lines by the Sage columns they go
// to, and the custom fields the connection declares.
func (c *SalesOrderConfig) Document(connCfg any) *component.Document {
	cc, ok := connCfg.(*ConnectionConfig)
	if !ok {
		return nil
	}
	line := fieldsDoc("a sales order line", lineRead, lineCopied, distCopied)
	line.Fields["custom"] = customDoc("an order line's custom fields", cc.CustomFields["order_line"])
	return &component.Document{What: "the sales order document", Fields: map[string]*component.Document{
		"header":  fieldsDoc("the sales order header", headerRead, headerCopied),
		"ship_to": fieldsDoc("the ship-to address", shipToCopied),
		"lines":   line,
		"custom":  customDoc("the sales order's custom fields", cc.CustomFields["sales_order"]),
	}}
}

func fieldsDoc(what string, lists ...[]string) *component.Document {
	d := &component.Document{What: what, Fields: map[string]*component.Document{}}
	for _, l := range lists {
		for _, f := range l {
			d.Fields[f] = nil
		}
	}
	return d
}

func customDoc(what string, fields []FieldConfig) *component.Document {
	d := &component.Document{What: what + " (declared under custom_fields)", Fields: map[string]*component.Document{}}
	for _, f := range fields {
		d.Fields[f.Name] = nil
	}
	return d
}
