package simulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Multi-Channel Fulfillment (Fulfillment Outbound API 2020-07-01): a
// seller asks Amazon to ship an order of another channel from its FBA
// stock. A fulfillment order is Received when created, then Planning,
// Processing (picking began: too late to cancel, per the model's
// FulfillmentOrderStatus table) and Complete with a shipment whose
// packages carry tracking numbers; Received and Planning orders can be
// cancelled. Each change raises a FULFILLMENT_ORDER_STATUS notification
// (fulfillment_notify.go); fulfillment_lifecycle.go moves the orders on
// the simulated clock.

// Fulfillment order statuses (the model's FulfillmentOrderStatus).
const (
	FulfillmentReceived   = "Received"
	FulfillmentPlanning   = "Planning"
	FulfillmentProcessing = "Processing"
	FulfillmentComplete   = "Complete"
	FulfillmentCancelled  = "Cancelled"
)

// FulfillmentOrder is a Multi-Channel Fulfillment order.
type FulfillmentOrder struct {
	ID              string                `json:"id"`
	MarketplaceID   string                `json:"marketplace_id"`
	DisplayableID   string                `json:"displayable_id"`
	DisplayableDate string                `json:"displayable_date"`
	Comment         string                `json:"comment"`
	Speed           string                `json:"speed"`
	Address         json.RawMessage       `json:"address"`
	Items           []FulfillmentItem     `json:"items"`
	Status          string                `json:"status"`
	Received        time.Time             `json:"received"`
	StatusUpdated   time.Time             `json:"status_updated"`
	Shipments       []FulfillmentShipment `json:"shipments,omitempty"`
	// Creates counts the createFulfillmentOrder calls for the order's id,
	// the refused repeats included.
	Creates int `json:"creates"`
	// Cancels counts the cancelFulfillmentOrder calls that cancelled it
	// (at most one) or were refused.
	Cancels int `json:"cancels"`
}

// FulfillmentItem is an item of a fulfillment order.
type FulfillmentItem struct {
	ID        string `json:"id"` // sellerFulfillmentOrderItemId
	SKU       string `json:"sku"`
	Quantity  int    `json:"quantity"`
	Cancelled int    `json:"cancelled,omitempty"`
}

// FulfillmentShipment is a shipment of a fulfillment order.
type FulfillmentShipment struct {
	ID       string                `json:"id"`
	Center   string                `json:"center"`
	Status   string                `json:"status"` // PENDING, SHIPPED
	Shipped  time.Time             `json:"shipped,omitzero"`
	Packages []FulfillmentPackage  `json:"packages,omitempty"`
	Items    []FulfillmentShipItem `json:"items"`
}

// FulfillmentPackage is a package of a shipment, with its tracking number.
type FulfillmentPackage struct {
	Number   int    `json:"number"`
	Carrier  string `json:"carrier"`
	Tracking string `json:"tracking"`
}

// FulfillmentShipItem is the quantity of an item a package holds.
type FulfillmentShipItem struct {
	ItemID   string `json:"item_id"`
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
	Package  int    `json:"package"`
}

// cancellable reports whether Amazon still accepts a cancellation (the
// model: "The seller can cancel a fulfillment order that has a status of
// Received" or Planning; not once it is Processing).
func (f *FulfillmentOrder) cancellable() bool {
	return f.Status == FulfillmentReceived || f.Status == FulfillmentPlanning
}

// createFulfillmentRequest is the part of CreateFulfillmentOrderRequest
// the simulator keeps (the model has checked the body's shape).
type createFulfillmentRequest struct {
	MarketplaceID   string          `json:"marketplaceId"`
	ID              string          `json:"sellerFulfillmentOrderId"`
	DisplayableID   string          `json:"displayableOrderId"`
	DisplayableDate string          `json:"displayableOrderDate"`
	Comment         string          `json:"displayableOrderComment"`
	Speed           string          `json:"shippingSpeedCategory"`
	Address         json.RawMessage `json:"destinationAddress"`
	Items           []struct {
		SKU      string `json:"sellerSku"`
		ID       string `json:"sellerFulfillmentOrderItemId"`
		Quantity int    `json:"quantity"`
	} `json:"items"`
}

// createFulfillmentOrder accepts a fulfillment order: the seller sells on
// the marketplace (default the first), each SKU is the seller's and each
// item id appears once, quantities are positive; an id already used is
// refused, as Amazon requires sellerFulfillmentOrderId to be unique.
func (s *Server) createFulfillmentOrder(c *call) response {
	var req createFulfillmentRequest
	if err := json.Unmarshal(c.body, &req); err != nil {
		return invalidInput("The request body is not a fulfillment order.")
	}
	if f := s.fulfillment[req.ID]; f != nil {
		f.Creates++
		return invalidInput("A fulfillment order with SellerFulfillmentOrderId %s already exists.", req.ID)
	}
	if req.MarketplaceID == "" {
		req.MarketplaceID = s.cfg.marketplaces()[0].ID
	}
	if !s.cfg.sells(req.MarketplaceID) {
		return invalidInput("Value %s for parameter MarketplaceId is invalid.", req.MarketplaceID)
	}
	f := &FulfillmentOrder{ID: req.ID, MarketplaceID: req.MarketplaceID, DisplayableID: req.DisplayableID, DisplayableDate: req.DisplayableDate,
		Comment: req.Comment, Speed: req.Speed, Address: req.Address, Status: FulfillmentReceived, Received: c.now, StatusUpdated: c.now, Creates: 1}
	for _, it := range req.Items {
		switch {
		case s.listings[it.SKU] == nil:
			return invalidInput("The SellerSKU for Item Id: %s is invalid.", it.ID)
		case it.Quantity <= 0:
			return invalidInput("The quantity for Item Id: %s must be positive.", it.ID)
		case slices.ContainsFunc(f.Items, func(x FulfillmentItem) bool { return x.ID == it.ID }):
			return invalidInput("Item Id %s appears more than once.", it.ID)
		}
		f.Items = append(f.Items, FulfillmentItem{ID: it.ID, SKU: it.SKU, Quantity: it.Quantity})
	}
	s.fulfillment[f.ID] = f
	s.fulfillmentList = append(s.fulfillmentList, f)
	s.fulfillmentChanged(f)
	s.schedule(&event{at: c.now.Add(fulfillmentPlanAfter), kind: evFulfillment, ref: f.ID})
	return ok(map[string]any{})
}

// getFulfillmentOrder answers a fulfillment order with its items and
// shipments.
func (s *Server) getFulfillmentOrder(c *call) response {
	f := s.fulfillment[c.pathValue("sellerFulfillmentOrderId")]
	if f == nil {
		return notFound("Fulfillment order %s was not found.", c.pathValue("sellerFulfillmentOrderId"))
	}
	return payload(f.result())
}

// cancelFulfillmentOrder cancels a Received or Planning fulfillment order;
// later it is refused with the status, as Amazon refuses it.
func (s *Server) cancelFulfillmentOrder(c *call) response {
	f := s.fulfillment[c.pathValue("sellerFulfillmentOrderId")]
	if f == nil {
		return notFound("Fulfillment order %s was not found.", c.pathValue("sellerFulfillmentOrderId"))
	}
	f.Cancels++
	if !f.cancellable() {
		return invalidInput("Fulfillment order %s cannot be cancelled: its status is %s.", f.ID, f.Status)
	}
	for i := range f.Items {
		f.Items[i].Cancelled = f.Items[i].Quantity
	}
	s.setFulfillmentStatus(f, FulfillmentCancelled, c.now)
	return ok(map[string]any{})
}

// fulfillmentPageSize is how many orders a listAllFulfillmentOrders page
// holds.
const fulfillmentPageSize = 50

// listAllFulfillmentOrders lists the fulfillment orders updated at or
// after queryStartDate (default: the last 36 hours), oldest change first,
// in pages.
func (s *Server) listAllFulfillmentOrders(c *call) response {
	from := c.now.Add(-36 * time.Hour)
	if v := c.query.Get("queryStartDate"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return invalidInput("Value %s for parameter queryStartDate is invalid.", v)
		}
		from = t
	}
	start := 0
	if tok := c.query.Get("nextToken"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 {
			return invalidInput("Value %s for parameter nextToken is invalid.", tok)
		}
		start = n
	}
	var match []*FulfillmentOrder
	for _, f := range s.fulfillmentList {
		if !f.StatusUpdated.Before(from) {
			match = append(match, f)
		}
	}
	slices.SortStableFunc(match, func(a, b *FulfillmentOrder) int { return a.StatusUpdated.Compare(b.StatusUpdated) })
	list := []any{}
	for i := start; i < len(match) && i < start+fulfillmentPageSize; i++ {
		list = append(list, match[i].header())
	}
	out := map[string]any{"fulfillmentOrders": list}
	if start+fulfillmentPageSize < len(match) {
		out["nextToken"] = fmt.Sprint(start + fulfillmentPageSize)
	}
	return payload(out)
}

// FulfillmentOrders returns copies of the fulfillment orders in creation
// order (for tests and demos).
func (s *Server) FulfillmentOrders() []FulfillmentOrder {
	return snapshot(s, func() []*FulfillmentOrder { return s.fulfillmentList }, func(f *FulfillmentOrder) FulfillmentOrder {
		c := *f
		c.Items, c.Shipments = slices.Clone(f.Items), slices.Clone(f.Shipments)
		for i := range c.Shipments {
			c.Shipments[i].Packages = slices.Clone(f.Shipments[i].Packages)
			c.Shipments[i].Items = slices.Clone(f.Shipments[i].Items)
		}
		return c
	})
}
