package dlq_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/internal/dlq"
)

func TestReason_takes_out_the_variable_parts(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"unknown SKUs and an order id",
			"unknown SKU WB-9999-XX, ZZ-0001 in order 113-5806449-8837735: add it to tables/sku_overrides.csv or create the item in Sage",
			"unknown SKU {} in order {}: add it to tables/sku_overrides.csv or create the item in Sage"},
		{"a SKU without digits", "unknown SKU WIDGET in order 1-2-3", "unknown SKU {} in order {}"},
		{"quoted values", `table "skus" has no key "B"`, "table {} has no key {}"},
		{"single quotes but not apostrophes", `can't read 'North Street 5' for the buyer's order`, "can't read {} for the buyer's order"},
		{"numbers and amounts", "journal unbalanced: debits 10.50 credits 10.49", "journal unbalanced: debits {} credits {}"},
		{"paths keep their names", "does not match canonical/sales-order.v1: /lines/3/sku: want a string", "does not match canonical/sales-order.v1: /lines/{}/sku: want a string"},
		{"parameters", "query customer on sage found nothing for marketplace=ATVPDKIKX0DER", "query customer on sage found nothing for marketplace={}"},
		{"e-mail addresses", "bad address jane@example.com", "bad address {}"},
		{"parenthesised ids", "shipment SO-0042 (ShipKey 17) of Amazon order 113-1: 2 of 3 line(s)", "shipment {} (ShipKey {}) of Amazon order {}: {} of {} line(s)"},
		{"nothing variable", "no route matched", "no route matched"},
		{"expression locations stay", `item: orders.yaml:12:5: table "skus" has no key "B"`, "item: orders.yaml:12:5: table {} has no key {}"},
		{"with their directory", `item: pipelines/acme/orders.yaml:12:5: no such key: sku`, "item: pipelines/acme/orders.yaml:12:5: no such key: sku"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, dlq.Reason(tc.in))
		})
	}
}

func TestReason_is_the_same_for_the_same_failure_of_different_orders(t *testing.T) {
	a := dlq.Reason("unknown SKU AB-1 in order 111-1111111-1111111: fix it")
	b := dlq.Reason("unknown SKU CD-22, EF-3 in order 222-2222222-2222222: fix it")
	assert.Equal(t, a, b)
	assert.Equal(t, dlq.GroupID("orders", a), dlq.GroupID("orders", b))
	assert.NotEqual(t, dlq.GroupID("orders", a), dlq.GroupID("shipments", a), "groups are per pipeline")
}
