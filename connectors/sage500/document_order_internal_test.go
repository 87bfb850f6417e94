package sage500

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Every field the sales order document description names is one the
// sink reads: a document with all of them parses.
func TestSalesOrderDocument_names_only_fields_the_sink_reads(t *testing.T) {
	cc := &ConnectionConfig{CustomFields: map[string][]FieldConfig{
		"sales_order": {{Name: "AmazonOrderId", Type: "varchar(19)", Unique: true}, {Name: "MarketplaceId", Type: "varchar(20)"}},
		"order_line":  {{Name: "SellerSKU", Type: "varchar(40)"}},
	}}
	cfg := &SalesOrderConfig{KeyField: "AmazonOrderId"}
	doc := cfg.Document(cc)
	body := map[string]any{}
	for key, sub := range doc.Fields {
		obj := map[string]any{}
		for f := range sub.Fields {
			obj[f] = nil
		}
		body[key] = obj
	}
	line := body["lines"].(map[string]any)
	line["ItemID"], line["QtyOrd"], line["UnitPrice"] = "AB-1", int64(1), int64(2)
	line["custom"] = map[string]any{"SellerSKU": "AB-1"}
	body["lines"] = []any{line}
	body["custom"] = map[string]any{"AmazonOrderId": "113-1", "MarketplaceId": nil}
	s := &salesOrderSink{cfg: cfg, keyedWriter: keyedWriter{conn: &Connection{fields: newFieldSets(cc.CustomFields), loc: time.UTC}}}
	_, err := s.parseOrderDoc(body)
	require.NoError(t, err)
}
