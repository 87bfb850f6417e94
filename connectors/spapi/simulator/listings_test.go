package simulator_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

func offerPatch(op, marketplace, currency string, price any) map[string]any {
	return map[string]any{"productType": "PRODUCT", "patches": []any{map[string]any{
		"op": op, "path": "/attributes/purchasable_offer",
		"value": []any{map[string]any{"marketplace_id": marketplace, "currency": currency, "audience": "ALL",
			"our_price": []any{map[string]any{"schedule": []any{map[string]any{"value_with_tax": price}}}}}},
	}}}
}

func TestListings_patch_answers_accepted_invalid_or_valid(t *testing.T) {
	s := newSim(t)
	const item = "/listings/2021-08-01/items/A1DEMOSELLER00/"
	tests := []struct {
		name       string
		sku, query string
		body       map[string]any
		status     string
		issue      string
	}{
		{"price in the wrong currency", "WB-0002-BL", "", offerPatch("merge", "ATVPDKIKX0DER", "EUR", 10), "INVALID", "currency"},
		{"negative price", "WB-0002-BL", "", offerPatch("merge", "ATVPDKIKX0DER", "USD", -1), "INVALID", "positive"},
		{"marketplace not sold on", "WB-0002-BL", "", offerPatch("merge", "A1VC38T7YXB528", "JPY", 100), "INVALID", "marketplace"},
		{"unknown SKU", "NOPE", "", offerPatch("merge", "ATVPDKIKX0DER", "USD", 10), "INVALID", "NOPE"},
		{"nested path", "WB-0002-BL", "", map[string]any{"productType": "PRODUCT", "patches": []any{map[string]any{"op": "delete", "path": "/attributes/purchasable_offer/0"}}}, "INVALID", "not supported"},
		{"preview", "WB-0002-BL", "&mode=VALIDATION_PREVIEW", offerPatch("merge", "ATVPDKIKX0DER", "USD", 1), "VALID", ""},
		{"merge a price", "WB-0002-BL", "", offerPatch("merge", "ATVPDKIKX0DER", "USD", 23.45), "ACCEPTED", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.clock.Advance(time.Second) // patchListingsItem's burst is 5
			r := s.call(http.MethodPatch, item+tt.sku+"?marketplaceIds=ATVPDKIKX0DER"+tt.query, tt.body)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			body := r.json(t)
			assert.Equal(t, tt.status, body["status"])
			assert.NotEmpty(t, body["submissionId"])
			if tt.issue != "" {
				require.NotEmpty(t, body["issues"])
				assert.Contains(t, body["issues"].([]any)[0].(map[string]any)["message"], tt.issue)
			}
		})
	}
	l, _ := s.srv.Listing("WB-0002-BL")
	offers := l.Attributes["purchasable_offer"].([]any)
	assert.Len(t, offers, 4, "merge replaced the US offer and kept the others")
	for _, o := range offers {
		m := o.(map[string]any)
		if m["marketplace_id"] == "ATVPDKIKX0DER" {
			price := m["our_price"].([]any)[0].(map[string]any)["schedule"].([]any)[0].(map[string]any)["value_with_tax"]
			assert.Equal(t, decimal.MustParse("23.45"), price, "prices stay exact decimals")
		}
	}
}

func TestListings_put_creates_a_listing_and_delete_patch_removes_entries(t *testing.T) {
	s := newSim(t)
	const item = "/listings/2021-08-01/items/A1DEMOSELLER00/NEW-MUG?marketplaceIds=ATVPDKIKX0DER"
	r := s.call(http.MethodPut, item, map[string]any{"productType": "MUG", "attributes": map[string]any{
		"item_name":                []any{map[string]any{"value": "Enamel Camping Mug"}},
		"fulfillment_availability": []any{map[string]any{"fulfillment_channel_code": "DEFAULT", "quantity": 12}},
	}})
	require.Equal(t, "ACCEPTED", r.json(t)["status"], string(r.body))
	got := s.get(item + "&includedData=summaries,fulfillmentAvailability").json(t)
	assert.Equal(t, "Enamel Camping Mug", got["summaries"].([]any)[0].(map[string]any)["itemName"])
	assert.EqualValues(t, 12, got["fulfillmentAvailability"].([]any)[0].(map[string]any)["quantity"])

	r = s.call(http.MethodPatch, item, map[string]any{"productType": "MUG", "patches": []any{map[string]any{
		"op": "delete", "path": "/attributes/fulfillment_availability", "value": []any{map[string]any{"fulfillment_channel_code": "DEFAULT"}},
	}}})
	require.Equal(t, "ACCEPTED", r.json(t)["status"], string(r.body))
	l, _ := s.srv.Listing("NEW-MUG")
	assert.Empty(t, l.Attributes["fulfillment_availability"])
	var skus []string
	for _, l := range s.srv.Listings() {
		skus = append(skus, l.SKU)
	}
	assert.Contains(t, skus, "NEW-MUG")
	assert.Contains(t, skus, "legacy-grinder-01", "the catalogue's override SKUs are listed too")
	assert.IsIncreasing(t, skus)

	bad := s.call(http.MethodPut, item, map[string]any{"productType": "MUG", "attributes": map[string]any{
		"fulfillment_availability": []any{map[string]any{"quantity": 3}},
	}})
	assert.Equal(t, "INVALID", bad.json(t)["status"])
}

func TestListings_put_reports_issues_in_attribute_name_order(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.EnforceRateLimits = false })
	const item = "/listings/2021-08-01/items/A1DEMOSELLER00/NEW-MUG?marketplaceIds=ATVPDKIKX0DER"
	body := map[string]any{"productType": "MUG", "attributes": map[string]any{
		"purchasable_offer":        []any{map[string]any{"marketplace_id": "A1VC38T7YXB528"}},
		"color":                    "red",
		"fulfillment_availability": []any{map[string]any{"quantity": 3}},
		"item_name":                []any{},
	}}
	for range 10 {
		r := s.call(http.MethodPut, item, body)
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		var names []string
		for _, is := range r.json(t)["issues"].([]any) {
			names = append(names, is.(map[string]any)["attributeNames"].([]any)[0].(string))
		}
		assert.Equal(t, []string{"color", "fulfillment_availability", "item_name", "purchasable_offer"}, names)
	}
}
