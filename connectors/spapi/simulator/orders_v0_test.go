package simulator_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOrdersV0_getOrders_pages_with_NextToken_and_filters_in_v0_terms(t *testing.T) {
	s := busySim(t)
	q := url.Values{"MarketplaceIds": {"ATVPDKIKX0DER,A2EUQ1WTGCTBG2,A1F83G8C2ARO7P,A1PA6795UKMFR9"}, "CreatedAfter": {iso(epoch)}, "MaxResultsPerPage": {"100"}}
	seen := map[string]bool{}
	for {
		r := s.get("/orders/v0/orders?" + q.Encode())
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		payload := r.json(t)["payload"].(map[string]any)
		for _, o := range payload["Orders"].([]any) {
			seen[o.(map[string]any)["AmazonOrderId"].(string)] = true
		}
		tok, _ := payload["NextToken"].(string)
		if tok == "" {
			assert.NotEmpty(t, payload["CreatedBefore"])
			break
		}
		q.Set("NextToken", tok)
	}
	stable := s.clock.Now().Add(-2 * time.Minute)
	want := 0
	for _, o := range s.srv.Orders() {
		if !o.Created.After(stable) {
			want++
		}
	}
	assert.Len(t, seen, want)

	f := url.Values{"MarketplaceIds": {"ATVPDKIKX0DER"}, "LastUpdatedAfter": {iso(epoch)}, "OrderStatuses": {"Unshipped"}, "FulfillmentChannels": {"MFN"}}
	r := s.get("/orders/v0/orders?" + f.Encode())
	orders := r.json(t)["payload"].(map[string]any)["Orders"].([]any)
	require.NotEmpty(t, orders)
	for _, o := range orders {
		m := o.(map[string]any)
		assert.Equal(t, "Unshipped", m["OrderStatus"])
		assert.Equal(t, "MFN", m["FulfillmentChannel"])
		assert.Equal(t, "Amazon.com", m["SalesChannel"])
	}
}

func TestOrdersV0_getOrderItems_has_v0_money_strings(t *testing.T) {
	s := newSim(t)
	o := twoLineOrder(t, s)
	r := s.get("/orders/v0/orders/" + o.ID + "/orderItems")
	require.Equal(t, http.StatusOK, r.status)
	items := r.json(t)["payload"].(map[string]any)["OrderItems"].([]any)
	require.Len(t, items, 2)
	first := items[0].(map[string]any)
	assert.Equal(t, "WB-0001-BK", first["SellerSKU"])
	assert.Equal(t, map[string]any{"Amount": o.Items[0].Principal().String(), "CurrencyCode": "USD"}, first["ItemPrice"])
	assert.Equal(t, "MarketplaceFacilitator", first["TaxCollection"].(map[string]any)["Model"])
}
