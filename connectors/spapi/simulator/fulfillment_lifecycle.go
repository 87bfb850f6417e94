package simulator

import (
	"fmt"
	"time"
)

// How long a fulfillment order stays in each status, in simulated time,
// before Amazon moves it on: Received -> Planning -> Processing ->
// Complete. Cancelling is possible for the first 45 minutes.
const (
	fulfillmentPlanAfter     = 15 * time.Minute
	fulfillmentProcessAfter  = 30 * time.Minute
	fulfillmentCompleteAfter = time.Hour
)

// fulfillmentCenters are the fulfillment centers shipments leave from, by
// marketplace country.
var fulfillmentCenters = map[string]string{"US": "PHX7", "CA": "YYZ4", "GB": "LTN2", "DE": "FRA3"}

// advanceFulfillment moves a fulfillment order to its next status (an
// evFulfillment event); a cancelled or complete order stays.
func (s *Server) advanceFulfillment(f *FulfillmentOrder, at time.Time) {
	switch f.Status {
	case FulfillmentReceived:
		s.setFulfillmentStatus(f, FulfillmentPlanning, at)
		s.schedule(&event{at: at.Add(fulfillmentProcessAfter), kind: evFulfillment, ref: f.ID})
	case FulfillmentPlanning:
		f.Shipments = append(f.Shipments, s.planShipment(f))
		s.setFulfillmentStatus(f, FulfillmentProcessing, at)
		s.schedule(&event{at: at.Add(fulfillmentCompleteAfter), kind: evFulfillment, ref: f.ID})
	case FulfillmentProcessing:
		s.shipFulfillment(f, at)
		s.setFulfillmentStatus(f, FulfillmentComplete, at)
	}
}

// planShipment is the shipment picking begins on: every item, one
// package per item (at most two packages), not yet shipped.
func (s *Server) planShipment(f *FulfillmentOrder) FulfillmentShipment {
	m, _ := marketplaceByID(f.MarketplaceID)
	sh := FulfillmentShipment{ID: fmt.Sprintf("T%s", s.nextID()), Center: fulfillmentCenters[m.Country], Status: "PENDING"}
	for i, it := range f.Items {
		sh.Items = append(sh.Items, FulfillmentShipItem{ItemID: it.ID, SKU: it.SKU, Quantity: it.Quantity, Package: 1 + i%2})
	}
	return sh
}

// shipFulfillment ships the pending shipment: its packages get a carrier
// and a tracking number.
func (s *Server) shipFulfillment(f *FulfillmentOrder, at time.Time) {
	m, _ := marketplaceByID(f.MarketplaceID)
	carrier := map[string]string{"US": "UPS", "CA": "CANADA_POST", "GB": "ROYAL_MAIL", "DE": "DHL"}[m.Country]
	for i := range f.Shipments {
		sh := &f.Shipments[i]
		if sh.Status != "PENDING" {
			continue
		}
		sh.Status, sh.Shipped = "SHIPPED", at
		for n := 1; n <= packagesOf(sh); n++ {
			sh.Packages = append(sh.Packages, FulfillmentPackage{Number: n, Carrier: carrier, Tracking: fmt.Sprintf("1ZMCF%013s", s.nextID())})
		}
	}
}

// packagesOf counts a shipment's packages.
func packagesOf(sh *FulfillmentShipment) int {
	n := 0
	for _, it := range sh.Items {
		n = max(n, it.Package)
	}
	return n
}

// setFulfillmentStatus changes the order's status and announces it.
func (s *Server) setFulfillmentStatus(f *FulfillmentOrder, status string, at time.Time) {
	f.Status, f.StatusUpdated = status, at
	s.fulfillmentChanged(f)
}
