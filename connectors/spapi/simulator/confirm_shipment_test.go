package simulator_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// twoLineOrder is an unshipped merchant order of 3 + 1 units.
func twoLineOrder(t *testing.T, s *sim) simulator.Order {
	o, err := s.srv.CreateOrder(simulator.OrderSpec{
		MarketplaceID: "ATVPDKIKX0DER", FulfilledBy: simulator.FulfilledByMerchant,
		Items: []simulator.ItemSpec{{SKU: "WB-0001-BK", Quantity: 3}, {SKU: "DL-0005-WH", Quantity: 1}},
	})
	require.NoError(t, err)
	return o
}

type shipItem = map[string]any

func shipment(o simulator.Order, ref string, items ...shipItem) map[string]any {
	return map[string]any{
		"marketplaceId": o.MarketplaceID,
		"packageDetail": map[string]any{
			"packageReferenceId": ref, "carrierCode": "UPS", "shippingMethod": "UPS Ground",
			"trackingNumber": "1Z999AA10123456784", "shipDate": o.Created.Add(time.Hour).Format(time.RFC3339),
			"orderItems": items,
		},
	}
}

func confirm(s *sim, orderID string, body any) reply {
	return s.call(http.MethodPost, "/orders/v0/orders/"+orderID+"/shipmentConfirmation", body)
}

func TestConfirmShipment_ships_packages_until_the_order_is_shipped(t *testing.T) {
	s := newSim(t)
	o := twoLineOrder(t, s)
	s.advance(2 * time.Hour)
	a, b := o.Items[0].ID, o.Items[1].ID

	r := confirm(s, o.ID, shipment(o, "1", shipItem{"orderItemId": a, "quantity": 2}))
	require.Equal(t, http.StatusNoContent, r.status, string(r.body))
	got, _ := s.srv.Order(o.ID)
	assert.Equal(t, simulator.StatusPartiallyShipped, got.Status)
	assert.Equal(t, 2, got.Items[0].QuantityShipped)

	r = confirm(s, o.ID, shipment(o, "2", shipItem{"orderItemId": a, "quantity": 1}, shipItem{"orderItemId": b, "quantity": 1}))
	require.Equal(t, http.StatusNoContent, r.status, string(r.body))
	got, _ = s.srv.Order(o.ID)
	assert.Equal(t, simulator.StatusShipped, got.Status)
	assert.True(t, got.LastUpdated.After(o.LastUpdated))
	require.Len(t, s.srv.Confirmations(o.ID), 2)
	assert.Equal(t, "1Z999AA10123456784", s.srv.Confirmations(o.ID)[1].TrackingNumber)

	order := getOrder(s, o.ID, "PACKAGES", "FULFILLMENT").json(t)["order"].(map[string]any)
	assert.Len(t, order["packages"], 2)
	assert.Equal(t, "SHIPPED", order["fulfillment"].(map[string]any)["fulfillmentStatus"])
}

func TestConfirmShipment_rejects_a_second_confirmation_of_the_same_package(t *testing.T) {
	s := newSim(t)
	o := twoLineOrder(t, s)
	body := shipment(o, "1", shipItem{"orderItemId": o.Items[0].ID, "quantity": 1})
	require.Equal(t, http.StatusNoContent, confirm(s, o.ID, body).status)

	r := confirm(s, o.ID, body)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "InvalidInput", errorCode(t, r))
	assert.Contains(t, string(r.body), "already been confirmed")
	got, _ := s.srv.Order(o.ID)
	assert.Equal(t, 1, got.Items[0].QuantityShipped, "the rejected confirmation changed nothing")
}

func TestConfirmShipment_validates_the_body_against_the_order(t *testing.T) {
	s := newSim(t)
	o := twoLineOrder(t, s)
	fba, err := s.srv.CreateOrder(simulator.OrderSpec{MarketplaceID: "ATVPDKIKX0DER", FulfilledBy: simulator.FulfilledByAmazon})
	require.NoError(t, err)
	pending, err := s.srv.CreateOrder(simulator.OrderSpec{FulfilledBy: simulator.FulfilledByMerchant, Status: simulator.StatusPending})
	require.NoError(t, err)
	cancelled, err := s.srv.CreateOrder(simulator.OrderSpec{FulfilledBy: simulator.FulfilledByMerchant, Status: simulator.StatusCancelled})
	require.NoError(t, err)
	a := o.Items[0].ID
	good := func() map[string]any { return shipment(o, "7", shipItem{"orderItemId": a, "quantity": 1}) }
	detail := func(m map[string]any) map[string]any { return m["packageDetail"].(map[string]any) }
	tests := []struct {
		name   string
		order  simulator.Order
		body   func() map[string]any
		status int
	}{
		{"missing tracking number (model)", o, func() map[string]any { b := good(); delete(detail(b), "trackingNumber"); return b }, 400},
		{"missing marketplace (model)", o, func() map[string]any { b := good(); delete(b, "marketplaceId"); return b }, 400},
		{"another marketplace", o, func() map[string]any { b := good(); b["marketplaceId"] = "A1PA6795UKMFR9"; return b }, 400},
		{"non-numeric package reference", o, func() map[string]any { b := good(); detail(b)["packageReferenceId"] = "PKG-1"; return b }, 400},
		{"zero package reference", o, func() map[string]any { b := good(); detail(b)["packageReferenceId"] = "0"; return b }, 400},
		{"unknown carrier code", o, func() map[string]any { b := good(); detail(b)["carrierCode"] = "CitySprint"; return b }, 400},
		{"Other without carrier name", o, func() map[string]any { b := good(); detail(b)["carrierCode"] = "Other"; return b }, 400},
		{"ship date before the order", o, func() map[string]any {
			b := good()
			detail(b)["shipDate"] = epoch.Add(-48 * time.Hour).Format(time.RFC3339)
			return b
		}, 400},
		{"foreign order item", o, func() map[string]any {
			return shipment(o, "7", shipItem{"orderItemId": "99999999999999", "quantity": 1})
		}, 400},
		{"too many units", o, func() map[string]any { return shipment(o, "7", shipItem{"orderItemId": a, "quantity": 4}) }, 400},
		{"too many units over two lines", o, func() map[string]any {
			return shipment(o, "7", shipItem{"orderItemId": a, "quantity": 2}, shipItem{"orderItemId": a, "quantity": 2})
		}, 400},
		{"zero units", o, func() map[string]any { return shipment(o, "7", shipItem{"orderItemId": a, "quantity": 0}) }, 400},
		{"no items", o, func() map[string]any { return shipment(o, "7") }, 400},
		{"FBA order", fba, func() map[string]any {
			return shipment(fba, "1", shipItem{"orderItemId": fba.Items[0].ID, "quantity": 1})
		}, 400},
		{"pending order", pending, func() map[string]any {
			return shipment(pending, "1", shipItem{"orderItemId": pending.Items[0].ID, "quantity": 1})
		}, 400},
		{"cancelled order", cancelled, func() map[string]any {
			return shipment(cancelled, "1", shipItem{"orderItemId": cancelled.Items[0].ID, "quantity": 1})
		}, 400},
		{"unknown order", simulator.Order{ID: "111-0000000-0000000"}, good, 404},
		{"Other with a carrier name", o, func() map[string]any {
			b := good()
			detail(b)["carrierCode"], detail(b)["carrierName"] = "Other", "CitySprint"
			return b
		}, 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.clock.Advance(time.Second) // stay inside confirmShipment's rate limit
			r := confirm(s, tt.order.ID, tt.body())
			assert.Equal(t, tt.status, r.status, string(r.body))
		})
	}
	got, _ := s.srv.Order(o.ID)
	assert.Equal(t, 1, got.Items[0].QuantityShipped, "only the valid confirmation shipped anything")
}
