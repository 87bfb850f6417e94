package simulator_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// fbaNote is what the tests read of an FBA_INVENTORY_AVAILABILITY_CHANGES
// notification.
type fbaNote struct {
	NotificationType string
	Payload          struct {
		SKU                               string
		FulfillmentInventoryByMarketplace []struct {
			MarketplaceID        string `json:"MarketplaceId"`
			FulfillmentInventory struct {
				Fulfillable               int
				ReservedQuantityBreakdown struct{ PendingCustomerOrder int }
			}
		}
	}
}

// usQuantities reads a notification's fulfillable and reserved units on
// Amazon.com.
func usQuantities(t *testing.T, body []byte) (sku string, fulfillable, reserved int) {
	t.Helper()
	var n fbaNote
	require.NoError(t, json.Unmarshal(body, &n))
	require.Equal(t, simulator.FBAInventoryChanges, n.NotificationType)
	for _, m := range n.Payload.FulfillmentInventoryByMarketplace {
		if m.MarketplaceID == "ATVPDKIKX0DER" {
			return n.Payload.SKU, m.FulfillmentInventory.Fulfillable, m.FulfillmentInventory.ReservedQuantityBreakdown.PendingCustomerOrder
		}
	}
	t.Fatalf("no Amazon.com inventory in %s", body)
	return "", 0, 0
}

func TestFBANotify_pushes_valid_inventory_changes_as_FBA_orders_reserve_and_ship(t *testing.T) {
	orders, fba := &hook{}, &hook{}
	ordersServer, fbaServer := httptest.NewServer(orders), httptest.NewServer(fba)
	t.Cleanup(ordersServer.Close)
	t.Cleanup(fbaServer.Close)
	s := newSim(t, func(c *simulator.Config) { c.Notify.URL, c.Notify.FBAInventoryURL = ordersServer.URL, fbaServer.URL })
	srv := s.srv
	require.NoError(t, srv.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	summary := func() (fulfillable, reserved int) {
		r := inventory(s, url.Values{"sellerSkus": {"KS-0008-BK"}, "details": {"true"}}).json(t)
		d := r["payload"].(map[string]any)["inventorySummaries"].([]any)[0].(map[string]any)["inventoryDetails"].(map[string]any)
		return int(d["fulfillableQuantity"].(float64)), int(d["reservedQuantity"].(map[string]any)["pendingCustomerOrderQuantity"].(float64))
	}
	startFulfillable, _ := summary()

	o, err := srv.CreateOrder(simulator.OrderSpec{MarketplaceID: "ATVPDKIKX0DER", FulfilledBy: simulator.FulfilledByAmazon,
		Items: []simulator.ItemSpec{{SKU: "KS-0008-BK", Quantity: 2}}})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return fba.count() == 1 }, componenttest.WaitLimit, time.Millisecond)
	require.NoError(t, srv.ShipOrder(o.ID))
	require.Eventually(t, func() bool { return fba.count() == 2 }, componenttest.WaitLimit, time.Millisecond)

	fba.mu.Lock()
	bodies := fba.bodies
	fba.mu.Unlock()
	want := []struct{ fulfillable, reserved int }{{startFulfillable - 2, 2}, {startFulfillable - 2, 0}}
	for i, body := range bodies {
		hdr, err := models.ValidateNotification(body)
		require.NoError(t, err, string(body))
		assert.Equal(t, models.FBAInventoryAvailabilityChange, hdr.Type)
		sku, fulfillable, reserved := usQuantities(t, body)
		assert.Equal(t, "KS-0008-BK", sku)
		assert.Equal(t, want[i].fulfillable, fulfillable, "notification %d", i)
		assert.Equal(t, want[i].reserved, reserved, "notification %d", i)
	}
	fulfillable, reserved := summary()
	assert.Equal(t, []int{startFulfillable - 2, 0}, []int{fulfillable, reserved}, "the last notification says what getInventorySummaries serves")
	assert.Len(t, srv.FBAInventoryNotifications(), 2)
	for _, n := range srv.Notifications() {
		assert.Equal(t, o.ID, n.OrderID, "Notifications lists ORDER_CHANGE only")
	}
	orders.mu.Lock()
	defer orders.mu.Unlock()
	for _, body := range orders.bodies {
		hdr, err := models.ParseNotificationHeader(body)
		require.NoError(t, err)
		assert.Equal(t, models.OrderChange, hdr.Type, "the orders URL gets ORDER_CHANGE only")
	}
}

func TestFBANotify_generated_FBA_orders_raise_valid_notifications(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.OrdersPerHour = 30 })
	s.advance(48 * time.Hour)
	notes := s.srv.FBAInventoryNotifications()
	require.NotEmpty(t, notes)
	for _, n := range notes {
		_, err := models.ValidateNotification(n.Body)
		require.NoError(t, err, string(n.Body))
	}
}
