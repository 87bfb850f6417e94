package simulator_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// TestContract_every_served_operation_answers_per_the_model calls every
// operation the simulator serves once to succeed and once to fail; the
// recorder checks each answer against the official model and the test
// then requires both kinds for every operation. (Every other test's
// answers are checked the same way, 429s and 5xx included.)
func TestContract_every_served_operation_answers_per_the_model(t *testing.T) {
	s := newSim(t, func(c *simulator.Config) {
		c.OrdersPerHour, c.SettlementPeriod, c.EnforceRateLimits = 20, 24*time.Hour, false
		// Enrolled for rotation; not started, so nothing is sent there.
		c.SecretRotation.QueueURL = "http://127.0.0.1:1/000000000000/lwa-secrets"
	})
	s.advance(40 * time.Hour)
	o := twoLineOrder(t, s)
	v0 := "/orders/v0/orders/" + o.ID
	after := epoch.Format(time.RFC3339)
	const listing = "/listings/2021-08-01/items/A1DEMOSELLER00/"
	grantless := s.grantless()
	feedID := submitFeed(t, s, "JSON_LISTINGS_FEED", listingsFeed(t))
	s.clock.Advance(2 * time.Minute)
	feed := s.get("/feeds/2021-06-30/feeds/" + feedID).json(t)
	report := s.srv.Reports()[0]
	dest := s.callAs(grantless, http.MethodPost, "/notifications/v1/destinations", map[string]any{
		"name": "orders", "resourceSpecification": map[string]any{"sqs": map[string]string{"arn": "arn:aws:sqs:us-east-1:123456789012:orders"}},
	}).json(t)["payload"].(map[string]any)["destinationId"].(string)
	sub := s.call(http.MethodPost, "/notifications/v1/subscriptions/ORDER_CHANGE", map[string]any{"payloadVersion": "1.0", "destinationId": dest})
	require.Equal(t, http.StatusOK, sub.status, string(sub.body))
	subID := sub.json(t)["payload"].(map[string]any)["subscriptionId"].(string)
	patch := map[string]any{"productType": "PRODUCT", "patches": []any{map[string]any{
		"op": "replace", "path": "/attributes/fulfillment_availability",
		"value": []any{map[string]any{"fulfillment_channel_code": "DEFAULT", "quantity": 7}},
	}}}

	s.runSteps(t, []apiStep{
		{"searchOrders", "", "GET", "/orders/2026-01-01/orders?lastUpdatedAfter=" + after + "&includedData=BUYER,RECIPIENT,PROCEEDS,EXPENSE,PROMOTION,CANCELLATION,FULFILLMENT,PACKAGES,TAX,PAYMENT", nil, 200},
		{"searchOrders", "", "GET", "/orders/2026-01-01/orders", nil, 400},
		{"getOrder 2026", "", "GET", "/orders/2026-01-01/orders/" + o.ID + "?includedData=BUYER,RECIPIENT,PROCEEDS,PROMOTION,CANCELLATION,FULFILLMENT,PACKAGES,TAX", nil, 200},
		{"getOrder 2026", "", "GET", "/orders/2026-01-01/orders/000-0000000-0000000", nil, 404},
		{"getOrders", "", "GET", "/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER,A1PA6795UKMFR9&LastUpdatedAfter=" + after, nil, 200},
		{"getOrders", "", "GET", "/orders/v0/orders?LastUpdatedAfter=" + after, nil, 400},
		{"getOrder v0", "", "GET", v0, nil, 200},
		{"getOrder v0", "", "GET", "/orders/v0/orders/000-0000000-0000000", nil, 404},
		{"getOrderItems", "", "GET", v0 + "/orderItems", nil, 200},
		{"getOrderItems", "", "GET", "/orders/v0/orders/000-0000000-0000000/orderItems", nil, 404},
		{"confirmShipment", "", "POST", v0 + "/shipmentConfirmation", shipment(o, "1", shipItem{"orderItemId": o.Items[1].ID, "quantity": 1}), 204},
		{"confirmShipment", "", "POST", v0 + "/shipmentConfirmation", shipment(o, "1", shipItem{"orderItemId": o.Items[1].ID, "quantity": 1}), 400},
		{"createFeedDocument", "", "POST", "/feeds/2021-06-30/documents", map[string]string{"contentType": feedContentType}, 201},
		{"createFeedDocument", "", "POST", "/feeds/2021-06-30/documents", map[string]string{}, 400},
		{"createFeed", "", "POST", "/feeds/2021-06-30/feeds", map[string]any{"feedType": "JSON_LISTINGS_FEED", "marketplaceIds": []string{"ATVPDKIKX0DER"}}, 400},
		{"getFeed", "", "GET", "/feeds/2021-06-30/feeds/" + feedID, nil, 200},
		{"getFeed", "", "GET", "/feeds/2021-06-30/feeds/1", nil, 404},
		{"getFeeds", "", "GET", "/feeds/2021-06-30/feeds?feedTypes=JSON_LISTINGS_FEED", nil, 200},
		{"getFeeds", "", "GET", "/feeds/2021-06-30/feeds", nil, 400},
		{"getFeedDocument", "", "GET", "/feeds/2021-06-30/documents/" + feed["resultFeedDocumentId"].(string), nil, 200},
		{"getFeedDocument", "", "GET", "/feeds/2021-06-30/documents/amzn1.tortuga.none", nil, 404},
		{"createReport", "", "POST", "/reports/2021-06-30/reports", map[string]any{"reportType": simulator.ReturnsReportType, "marketplaceIds": []string{"ATVPDKIKX0DER"}}, 202},
		{"createReport", "", "POST", "/reports/2021-06-30/reports", map[string]any{"reportType": simulator.SettlementReportType, "marketplaceIds": []string{"ATVPDKIKX0DER"}}, 400},
		{"getReports", "", "GET", "/reports/2021-06-30/reports?reportTypes=" + simulator.SettlementReportType, nil, 200},
		{"getReports", "", "GET", "/reports/2021-06-30/reports?pageSize=500&reportTypes=" + simulator.SettlementReportType, nil, 400},
		{"getReport", "", "GET", "/reports/2021-06-30/reports/" + report.ID, nil, 200},
		{"getReport", "", "GET", "/reports/2021-06-30/reports/1", nil, 404},
		{"getReportDocument", "", "GET", "/reports/2021-06-30/documents/" + report.DocumentID, nil, 200},
		{"getReportDocument", "", "GET", "/reports/2021-06-30/documents/amzn1.spdoc.none", nil, 404},
		{"getListingsItem", "", "GET", listing + "WB-0001-BK?marketplaceIds=ATVPDKIKX0DER&includedData=summaries,attributes,issues,offers,fulfillmentAvailability", nil, 200},
		{"getListingsItem", "", "GET", listing + "NOPE?marketplaceIds=ATVPDKIKX0DER", nil, 404},
		{"patchListingsItem", "", "PATCH", listing + "WB-0001-BK?marketplaceIds=ATVPDKIKX0DER&includedData=identifiers,issues", patch, 200},
		{"patchListingsItem", "", "PATCH", listing + "WB-0001-BK?marketplaceIds=ATVPDKIKX0DER", map[string]any{"productType": "PRODUCT"}, 400},
		{"putListingsItem", "", "PUT", listing + "NEW-SKU-1?marketplaceIds=ATVPDKIKX0DER", map[string]any{"productType": "PRODUCT", "requirements": "LISTING_OFFER_ONLY", "attributes": map[string]any{"condition_type": []any{map[string]any{"value": "new_new"}}}}, 200},
		{"putListingsItem", "", "PUT", "/listings/2021-08-01/items/SOMEONE-ELSE/NEW-SKU-1?marketplaceIds=ATVPDKIKX0DER", map[string]any{"productType": "PRODUCT", "attributes": map[string]any{}}, 403},
		{"listFinancialEvents", "", "GET", "/finances/v0/financialEvents?MaxResultsPerPage=5&PostedAfter=" + after, nil, 200},
		{"listFinancialEvents", "", "GET", "/finances/v0/financialEvents", nil, 400},
		{"getInventorySummaries", "", "GET", "/fba/inventory/v1/summaries?details=true&granularityType=Marketplace&granularityId=ATVPDKIKX0DER&marketplaceIds=ATVPDKIKX0DER", nil, 200},
		{"getInventorySummaries", "", "GET", "/fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=ATVPDKIKX0DER&marketplaceIds=A1PA6795UKMFR9", nil, 400},
		{"createRestrictedDataToken", "", "POST", "/tokens/2021-03-01/restrictedDataToken", map[string]any{"restrictedResources": []any{map[string]any{"method": "GET", "path": "/orders/v0/orders/{orderId}", "dataElements": []string{"shippingAddress"}}}}, 200},
		{"createRestrictedDataToken", "", "POST", "/tokens/2021-03-01/restrictedDataToken", map[string]any{"restrictedResources": []any{}}, 400},
		{"createFulfillmentOrder", "", "POST", fulfillmentOrders, fulfillmentOrder("CONTRACT-1"), 200},
		{"createFulfillmentOrder", "", "POST", fulfillmentOrders, fulfillmentOrder("CONTRACT-1"), 400},
		{"getFulfillmentOrder", "", "GET", fulfillmentOrders + "/CONTRACT-1", nil, 200},
		{"getFulfillmentOrder", "", "GET", fulfillmentOrders + "/NONE", nil, 404},
		{"listAllFulfillmentOrders", "", "GET", fulfillmentOrders + "?queryStartDate=" + after, nil, 200},
		{"listAllFulfillmentOrders", "", "GET", fulfillmentOrders + "?queryStartDate=yesterday", nil, 400},
		{"cancelFulfillmentOrder", "", "PUT", fulfillmentOrders + "/CONTRACT-1/cancel", nil, 200},
		{"cancelFulfillmentOrder", "", "PUT", fulfillmentOrders + "/NONE/cancel", nil, 404},
		{"createDestination", grantless, "POST", "/notifications/v1/destinations", map[string]any{"name": "bus", "resourceSpecification": map[string]any{"eventBridge": map[string]string{"region": "us-east-1", "accountId": "123456789012"}}}, 200},
		{"createDestination", grantless, "POST", "/notifications/v1/destinations", map[string]any{"name": "both", "resourceSpecification": map[string]any{}}, 400},
		{"getDestinations", grantless, "GET", "/notifications/v1/destinations", nil, 200},
		{"getDestinations", "", "GET", "/notifications/v1/destinations", nil, 403},
		{"getDestination", grantless, "GET", "/notifications/v1/destinations/" + dest, nil, 200},
		{"getDestination", grantless, "GET", "/notifications/v1/destinations/none", nil, 404},
		{"createSubscription", "", "POST", "/notifications/v1/subscriptions/ORDER_CHANGE", map[string]any{"payloadVersion": "1.0", "destinationId": dest}, 409},
		{"getSubscription", "", "GET", "/notifications/v1/subscriptions/ORDER_CHANGE", nil, 200},
		{"getSubscription", "", "GET", "/notifications/v1/subscriptions/FEED_PROCESSING_FINISHED", nil, 404},
		{"getSubscriptionById", grantless, "GET", "/notifications/v1/subscriptions/ORDER_CHANGE/" + subID, nil, 200},
		{"getSubscriptionById", grantless, "GET", "/notifications/v1/subscriptions/ORDER_CHANGE/none", nil, 404},
		{"deleteSubscriptionById", grantless, "DELETE", "/notifications/v1/subscriptions/ORDER_CHANGE/" + subID, nil, 200},
		{"deleteSubscriptionById", grantless, "DELETE", "/notifications/v1/subscriptions/ORDER_CHANGE/" + subID, nil, 404},
		{"deleteDestination", grantless, "DELETE", "/notifications/v1/destinations/" + dest, nil, 200},
		{"deleteDestination", grantless, "DELETE", "/notifications/v1/destinations/" + dest, nil, 404},
		{"rotateApplicationClientSecret", grantless, "POST", "/applications/2023-11-30/clientSecret", nil, 204},
		{"rotateApplicationClientSecret", "", "POST", "/applications/2023-11-30/clientSecret", nil, 403},
	})
	for _, name := range s.srv.Operations() {
		assert.True(t, s.contract.covered[name]["success"], "%s: no success checked against the model", name)
		assert.True(t, s.contract.covered[name]["error"], "%s: no error checked against the model", name)
	}
}
