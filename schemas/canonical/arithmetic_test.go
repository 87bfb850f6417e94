package canonical_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sums does exact arithmetic on the amounts of examples: values are JSON
// amounts (json.Number or string) or decimals; a bad value fails the test.
type sums struct{ t *testing.T }

func (s sums) dec(v any) decimal.Decimal {
	s.t.Helper()
	d, err := decimal.Parse(fmt.Sprint(v))
	require.NoError(s.t, err)
	return d
}

func (s sums) add(a decimal.Decimal, vs ...any) decimal.Decimal {
	s.t.Helper()
	for _, v := range vs {
		var err error
		a, err = a.Add(s.dec(v))
		require.NoError(s.t, err)
	}
	return a
}

func (s sums) sub(a decimal.Decimal, v any) decimal.Decimal {
	s.t.Helper()
	d, err := a.Sub(s.dec(v))
	require.NoError(s.t, err)
	return d
}

// examples returns the top-level examples of the named schema.
func examples(t *testing.T, name string) []map[string]any {
	t.Helper()
	files, _ := loadSchemas(t)
	for _, f := range files {
		if f.name == name {
			var out []map[string]any
			for _, e := range f.doc["examples"].([]any) {
				out = append(out, e.(map[string]any))
			}
			return out
		}
	}
	require.Failf(t, "no schema", "%s", name)
	return nil
}

func TestSalesOrderExamples_follow_the_documented_totals(t *testing.T) {
	s := sums{t}
	for i, order := range examples(t, "sales-order.v1") {
		var subtotal, discounts, shipping, giftWrap, tax decimal.Decimal
		for _, l := range order["lines"].([]any) {
			line := l.(map[string]any)
			quantity, err := decimal.New(mustInt(t, line["quantity"]), 0)
			require.NoError(t, err)
			amount, err := s.dec(line["unitPrice"]).Mul(quantity)
			require.NoError(t, err)
			assert.True(t, amount.Equal(s.dec(line["lineAmount"])), "example %d: lineAmount of line %v", i, line["lineNumber"])
			subtotal = s.add(subtotal, line["lineAmount"])
			discounts = s.add(discounts, line["discount"], line["shippingDiscount"])
			shipping = s.add(shipping, line["shipping"])
			tax = s.add(tax, line["tax"])
			if wrap, ok := line["giftWrap"].(map[string]any); ok {
				giftWrap = s.add(giftWrap, wrap["amount"])
			}
		}
		total := s.add(s.sub(subtotal, discounts), shipping, giftWrap)
		if order["pricesIncludeTax"] != true {
			total = s.add(total, tax)
		}
		totals := order["totals"].(map[string]any)
		want := map[string]decimal.Decimal{
			"subtotal": subtotal, "discountTotal": discounts, "shippingTotal": shipping,
			"giftWrapTotal": giftWrap, "taxTotal": tax, "orderTotal": total,
		}
		for name, w := range want {
			got, ok := totals[name]
			if !ok {
				got = "0" // only giftWrapTotal is optional
			}
			assert.True(t, w.Equal(s.dec(got)), "example %d: %s is %v, the lines give %s", i, name, got, w)
		}
	}
}

func TestJournalEntryExamples_balance(t *testing.T) {
	s := sums{t}
	for i, journal := range examples(t, "journal-entry.v1") {
		var debits, credits decimal.Decimal
		for _, l := range journal["lines"].([]any) {
			line := l.(map[string]any)
			debits = s.add(debits, line["debit"])
			credits = s.add(credits, line["credit"])
		}
		assert.True(t, debits.Equal(credits), "example %d: debits %s, credits %s", i, debits, credits)
	}
}

func mustInt(t *testing.T, v any) int64 {
	t.Helper()
	n, err := v.(json.Number).Int64()
	require.NoError(t, err)
	return n
}
