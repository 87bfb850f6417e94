package simulator_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

func inventory(s *sim, q url.Values) reply {
	q.Set("granularityType", "Marketplace")
	q.Set("granularityId", "ATVPDKIKX0DER")
	q.Set("marketplaceIds", "ATVPDKIKX0DER")
	return s.get("/fba/inventory/v1/summaries?" + q.Encode())
}

func TestInventory_summaries_page_and_reserve_units_of_open_FBA_orders(t *testing.T) {
	s := newSim(t)
	before := inventory(s, url.Values{"sellerSkus": {"KS-0008-BK"}, "details": {"true"}}).json(t)
	summary := before["payload"].(map[string]any)["inventorySummaries"].([]any)[0].(map[string]any)
	total := summary["totalQuantity"].(float64)
	require.GreaterOrEqual(t, total, 2.0, "the seed stocks enough units to reserve two")

	_, err := s.srv.CreateOrder(simulator.OrderSpec{MarketplaceID: "ATVPDKIKX0DER", FulfilledBy: simulator.FulfilledByAmazon,
		Items: []simulator.ItemSpec{{SKU: "KS-0008-BK", Quantity: 2}}})
	require.NoError(t, err)
	s.clock.Advance(time.Second)
	after := inventory(s, url.Values{"sellerSkus": {"KS-0008-BK"}, "details": {"true"}}).json(t)
	summary = after["payload"].(map[string]any)["inventorySummaries"].([]any)[0].(map[string]any)
	details := summary["inventoryDetails"].(map[string]any)
	assert.EqualValues(t, 2, details["reservedQuantity"].(map[string]any)["pendingCustomerOrderQuantity"])
	assert.Equal(t, total, summary["totalQuantity"], "reserved units still count in the total")

	all := inventory(s, url.Values{}).json(t)
	summaries := all["payload"].(map[string]any)["inventorySummaries"].([]any)
	assert.Len(t, summaries, len(demo.Products), "one page holds the catalogue")
	assert.NotContains(t, all, "pagination")
}

func TestInventory_rejects_mismatched_marketplaces_and_stale_tokens(t *testing.T) {
	s := newSim(t)
	r := s.get("/fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=ATVPDKIKX0DER&marketplaceIds=A1F83G8C2ARO7P")
	assert.Equal(t, http.StatusBadRequest, r.status)
	r = inventory(s, url.Values{"nextToken": {"stale.token"}})
	assert.Equal(t, http.StatusBadRequest, r.status)
}
