package simulator_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

func rdt(t *testing.T, s *sim, path string, elements ...string) string {
	r := s.call(http.MethodPost, "/tokens/2021-03-01/restrictedDataToken", map[string]any{
		"restrictedResources": []any{map[string]any{"method": "GET", "path": path, "dataElements": elements}},
	})
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	body := r.json(t)
	assert.EqualValues(t, 3600, body["expiresIn"])
	return body["restrictedDataToken"].(string)
}

func TestTokens_restricted_data_token_unlocks_personal_data_of_v0_reads(t *testing.T) {
	s := newSim(t)
	o, err := s.srv.CreateOrder(simulator.OrderSpec{MarketplaceID: "ATVPDKIKX0DER"})
	require.NoError(t, err)
	path := "/orders/v0/orders/" + o.ID

	plain := s.get(path).json(t)["payload"].(map[string]any)
	assert.NotContains(t, plain["ShippingAddress"], "Name", "no personal data without a restricted data token")
	assert.Equal(t, o.ShipTo.City, plain["ShippingAddress"].(map[string]any)["City"])
	assert.NotContains(t, plain, "BuyerInfo")

	token := rdt(t, s, "/orders/v0/orders/{orderId}", "shippingAddress", "buyerInfo")
	full := s.callAs(token, http.MethodGet, path, nil).json(t)["payload"].(map[string]any)
	assert.Equal(t, o.ShipTo.Name, full["ShippingAddress"].(map[string]any)["Name"])
	assert.Equal(t, o.Buyer.Email, full["BuyerInfo"].(map[string]any)["BuyerEmail"])

	other := s.callAs(token, http.MethodGet, path+"/orderItems", nil)
	assert.Equal(t, http.StatusForbidden, other.status, "the token covers only the resources it names")
}

func TestTokens_reject_bad_requests_with_InvalidRequest(t *testing.T) {
	s := newSim(t)
	for _, body := range []map[string]any{
		{"restrictedResources": []any{}},
		{"restrictedResources": []any{map[string]any{"method": "GET", "path": "orders"}}},
		{"restrictedResources": []any{map[string]any{"method": "GET", "path": "/feeds/2021-06-30/feeds", "dataElements": []string{"buyerInfo"}}}},
	} {
		r := s.call(http.MethodPost, "/tokens/2021-03-01/restrictedDataToken", body)
		assert.Equal(t, http.StatusBadRequest, r.status)
		assert.Equal(t, "InvalidRequest", errorCode(t, r))
	}
}
