package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/registry"
)

// orderMapping is a realistic mapping file: about 40 field expressions.
const orderMapping = `mapping: order
let:
  items: msg.OrderItems
  addr: msg.ShippingAddress
output:
  CustPONo: msg.AmazonOrderId
  DocDate: msg.PurchaseDate
  UpdateDate: msg.LastUpdateDate
  DocStatus: tables.status.get(msg.OrderStatus, "Unknown")
  Currency: msg.OrderTotal.CurrencyCode
  FulfillmentChannel: msg.FulfillmentChannel
  SalesChannel: msg.SalesChannel
  ShipTo:
    Name: addr.Name
    Address: '[addr.AddressLine1, addr.AddressLine2].filter(s, s != "").join(", ")'
    City: addr.City
    State: addr.StateOrRegion.upperAscii()
    ZipCode: addr.PostalCode
    Country: addr.CountryCode
  Lines: |
    items.map(i, {
      "ItemCode": i.SellerSKU.trim().upperAscii(),
      "ASIN": i.ASIN,
      "Description": i.Title,
      "Qty": i.QuantityOrdered,
      "UnitPrice": (money(i.ItemPrice) / i.QuantityOrdered).round(2),
      "LineTotal": money(i.ItemPrice),
      "LineDiscount": money(i.PromotionDiscount),
      "ShippingAmount": money(i.ShippingPrice),
      "TaxAmount": money(i.ItemTax)
    })
  TotalQty: sum(items.map(i, i.QuantityOrdered))
  SubTotal: sum(items.map(i, money(i.ItemPrice))).round(2)
  DiscountTotal: sum(items.map(i, money(i.PromotionDiscount))).round(2)
  ShippingTotal: sum(items.map(i, money(i.ShippingPrice))).round(2)
  TaxTotal: sum(items.map(i, money(i.ItemTax))).round(2)
  AmazonTotal: money(msg.OrderTotal)
`

// writeBenchDir writes a directory of n pipelines sharing the mapping.
func writeBenchDir(tb testing.TB, n int) string {
	dir := tb.TempDir()
	must := func(path, data string) {
		require.NoError(tb, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(tb, os.WriteFile(path, []byte(data), 0o644))
	}
	must(filepath.Join(dir, "pipewright.yaml"), "project: bench\nenv: { COMPANY: SOA }\n")
	must(filepath.Join(dir, "mappings", "order.yaml"), orderMapping)
	must(filepath.Join(dir, "tables", "status.csv"), "amazon,erp\nPending,Open\nUnshipped,InProcess\nShipped,Closed\nCanceled,Voided\n")
	for i := 0; i < n; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, "pipeline: p%02d\nsource: { test.lines: { path: in%02d.jsonl } }\nsteps:\n", i, i)
		b.WriteString("  - filter: msg.OrderStatus != \"Pending\" && size(msg.OrderItems) > 0\n")
		b.WriteString("  - map: { file: mappings/order.yaml }\n")
		b.WriteString("  - map: { merge: true, output: { Company: env.COMPANY, Checked: 'msg.DocStatus != \"Unknown\"' } }\n")
		b.WriteString("  - validate: canonical/inventory-level.v1\n")
		fmt.Fprintf(&b, "sink: { test.lines: { path: out%02d.jsonl } }\n", i)
		must(filepath.Join(dir, fmt.Sprintf("p%02d.yaml", i)), b.String())
	}
	return dir
}

// BenchmarkLoad_50_pipelines validates a directory of 50 pipeline files,
// each compiling the 40-expression mapping (what `pipewright validate` does).
func BenchmarkLoad_50_pipelines(b *testing.B) {
	dir := writeBenchDir(b, 50)
	reg, err := registry.New(componenttest.Factories()...)
	require.NoError(b, err)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := config.Load(dir, config.Options{Registry: reg}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchDir_is_valid(t *testing.T) {
	reg, err := registry.New(componenttest.Factories()...)
	require.NoError(t, err)
	p, err := config.Load(writeBenchDir(t, 3), config.Options{Registry: reg})
	require.NoError(t, err)
	require.Len(t, p.Pipelines, 3)
}
