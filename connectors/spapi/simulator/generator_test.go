package simulator_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// generated runs the generator for a simulated day and returns its orders.
func generated(t *testing.T, seed int64, opts ...func(*simulator.Config)) []simulator.Order {
	s := newSim(t, append([]func(*simulator.Config){func(c *simulator.Config) { c.Seed, c.OrdersPerHour = seed, 60 }}, opts...)...)
	s.advance(24 * time.Hour)
	return s.srv.Orders()
}

func TestGenerator_is_deterministic_for_a_seed(t *testing.T) {
	a, b, other := generated(t, 7), generated(t, 7), generated(t, 8)
	require.NotEmpty(t, a)
	assert.Equal(t, a, b)
	assert.NotEqual(t, a[0].ID, other[0].ID)
}

func TestGenerator_makes_realistic_orders(t *testing.T) {
	orders := generated(t, 1)
	require.Greater(t, len(orders), 1000)
	count := map[string]int{}
	for _, o := range orders {
		count["marketplace "+o.MarketplaceID]++
		count["currency "+o.Currency]++
		count["fulfilled by "+o.FulfilledBy]++
		count["status "+string(o.Status)]++
		if len(o.Items) > 1 {
			count["multi-item"]++
		}
		if !utf8.ValidString(o.ShipTo.Name) || strings.ToValidUTF8(o.ShipTo.Name, "") != o.ShipTo.Name {
			t.Errorf("order %s: invalid UTF-8 name", o.ID)
		}
		if hasNonASCII(o.ShipTo.Name) {
			count["non-ASCII name"]++
		}
		if len([]rune(o.ShipTo.Line1)) > 40 || len([]rune(o.ShipTo.Line2)) > 40 {
			count["long address line"]++
		}
		for _, it := range o.Items {
			if it.Quantity > 1 {
				count["quantity above 1"]++
			}
			if it.Promotion.IsPos() {
				count["item promotion"]++
			}
			if it.ShippingPromotion.IsPos() {
				count["shipping promotion"]++
			}
			if it.Shipping.IsPos() {
				count["shipping charge"]++
			}
			if it.Tax.IsPos() {
				count["tax"]++
			}
			_, known := catalogueSKU(it.SKU)
			assert.True(t, known, "without the fault, every SKU is in the catalogue: %s", it.SKU)
		}
	}
	for _, want := range []string{
		"marketplace ATVPDKIKX0DER", "marketplace A2EUQ1WTGCTBG2", "marketplace A1F83G8C2ARO7P", "marketplace A1PA6795UKMFR9",
		"currency USD", "currency CAD", "currency GBP", "currency EUR",
		"fulfilled by AMAZON", "fulfilled by MERCHANT",
		"status UNSHIPPED", "status SHIPPED", "status CANCELLED",
		"multi-item", "non-ASCII name", "long address line", "quantity above 1",
		"item promotion", "shipping promotion", "shipping charge", "tax",
	} {
		assert.Positive(t, count[want], want)
	}
}

func TestGenerator_order_totals_equal_the_sum_of_their_parts(t *testing.T) {
	for _, o := range generated(t, 3) {
		total := o.Total()
		var parts []string
		for i, it := range o.Items {
			line := o.LineTotal(i)
			want := sub(add(it.Principal(), it.Shipping), add(it.Promotion, it.ShippingPromotion))
			if !o.TaxIncluded {
				want = add(want, add(it.Tax, it.ShippingTax))
			}
			require.Equal(t, want, line, "line %d of %s", i, o.ID)
			parts = append(parts, line.String())
			assert.Equal(t, 2, it.UnitPrice.Scale(), "prices are cents")
		}
		assert.Equal(t, 2, total.Scale(), "order %s total %s from %v", o.ID, total, parts)
	}
}

func TestGenerator_unknown_SKUs_only_behind_the_fault(t *testing.T) {
	orders := generated(t, 1, func(c *simulator.Config) { c.Faults.UnknownSKURate = 0.2 })
	unknown := 0
	for _, o := range orders {
		for _, it := range o.Items {
			if _, known := catalogueSKU(it.SKU); !known {
				unknown++
			}
		}
	}
	assert.Positive(t, unknown)
}

func TestGenerator_moves_orders_through_their_statuses(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.OrdersPerHour = 60 })
	s.advance(48 * time.Hour)
	for _, o := range s.srv.Orders() {
		switch {
		case o.FulfilledBy == simulator.FulfilledByAmazon && o.Created.Before(epoch.Add(12*time.Hour)):
			assert.Contains(t, []simulator.Status{simulator.StatusShipped, simulator.StatusCancelled}, o.Status, "FBA order %s is shipped by Amazon", o.ID)
		case o.FulfilledBy == simulator.FulfilledByMerchant && o.Created.Before(epoch.Add(24*time.Hour)):
			assert.Contains(t, []simulator.Status{simulator.StatusUnshipped, simulator.StatusCancelled}, o.Status, "merchant order %s waits for confirmShipment", o.ID)
		}
		assert.False(t, o.LastUpdated.Before(o.Created))
	}
}

func hasNonASCII(s string) bool {
	for _, r := range s {
		if r > 127 {
			return true
		}
	}
	return false
}

func catalogueSKU(sku string) (demo.Product, bool) {
	for _, p := range demo.Products {
		if p.SellerSKU == sku {
			return p, true
		}
	}
	return demo.Product{}, false
}
