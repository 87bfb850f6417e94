package simulator_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const fulfillmentOrders = "/fba/outbound/2020-07-01/fulfillmentOrders"

// fulfillmentOrder is a createFulfillmentOrder body for two items.
func fulfillmentOrder(id string) map[string]any {
	return map[string]any{
		"sellerFulfillmentOrderId": id, "displayableOrderId": id, "displayableOrderDate": "2026-03-02T09:00:00Z",
		"displayableOrderComment": "Thank you for your order", "shippingSpeedCategory": "Standard",
		"destinationAddress": map[string]any{"name": "Jane Doe", "addressLine1": "1 Main St", "city": "Springfield", "stateOrRegion": "IL", "postalCode": "62701", "countryCode": "US"},
		"items": []any{
			map[string]any{"sellerSku": "WB-0001-BK", "sellerFulfillmentOrderItemId": "1", "quantity": 2},
			map[string]any{"sellerSku": "CG-0003-SS", "sellerFulfillmentOrderItemId": "2", "quantity": 1},
		},
	}
}

func fulfillmentStatus(t *testing.T, s *sim, id string) (string, map[string]any) {
	t.Helper()
	r := s.get(fulfillmentOrders + "/" + id)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	p := r.json(t)["payload"].(map[string]any)
	return p["fulfillmentOrder"].(map[string]any)["fulfillmentOrderStatus"].(string), p
}

func TestFulfillmentOrders_move_from_received_to_complete_with_tracked_packages(t *testing.T) {
	s := newSim(t)
	require.Equal(t, http.StatusOK, s.call(http.MethodPost, fulfillmentOrders, fulfillmentOrder("SOA-SO-0000000001")).status)
	steps := []struct {
		after  time.Duration
		status string
	}{{0, "Received"}, {15 * time.Minute, "Planning"}, {30 * time.Minute, "Processing"}, {time.Hour, "Complete"}}
	var p map[string]any
	for _, st := range steps {
		s.advance(st.after)
		var status string
		status, p = fulfillmentStatus(t, s, "SOA-SO-0000000001")
		assert.Equal(t, st.status, status, "after %v", st.after)
	}
	shipments := p["fulfillmentShipments"].([]any)
	require.Len(t, shipments, 1)
	sh := shipments[0].(map[string]any)
	assert.Equal(t, "SHIPPED", sh["fulfillmentShipmentStatus"])
	pkgs := sh["fulfillmentShipmentPackage"].([]any)
	require.Len(t, pkgs, 2, "one package per item")
	for _, p := range pkgs {
		assert.NotEmpty(t, p.(map[string]any)["trackingNumber"])
	}
	items := sh["fulfillmentShipmentItem"].([]any)
	assert.Equal(t, float64(2), items[0].(map[string]any)["quantity"])
}

func TestFulfillmentOrders_a_repeated_create_is_refused_and_counted(t *testing.T) {
	s := newSim(t)
	require.Equal(t, http.StatusOK, s.call(http.MethodPost, fulfillmentOrders, fulfillmentOrder("SOA-SO-0000000002")).status)
	r := s.call(http.MethodPost, fulfillmentOrders, fulfillmentOrder("SOA-SO-0000000002"))
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, string(r.body), "already exists")
	fos := s.srv.FulfillmentOrders()
	require.Len(t, fos, 1)
	assert.Equal(t, 2, fos[0].Creates)
}

func TestFulfillmentOrders_cancel_until_processing_then_refused_with_the_status(t *testing.T) {
	s := newSim(t)
	for _, id := range []string{"EARLY", "LATE"} {
		require.Equal(t, http.StatusOK, s.call(http.MethodPost, fulfillmentOrders, fulfillmentOrder(id)).status)
	}
	s.advance(20 * time.Minute) // Planning
	assert.Equal(t, http.StatusOK, s.call(http.MethodPut, fulfillmentOrders+"/EARLY/cancel", nil).status)
	status, p := fulfillmentStatus(t, s, "EARLY")
	assert.Equal(t, "Cancelled", status)
	assert.Equal(t, float64(2), p["fulfillmentOrderItems"].([]any)[0].(map[string]any)["cancelledQuantity"])

	s.advance(30 * time.Minute) // LATE is Processing
	r := s.call(http.MethodPut, fulfillmentOrders+"/LATE/cancel", nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, string(r.body), "its status is Processing")
	s.advance(3 * time.Hour)
	status, _ = fulfillmentStatus(t, s, "EARLY")
	assert.Equal(t, "Cancelled", status, "a cancelled order stays cancelled")
}

func TestFulfillmentOrders_list_by_update_time_in_pages(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) { c.EnforceRateLimits = false })
	for i := range 60 {
		require.Equal(t, http.StatusOK, s.call(http.MethodPost, fulfillmentOrders, fulfillmentOrder("L"+string(rune('A'+i/26))+string(rune('a'+i%26)))).status)
	}
	first := s.get(fulfillmentOrders + "?queryStartDate=" + epoch.Format(time.RFC3339)).json(t)["payload"].(map[string]any)
	assert.Len(t, first["fulfillmentOrders"], 50)
	next := s.get(fulfillmentOrders + "?queryStartDate=" + epoch.Format(time.RFC3339) + "&nextToken=" + first["nextToken"].(string)).json(t)["payload"].(map[string]any)
	assert.Len(t, next["fulfillmentOrders"], 10)
	assert.Nil(t, next["nextToken"])
	later := s.get(fulfillmentOrders + "?queryStartDate=" + epoch.Add(time.Minute).Format(time.RFC3339)).json(t)["payload"].(map[string]any)
	assert.Empty(t, later["fulfillmentOrders"])
}

func TestFulfillmentOrders_push_status_notifications_valid_per_the_schema_to_their_url(t *testing.T) {
	orders, mcf := &hook{}, &hook{}
	ordersSrv, mcfSrv := httptest.NewServer(orders), httptest.NewServer(mcf)
	t.Cleanup(ordersSrv.Close)
	t.Cleanup(mcfSrv.Close)
	s := newSim(t, func(c *simulator.Config) {
		c.Notify.URL = ordersSrv.URL
		c.Notify.TypeURLs = map[string]string{models.FulfillmentOrderStatus: mcfSrv.URL}
	})
	require.NoError(t, s.srv.Start(t.Context()))
	t.Cleanup(func() { _ = s.srv.Close() })
	require.Equal(t, http.StatusOK, s.call(http.MethodPost, fulfillmentOrders, fulfillmentOrder("SOA-SO-0000000003")).status)
	s.advance(2 * time.Hour)
	require.Eventually(t, func() bool { return mcf.count() == 4 }, componenttest.WaitLimit, time.Millisecond, "Received, Planning, Processing, Complete")
	assert.Zero(t, orders.count(), "the ORDER_CHANGE URL gets no other type")
	mcf.mu.Lock()
	defer mcf.mu.Unlock()
	complete := ""
	for _, body := range mcf.bodies { // pushed in parallel: in any order
		h, err := models.ValidateNotification(body)
		require.NoError(t, err)
		assert.Equal(t, models.FulfillmentOrderStatus, h.Type)
		if strings.Contains(string(body), `"FulfillmentOrderStatus":"Complete"`) {
			complete = string(body)
		}
	}
	assert.Contains(t, complete, `"TrackingNumber":"1ZMCF`, "the Complete notification carries the packages")
}

func TestFulfillmentOrders_survive_a_restart_of_a_persisted_world(t *testing.T) {
	file := t.TempDir() + "/world.json.gz"
	clock := componenttest.NewManualClock(epoch)
	cfg := simulator.DefaultConfig()
	cfg.Listen, cfg.Clock, cfg.OrdersPerHour, cfg.SettlementPeriod, cfg.StateFile = "127.0.0.1:0", clock, 0, 0, file
	srv, err := simulator.New(cfg)
	require.NoError(t, err)
	hs := httptest.NewServer(srv.Handler())
	s := &sim{t: t, srv: srv, clock: clock, base: hs.URL, contract: newContractRecorder(srv), client: http.DefaultClient}
	s.token = s.login()
	require.Equal(t, http.StatusOK, s.call(http.MethodPost, fulfillmentOrders, fulfillmentOrder("KEPT")).status)
	require.NoError(t, srv.Start(t.Context()))
	require.NoError(t, srv.Close())
	hs.Close()

	again, err := simulator.New(cfg)
	require.NoError(t, err)
	clock.Advance(4 * time.Hour)
	fos := again.FulfillmentOrders()
	require.Len(t, fos, 1)
	assert.Equal(t, "Complete", fos[0].Status, "the saved lifecycle events went on")
}

func TestFulfillmentOrders_a_held_order_stays_in_its_status_until_released(t *testing.T) {
	for _, status := range []string{"Received", "Planning", "Processing"} {
		t.Run(status, func(t *testing.T) {
			s := newSim(t)
			const id = "SOA-SO-0000000009"
			s.srv.HoldFulfillment(id, status) // before the order exists
			require.Equal(t, http.StatusOK, s.call(http.MethodPost, fulfillmentOrders, fulfillmentOrder(id)).status)
			for range 4 {
				s.advance(2 * time.Hour)
				got, _ := fulfillmentStatus(t, s, id)
				require.Equal(t, status, got, "held")
			}
			s.srv.ReleaseFulfillment(id)
			s.srv.Sync()
			got, _ := fulfillmentStatus(t, s, id)
			assert.NotEqual(t, status, got, "moves on at once when released")
			s.advance(2 * time.Hour)
			got, _ = fulfillmentStatus(t, s, id)
			assert.Equal(t, "Complete", got, "then on the usual schedule")
		})
	}
}

func TestFulfillmentOrders_a_held_order_can_still_be_cancelled(t *testing.T) {
	s := newSim(t)
	const id = "SOA-SO-0000000010"
	s.srv.HoldFulfillment(id, "Received")
	require.Equal(t, http.StatusOK, s.call(http.MethodPost, fulfillmentOrders, fulfillmentOrder(id)).status)
	s.advance(time.Hour)
	require.Equal(t, http.StatusOK, s.call(http.MethodPut, fulfillmentOrders+"/"+id+"/cancel", nil).status)
	s.srv.ReleaseFulfillment(id)
	s.advance(2 * time.Hour)
	got, _ := fulfillmentStatus(t, s, id)
	assert.Equal(t, "Cancelled", got, "the hold's due move does not revive a cancelled order")
}
