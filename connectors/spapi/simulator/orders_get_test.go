package simulator_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

func getOrder(s *sim, id string, included ...string) reply {
	q := url.Values{}
	for _, inc := range included {
		q.Add("includedData", inc)
	}
	return s.get("/orders/2026-01-01/orders/" + id + "?" + q.Encode())
}

func TestGetOrder_returns_the_blocks_includedData_asks_for(t *testing.T) {
	s := newSim(t)
	o, err := s.srv.CreateOrder(simulator.OrderSpec{
		MarketplaceID: "ATVPDKIKX0DER", FulfilledBy: simulator.FulfilledByMerchant,
		Items: []simulator.ItemSpec{{SKU: "WB-0001-BK", Quantity: 3}, {SKU: "CG-0003-SS", Quantity: 1}},
	})
	require.NoError(t, err)
	tests := []struct {
		included    []string
		orderKeys   []string
		itemKeys    []string
		absentOrder []string
		absentItem  []string
	}{
		{nil, nil, nil, []string{"buyer", "recipient", "proceeds", "fulfillment", "packages"}, []string{"proceeds", "fulfillment", "tax"}},
		{[]string{"BUYER", "RECIPIENT"}, []string{"buyer", "recipient"}, nil, []string{"proceeds", "fulfillment"}, []string{"proceeds"}},
		{[]string{"PROCEEDS"}, []string{"proceeds"}, []string{"proceeds"}, []string{"buyer", "fulfillment"}, []string{"fulfillment"}},
		{[]string{"FULFILLMENT"}, []string{"fulfillment"}, []string{"fulfillment"}, []string{"proceeds"}, []string{"proceeds"}},
		{[]string{"TAX"}, nil, []string{"tax"}, []string{"proceeds"}, nil},
		{[]string{"RECIPIENT", "PROCEEDS", "PROMOTION", "FULFILLMENT", "PACKAGES"}, []string{"recipient", "proceeds", "fulfillment"}, []string{"proceeds", "fulfillment"}, []string{"buyer"}, nil},
	}
	for _, tt := range tests {
		t.Run(url.Values{"includedData": tt.included}.Encode(), func(t *testing.T) {
			r := getOrder(s, o.ID, tt.included...)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			order := r.json(t)["order"].(map[string]any)
			assert.Equal(t, o.ID, order["orderId"])
			item := order["orderItems"].([]any)[0].(map[string]any)
			assert.Contains(t, item, "product", "the product is always there")
			for _, k := range tt.orderKeys {
				assert.Contains(t, order, k)
			}
			for _, k := range tt.absentOrder {
				assert.NotContains(t, order, k)
			}
			for _, k := range tt.itemKeys {
				assert.Contains(t, item, k)
			}
			for _, k := range tt.absentItem {
				assert.NotContains(t, item, k)
			}
		})
	}
}

func TestGetOrder_proceeds_add_up_to_the_grand_total(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.OrdersPerHour = 200; c.EnforceRateLimits = false })
	s.advance(3 * time.Hour)
	orders := s.srv.Orders()
	require.NotEmpty(t, orders)
	for _, o := range orders[:40] {
		order := getOrder(s, o.ID, "PROCEEDS").json(t)["order"].(map[string]any)
		proceeds := order["proceeds"].(map[string]any)
		grand := amount(t, proceeds["grandTotal"])
		assert.Equal(t, o.Total().String(), grand.String(), o.ID)
		assert.Equal(t, grand, sumAmounts(t, proceeds["breakdowns"]), "order breakdowns of %s", o.ID)
		items := decimal.MustNew(0, 2)
		for _, it := range order["orderItems"].([]any) {
			p := it.(map[string]any)["proceeds"].(map[string]any)
			total := amount(t, p["proceedsTotal"])
			assert.Equal(t, total, sumAmounts(t, p["breakdowns"]), "item breakdowns of %s", o.ID)
			items, _ = items.Add(total)
		}
		assert.Equal(t, grand, items, "items of %s", o.ID)
	}
}

func TestGetOrder_unknown_order_is_not_found(t *testing.T) {
	s := newSim(t)
	r := getOrder(s, "111-0000000-0000000")
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "NotFound", errorCode(t, r))
}

func amount(t *testing.T, money any) decimal.Decimal {
	t.Helper()
	d, err := decimal.Parse(money.(map[string]any)["amount"].(string))
	require.NoError(t, err)
	return d
}

func sumAmounts(t *testing.T, breakdowns any) decimal.Decimal {
	t.Helper()
	total := decimal.MustNew(0, 2)
	for _, b := range breakdowns.([]any) {
		total, _ = total.Add(amount(t, b.(map[string]any)["subtotal"]))
	}
	return total
}
