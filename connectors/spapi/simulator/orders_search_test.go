package simulator_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

const searchPath = "/orders/2026-01-01/orders"

func iso(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// busySim runs the generator for two simulated hours at 300 orders an hour.
func busySim(t *testing.T) *sim {
	s := newSim(t, func(c *simulator.Config) { c.OrdersPerHour = 300 })
	s.advance(2 * time.Hour)
	return s
}

func search(s *sim, q url.Values) reply {
	return s.get(searchPath + "?" + q.Encode())
}

func orderIDs(t *testing.T, r reply) []string {
	var ids []string
	for _, o := range r.json(t)["orders"].([]any) {
		ids = append(ids, o.(map[string]any)["orderId"].(string))
	}
	return ids
}

func nextToken(t *testing.T, r reply) string {
	p, _ := r.json(t)["pagination"].(map[string]any)
	tok, _ := p["nextToken"].(string)
	return tok
}

func TestSearchOrders_pages_through_every_order_once_in_update_order(t *testing.T) {
	s := busySim(t)
	stable := s.clock.Now().Add(-2 * time.Minute)
	want := map[string]bool{}
	for _, o := range s.srv.Orders() {
		if !o.LastUpdated.After(stable) {
			want[o.ID] = true
		}
	}
	require.Greater(t, len(want), 250, "the generator should have made a few hundred orders")

	q := url.Values{"lastUpdatedAfter": {iso(epoch)}, "maxResultsPerPage": {"100"}}
	r := search(s, q)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	assert.Equal(t, stable.Format("2006-01-02T15:04:05.000Z"), r.json(t)["lastUpdatedBefore"], "the default before bound is now minus two minutes")
	seen := map[string]bool{}
	var last string
	pages := 0
	for {
		pages++
		body := r.json(t)
		orders := body["orders"].([]any)
		for _, o := range orders {
			m := o.(map[string]any)
			id := m["orderId"].(string)
			assert.False(t, seen[id], "order %s appeared twice", id)
			seen[id] = true
			assert.GreaterOrEqual(t, m["lastUpdatedTime"].(string), last, "orders come oldest update first")
			last = m["lastUpdatedTime"].(string)
		}
		tok := nextToken(t, r)
		if tok == "" {
			break
		}
		assert.Len(t, orders, 100, "pages before the last are full")
		r = search(s, url.Values{"paginationToken": {tok}})
		require.Equal(t, http.StatusOK, r.status, string(r.body))
	}
	assert.Equal(t, want, seen)
	assert.Equal(t, (len(want)+99)/100, pages)
}

func TestSearchOrders_pagination_token_gives_the_same_page_again(t *testing.T) {
	s := busySim(t)
	first := search(s, url.Values{"lastUpdatedAfter": {iso(epoch)}, "maxResultsPerPage": {"50"}})
	tok := nextToken(t, first)
	require.NotEmpty(t, tok)

	page := search(s, url.Values{"paginationToken": {tok}})
	s.advance(30 * time.Minute) // more orders arrive, others change
	again := search(s, url.Values{"paginationToken": {tok}, "lastUpdatedAfter": {iso(epoch)}})

	require.Equal(t, http.StatusOK, again.status, string(again.body))
	assert.Equal(t, orderIDs(t, page), orderIDs(t, again))
	assert.NotEqual(t, orderIDs(t, first), orderIDs(t, page))
}

func TestSearchOrders_rejects_bad_listings(t *testing.T) {
	s := busySim(t)
	now := s.clock.Now()
	tests := []struct {
		name string
		q    url.Values
	}{
		{"no after bound", url.Values{}},
		{"both after bounds", url.Values{"createdAfter": {iso(epoch)}, "lastUpdatedAfter": {iso(epoch)}}},
		{"created after with updated before", url.Values{"createdAfter": {iso(epoch)}, "lastUpdatedBefore": {iso(now.Add(-time.Hour))}}},
		{"before inside the last two minutes", url.Values{"lastUpdatedAfter": {iso(epoch)}, "lastUpdatedBefore": {iso(now.Add(-time.Minute))}}},
		{"created before inside the last two minutes", url.Values{"createdAfter": {iso(epoch)}, "createdBefore": {iso(now)}}},
		{"before earlier than after", url.Values{"lastUpdatedAfter": {iso(now.Add(-time.Hour))}, "lastUpdatedBefore": {iso(now.Add(-2 * time.Hour))}}},
		{"malformed time", url.Values{"lastUpdatedAfter": {"yesterday"}}},
		{"page size above 100", url.Values{"lastUpdatedAfter": {iso(epoch)}, "maxResultsPerPage": {"101"}}},
		{"page size below 1", url.Values{"lastUpdatedAfter": {iso(epoch)}, "maxResultsPerPage": {"0"}}},
		{"unknown status", url.Values{"lastUpdatedAfter": {iso(epoch)}, "fulfillmentStatuses": {"LOST"}}},
		{"unknown included data", url.Values{"lastUpdatedAfter": {iso(epoch)}, "includedData": {"EVERYTHING"}}},
		{"unknown parameter", url.Values{"lastUpdatedAfter": {iso(epoch)}, "LastUpdatedAfter": {iso(epoch)}}},
		{"marketplace not sold on", url.Values{"lastUpdatedAfter": {iso(epoch)}, "marketplaceIds": {"A1VC38T7YXB528"}}},
		{"forged token", url.Values{"paginationToken": {"eyJxIjp7fX0.AAAAAAAAAAAAAAAA"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := search(s, tt.q)
			assert.Equal(t, http.StatusBadRequest, r.status, string(r.body))
			assert.Equal(t, "InvalidInput", errorCode(t, r))
		})
	}
}

func TestSearchOrders_two_minute_rule_holds_back_the_newest_changes(t *testing.T) {
	s := newSim(t)
	o, err := s.srv.CreateOrder(simulator.OrderSpec{MarketplaceID: "ATVPDKIKX0DER"})
	require.NoError(t, err)
	q := url.Values{"lastUpdatedAfter": {iso(epoch.Add(-time.Hour))}}

	s.advance(119 * time.Second)
	assert.Empty(t, orderIDs(t, search(s, q)), "a change younger than two minutes is not listed")

	s.advance(time.Second)
	assert.Equal(t, []string{o.ID}, orderIDs(t, search(s, q)))

	exact := url.Values{"lastUpdatedAfter": {iso(epoch.Add(-time.Hour))}, "lastUpdatedBefore": {iso(s.clock.Now().Add(-2 * time.Minute))}}
	assert.Equal(t, http.StatusOK, search(s, exact).status, "a before bound exactly two minutes ago is allowed")
}

func TestSearchOrders_pagination_token_must_match_the_filter(t *testing.T) {
	s := busySim(t)
	first := search(s, url.Values{"lastUpdatedAfter": {iso(epoch)}, "maxResultsPerPage": {"10"}})
	tok := nextToken(t, first)
	require.NotEmpty(t, tok)

	r := search(s, url.Values{"paginationToken": {tok}, "lastUpdatedAfter": {iso(epoch.Add(time.Minute))}})
	assert.Equal(t, http.StatusBadRequest, r.status)

	s.advance(25 * time.Hour)
	r = search(s, url.Values{"paginationToken": {tok}})
	assert.Equal(t, http.StatusBadRequest, r.status, "tokens expire after 24 hours")
}

func TestSearchOrders_filters_by_status_marketplace_and_fulfilment(t *testing.T) {
	s := busySim(t)
	q := url.Values{
		"createdAfter": {iso(epoch)}, "fulfillmentStatuses": {"UNSHIPPED"}, "marketplaceIds": {"A1PA6795UKMFR9"},
		"fulfilledBy": {"MERCHANT"}, "includedData": {"FULFILLMENT"},
	}
	r := search(s, q)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	orders := r.json(t)["orders"].([]any)
	require.NotEmpty(t, orders)
	for _, o := range orders {
		m := o.(map[string]any)
		assert.Equal(t, "A1PA6795UKMFR9", m["salesChannel"].(map[string]any)["marketplaceId"])
		f := m["fulfillment"].(map[string]any)
		assert.Equal(t, "UNSHIPPED", f["fulfillmentStatus"])
		assert.Equal(t, "MERCHANT", f["fulfilledBy"])
	}
	assert.NotEmpty(t, r.json(t)["createdBefore"])
}
