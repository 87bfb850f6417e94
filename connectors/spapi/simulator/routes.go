package simulator

import "net/http"

// routes registers every endpoint. SP-API operations are named as
// models.LookupOperation names them; their method and path come from the
// model.
func (s *Server) routes() {
	s.mux.HandleFunc("POST "+lwaPath, s.lwaToken)
	s.mux.HandleFunc("PUT "+uploadPath+"{id}", s.uploadDocument)
	s.mux.HandleFunc("GET "+downloadPath+"{id}", s.downloadDocument)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amzn-RequestId", s.requestID())
		s.write(w, notFound("No SP-API operation serves %s %s.", r.Method, r.URL.Path), "", false)
	})

	s.serve("searchOrders", false, s.searchOrders)
	s.serve("orders/2026-01-01/getOrder", false, s.getOrder)
	s.serve("getOrders", false, s.getOrdersV0)
	s.serve("orders/v0/getOrder", false, s.getOrderV0)
	s.serve("getOrderItems", false, s.getOrderItemsV0)
	s.serve("confirmShipment", false, s.confirmShipment)

	s.serve("createFeedDocument", false, s.createFeedDocument)
	s.serve("createFeed", false, s.createFeed)
	s.serve("getFeed", false, s.getFeed)
	s.serve("getFeeds", false, s.getFeeds)
	s.serve("getFeedDocument", false, s.getFeedDocument)

	s.serve("createReport", false, s.createReport)
	s.serve("getReports", false, s.getReports)
	s.serve("getReport", false, s.getReport)
	s.serve("getReportDocument", false, s.getReportDocument)

	s.serve("getListingsItem", false, s.getListingsItem)
	s.serve("patchListingsItem", false, s.patchListingsItem)
	s.serve("putListingsItem", false, s.putListingsItem)

	s.serve("listFinancialEvents", false, s.listFinancialEvents)

	s.serve("getInventorySummaries", false, s.getInventorySummaries)
	s.serve("createRestrictedDataToken", false, s.createRestrictedDataToken)

	s.serve("createFulfillmentOrder", false, s.createFulfillmentOrder)
	s.serve("getFulfillmentOrder", false, s.getFulfillmentOrder)
	s.serve("listAllFulfillmentOrders", false, s.listAllFulfillmentOrders)
	s.serve("cancelFulfillmentOrder", false, s.cancelFulfillmentOrder)

	s.serve("createDestination", true, s.createDestination)
	s.serve("getDestinations", true, s.getDestinations)
	s.serve("getDestination", true, s.getDestination)
	s.serve("deleteDestination", true, s.deleteDestination)
	s.serve("createSubscription", false, s.createSubscription)
	s.serve("getSubscription", false, s.getSubscription)
	s.serve("getSubscriptionById", true, s.getSubscriptionByID)
	s.serve("deleteSubscriptionById", true, s.deleteSubscriptionByID)

	s.serve("rotateApplicationClientSecret", true, s.rotateApplicationClientSecret)
}
